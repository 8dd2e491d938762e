"""The one settings object. Everything configurable is read from the environment here.

Values come from the process environment, then from a `.env` file (the project root's, or the file
PORTAL_ENV_FILE names; PORTAL_ENV_FILE= with nothing after it reads no file). The defaults need no
server and no account (SQLite file, local encrypted folder, console mail, sandbox payments). In
production (PORTAL_ENV=production) missing, placeholder or malformed secrets are refused at start-up
with a message naming the variable, instead of being generated. No message ever shows a secret.
"""
from __future__ import annotations

import base64
import binascii
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import NoDecode

from portal_app.services.kernel.origins import default_public_url
from portal_app.services.kernel.setting_groups import (
    NO_SECRET,
    PROJECT_ROOT,
    AuditSettings,
    Networks,
    PaymentSettings,
    PortalEnvironment,
    SettingsError,
    SmtpSettings,
    UscisSettings,
    WorkflowSettings,
    var,
)

__all__ = ["PROJECT_ROOT", "PaymentSettings", "Settings", "SettingsError", "SmtpSettings", "UscisSettings",
           "WorkflowSettings", "get_settings", "load_settings", "reset_settings"]

PLACEHOLDERS = {"", "changeme", "change-me", "change_me", "secret", "please-change", "password", "xxx"}
SECRET_MIN_CHARS = 32
SECRET_MIN_DISTINCT = 8
MAKE_SECRET = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'
MAKE_FERNET = 'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
GROUPS = {"payments": PaymentSettings, "smtp": SmtpSettings, "workflow": WorkflowSettings, "uscis": UscisSettings,
          "audit": AuditSettings}


def _key_list(value: Any) -> Any:
    return tuple(part.strip() for part in value.split(",") if part.strip()) if isinstance(value, str) else value


MasterKeys = Annotated[tuple[SecretStr, ...], NoDecode, BeforeValidator(_key_list)]


class Settings(PortalEnvironment):
    env: Literal["development", "test", "production"] = var("PORTAL_ENV", "development")
    data_dir: Path = var("PORTAL_DATA_DIR", PROJECT_ROOT / "data")
    database_url: str = var("PORTAL_DATABASE_URL", "")  # empty: a SQLite file in data_dir
    secret_key: SecretStr = var("PORTAL_SECRET_KEY", NO_SECRET)  # empty outside production: generated
    master_keys: MasterKeys = var("PORTAL_MASTER_KEYS", ())  # newest first; empty outside production: generated
    public_url: str = var("PORTAL_PUBLIC_URL", default_public_url)  # unset: follows the port (kernel/origins.py)
    firm_name: str = var("PORTAL_FIRM_NAME", "Rivera & Chen Immigration Law")
    firm_logo: str = var("PORTAL_FIRM_LOGO", "/logo.svg")
    firm_color: str = var("PORTAL_FIRM_COLOR", "#1f4e8c")
    firm_timezone: str = var("PORTAL_FIRM_TIMEZONE", "America/New_York")
    firm_region: str = var("PORTAL_FIRM_REGION", "US")  # ISO 3166: money and dates follow its conventions
    cookie_secure: bool = var("PORTAL_COOKIE_SECURE", False)  # unset: true when public_url is https
    session_hours: int = var("PORTAL_SESSION_HOURS", 12, gt=0)
    session_idle_minutes: int = var("PORTAL_SESSION_IDLE_MINUTES", 120, gt=0)
    invitation_hours: int = var("PORTAL_INVITATION_HOURS", 72, gt=0)
    reset_minutes: int = var("PORTAL_RESET_MINUTES", 60, gt=0)
    # one-tap task links in reminder mails (issue 12 item 5); off: the mails carry the sign-in link
    task_links: bool = var("PORTAL_TASK_LINKS", True)
    task_link_hours: int = var("PORTAL_TASK_LINK_HOURS", 72, gt=0)
    task_session_minutes: int = var("PORTAL_TASK_SESSION_MINUTES", 30, gt=0)
    account_max_failures: int = var("PORTAL_ACCOUNT_MAX_FAILURES", 5, gt=0)
    ip_max_failures: int = var("PORTAL_IP_MAX_FAILURES", 20, gt=0)
    throttle_window_minutes: int = var("PORTAL_THROTTLE_WINDOW_MINUTES", 15, gt=0)
    lockout_minutes: int = var("PORTAL_LOCKOUT_MINUTES", 15, gt=0)
    max_request_bytes: int = var("PORTAL_MAX_REQUEST_BYTES", 1024 * 1024, gt=0)
    max_upload_bytes: int = var("PORTAL_MAX_UPLOAD_BYTES", 50 * 1024 * 1024, gt=0)
    jobs_in_workers: bool = var("PORTAL_JOBS_IN_WORKERS", True)  # false when `cli jobs loop` runs the jobs apart
    trusted_proxies: Networks = var("PORTAL_TRUSTED_PROXIES", ())  # only their forwarded address is believed
    mail_backend: Literal["console", "smtp"] = var("PORTAL_MAIL_BACKEND", "console")
    mail_from: str = var("PORTAL_MAIL_FROM", "portal@localhost")
    storage_backend: Literal["local", "s3"] = var("PORTAL_STORAGE", "local")
    s3_bucket: str = var("PORTAL_S3_BUCKET", "")
    s3_prefix: str = var("PORTAL_S3_PREFIX", "")
    s3_region: str = var("PORTAL_S3_REGION", "")
    s3_endpoint_url: str = var("PORTAL_S3_ENDPOINT_URL", "")
    file_chunk_bytes: int = var("PORTAL_FILE_CHUNK_BYTES", 256 * 1024, gt=0)
    expiry_window_days: int = var("PORTAL_EXPIRY_WINDOW_DAYS", 180, ge=0)
    orphan_grace_hours: int = var("PORTAL_ORPHAN_GRACE_HOURS", 24, gt=0)  # an object with no row goes once this old
    jobs_interval_seconds: float = var("PORTAL_JOBS_INTERVAL", 5.0, gt=0)
    # The groups read their own variables. load_settings always passes them in; NoDecode keeps a
    # stray variable named like a group (`smtp`) from being parsed as JSON on the way.
    payments: Annotated[PaymentSettings, NoDecode] = Field(default_factory=PaymentSettings)
    smtp: Annotated[SmtpSettings, NoDecode] = Field(default_factory=SmtpSettings)
    workflow: Annotated[WorkflowSettings, NoDecode] = Field(default_factory=WorkflowSettings)
    uscis: Annotated[UscisSettings, NoDecode] = Field(default_factory=UscisSettings)
    audit: Annotated[AuditSettings, NoDecode] = Field(default_factory=AuditSettings)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @field_validator("env", "mail_backend", "storage_backend", mode="before")
    @classmethod
    def _lowercase(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("public_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("s3_prefix")
    @classmethod
    def _no_slashes_around(cls, value: str) -> str:
        return value.strip("/")

    @field_validator("master_keys")
    @classmethod
    def _fernet_keys(cls, keys: tuple[SecretStr, ...]) -> tuple[SecretStr, ...]:
        check_master_keys(keys)
        return keys

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        if self.is_production:
            check_secret_key(self.secret_key)
            if not self.master_keys:
                raise ValueError(f"PORTAL_MASTER_KEYS is required in production: one Fernet key or more, "
                                 f"newest first (make one with {MAKE_FERNET})")
            if self.payments.is_sandbox and self.payments.requested_mode != "sandbox":
                raise ValueError("set the STRIPE_* keys, or PORTAL_PAYMENTS=sandbox to run the sandbox on purpose")
            if self.audit.checkpoint_dir is None and not self.audit.s3_bucket:
                raise ValueError("set PORTAL_AUDIT_CHECKPOINT_DIR (a folder outside PORTAL_DATA_DIR that the database "
                                 "cannot write) and/or PORTAL_AUDIT_CHECKPOINT_S3_BUCKET: the audit log is anchored there")
        folder = self.audit.checkpoint_dir
        if folder is not None and folder.is_relative_to(self.data_dir):
            raise ValueError(f"PORTAL_AUDIT_CHECKPOINT_DIR must be outside PORTAL_DATA_DIR ({self.data_dir})")
        if self.storage_backend == "s3" and not self.s3_bucket:
            raise ValueError("PORTAL_S3_BUCKET is required when PORTAL_STORAGE=s3")
        if self.mail_backend == "smtp" and not self.smtp.host:
            raise ValueError("PORTAL_MAIL_BACKEND=smtp needs PORTAL_SMTP_HOST")
        return self


def check_secret_key(secret: SecretStr) -> None:
    """The production rules for PORTAL_SECRET_KEY; the message never repeats the value."""
    value = secret.get_secret_value()
    if not value:
        raise ValueError(f"PORTAL_SECRET_KEY is required in production: set it to a random value of "
                         f"{SECRET_MIN_CHARS}+ characters (make one with {MAKE_SECRET})")
    if value.lower() in PLACEHOLDERS or "change" in value.lower() or len(set(value)) < SECRET_MIN_DISTINCT:
        raise ValueError(f"PORTAL_SECRET_KEY holds a placeholder, not a random value (make one with {MAKE_SECRET})")
    if len(value) < SECRET_MIN_CHARS:
        raise ValueError(f"PORTAL_SECRET_KEY is too short: {len(value)} characters, it needs "
                         f"{SECRET_MIN_CHARS} or more (make one with {MAKE_SECRET})")


def check_master_keys(keys: tuple[SecretStr, ...]) -> None:
    """Each key must be a Fernet key (32 bytes, url-safe base64), each only once."""
    values = [key.get_secret_value() for key in keys]
    for number, value in enumerate(values, start=1):
        try:
            valid = len(base64.urlsafe_b64decode(value.encode("ascii"))) == 32 and len(value) == 44
        except (binascii.Error, UnicodeEncodeError, ValueError):
            valid = False
        if not valid:
            raise ValueError(f"PORTAL_MASTER_KEYS: key {number} of {len(values)} is not a Fernet key (44 characters "
                             f"of url-safe base64 holding 32 bytes; make one with {MAKE_FERNET})")
        if value in values[:number - 1]:
            raise ValueError(f"PORTAL_MASTER_KEYS: key {number} repeats key {values.index(value) + 1}")


def env_file() -> Path | None:
    """The `.env` file to read: PORTAL_ENV_FILE when set (empty: none), else the project root's."""
    named = os.environ.get("PORTAL_ENV_FILE")
    if named is not None:
        return Path(named).expanduser() if named.strip() else None
    return PROJECT_ROOT / ".env"


def describe(error: ValidationError) -> str:
    """One line per problem, each naming its variable; a secret's value is never shown."""
    secret_names = _secret_variables()
    lines = []
    for problem in error.errors(include_url=False):
        name = str(problem["loc"][0]) if problem["loc"] else ""
        message = problem["msg"].removeprefix("Value error, ").replace("Input should be", "must be")
        shown = problem.get("input")
        if name and name not in secret_names and isinstance(shown, str | int):
            message = f"{message}, got {shown!r}"
        lines.append(message if message.startswith(name) else f"{name} {message}")
    return "; ".join(lines)


def _secret_variables() -> set[str]:
    names = set()
    for model in (Settings, *GROUPS.values()):
        for field in model.model_fields.values():
            if "SecretStr" in repr(field.annotation) and isinstance(field.validation_alias, str):
                names.add(field.validation_alias)
    return names


def load_settings() -> Settings:
    """Read and check everything; raise SettingsError naming each variable that is wrong."""
    source = env_file()
    try:
        groups = {name: group(_env_file=source) for name, group in GROUPS.items()}
        cfg = Settings(_env_file=source, **groups)
    except ValidationError as exc:
        raise SettingsError(describe(exc)) from None  # no chained error: it would repeat the input
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    return cfg.model_copy(update=_filled_in(cfg))


def _filled_in(cfg: Settings) -> dict[str, Any]:
    """The defaults that depend on other values: database file, cookie flag, development secrets."""
    update: dict[str, Any] = {}
    if not cfg.database_url:
        update["database_url"] = f"sqlite:///{cfg.data_dir / 'portal.db'}"
    if "cookie_secure" not in cfg.model_fields_set:
        update["cookie_secure"] = cfg.public_url.startswith("https://")
    if not cfg.is_production and not cfg.secret_key.get_secret_value():
        update["secret_key"] = SecretStr(_dev_secret_file(cfg.data_dir, "secret.key", lambda: secrets.token_urlsafe(48)))
    if not cfg.is_production and cfg.audit.checkpoint_dir is None:
        update["audit"] = cfg.audit.model_copy(update={"checkpoint_dir": cfg.data_dir.parent / "audit-checkpoints"})
    if not cfg.is_production and not cfg.master_keys:
        update["master_keys"] = (SecretStr(_dev_secret_file(cfg.data_dir, "master.key", _new_fernet_key)),)
    return update


def _dev_secret_file(data_dir: Path, name: str, make) -> str:
    path = data_dir / "keys" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _new_fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def reset_settings() -> None:
    """Forget the cached settings (tests change the environment between runs)."""
    get_settings.cache_clear()
