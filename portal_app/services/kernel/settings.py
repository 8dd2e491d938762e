"""The one settings object. Everything configurable is read from the environment here.

The defaults need no server and no account (SQLite file, local encrypted folder, console mail,
sandbox payments). In production (PORTAL_ENV=production) placeholder or missing secrets are
refused at start-up instead of being generated.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from portal_app.services.kernel.setting_groups import (
    PaymentSettings,
    SettingsError,
    SmtpSettings,
    UscisSettings,
    WorkflowSettings,
    env_bool,
    env_choice,
    env_int,
    env_networks,
    env_str,
    payment_settings,
    smtp_settings,
    storage_settings,
    uscis_settings,
    workflow_settings,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDERS = {"", "changeme", "change-me", "secret", "please-change"}


@dataclass(frozen=True)
class Settings:
    env: str
    data_dir: Path
    database_url: str
    secret_key: str
    master_keys: tuple[str, ...]
    public_url: str
    firm_name: str
    firm_logo: str
    firm_color: str
    firm_timezone: str
    cookie_secure: bool
    session_hours: int = 12
    session_idle_minutes: int = 120
    invitation_hours: int = 72
    reset_minutes: int = 60
    account_max_failures: int = 5
    ip_max_failures: int = 20
    throttle_window_minutes: int = 15
    lockout_minutes: int = 15
    max_request_bytes: int = 1024 * 1024
    max_upload_bytes: int = 50 * 1024 * 1024
    jobs_in_workers: bool = True  # False when `cli jobs loop` runs the background jobs apart
    trusted_proxies: tuple = ()  # the firm's own TLS proxies: only their forwarded address is believed
    mail_backend: str = "console"
    mail_from: str = "portal@localhost"
    storage_backend: str = "local"  # local | s3
    s3_bucket: str = ""
    s3_prefix: str = ""
    s3_region: str = ""
    s3_endpoint_url: str = ""
    file_chunk_bytes: int = 256 * 1024
    expiry_window_days: int = 180
    orphan_grace_hours: int = 24  # an object with no row is removed once it is this old
    payments: PaymentSettings = field(default_factory=PaymentSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    workflow: WorkflowSettings = field(default_factory=WorkflowSettings)
    uscis: UscisSettings = field(default_factory=UscisSettings)
    extra: dict = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.env == "production"


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


def _secrets(env: str, data_dir: Path) -> tuple[str, tuple[str, ...]]:
    secret = env_str("PORTAL_SECRET_KEY")
    keys = tuple(k.strip() for k in env_str("PORTAL_MASTER_KEYS").split(",") if k.strip())
    if env == "production":
        if secret.lower() in PLACEHOLDERS or len(secret) < 32:
            raise SettingsError("PORTAL_SECRET_KEY must be set to a random value of 32+ characters")
        if not keys:
            raise SettingsError("PORTAL_MASTER_KEYS must hold at least one Fernet key")
        return secret, keys
    secret = secret or _dev_secret_file(data_dir, "secret.key", lambda: secrets.token_urlsafe(48))
    keys = keys or (_dev_secret_file(data_dir, "master.key", _new_fernet_key),)
    return secret, keys


def load_settings() -> Settings:
    env = env_str("PORTAL_ENV", "development")
    if env not in {"development", "test", "production"}:
        raise SettingsError(f"PORTAL_ENV must be development, test or production, got {env!r}")
    data_dir = Path(env_str("PORTAL_DATA_DIR") or PROJECT_ROOT / "data").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret, keys = _secrets(env, data_dir)
    public_url = env_str("PORTAL_PUBLIC_URL", "http://localhost:3000").rstrip("/")
    return Settings(
        env=env,
        data_dir=data_dir,
        database_url=env_str("PORTAL_DATABASE_URL") or f"sqlite:///{data_dir / 'portal.db'}",
        secret_key=secret,
        master_keys=keys,
        public_url=public_url,
        firm_name=env_str("PORTAL_FIRM_NAME", "Rivera & Chen Immigration Law"),
        firm_logo=env_str("PORTAL_FIRM_LOGO", "/logo.svg"),
        firm_color=env_str("PORTAL_FIRM_COLOR", "#1f4e8c"),
        firm_timezone=env_str("PORTAL_FIRM_TIMEZONE", "America/New_York"),
        cookie_secure=env_bool("PORTAL_COOKIE_SECURE", public_url.startswith("https://")),
        session_hours=env_int("PORTAL_SESSION_HOURS", 12),
        session_idle_minutes=env_int("PORTAL_SESSION_IDLE_MINUTES", 120),
        invitation_hours=env_int("PORTAL_INVITATION_HOURS", 72),
        account_max_failures=env_int("PORTAL_ACCOUNT_MAX_FAILURES", 5),
        ip_max_failures=env_int("PORTAL_IP_MAX_FAILURES", 20),
        lockout_minutes=env_int("PORTAL_LOCKOUT_MINUTES", 15),
        max_request_bytes=env_int("PORTAL_MAX_REQUEST_BYTES", 1024 * 1024),
        max_upload_bytes=env_int("PORTAL_MAX_UPLOAD_BYTES", 50 * 1024 * 1024),
        trusted_proxies=env_networks("PORTAL_TRUSTED_PROXIES"),
        jobs_in_workers=env_bool("PORTAL_JOBS_IN_WORKERS", True),
        mail_backend=env_choice("PORTAL_MAIL_BACKEND", "console", {"console", "smtp"}),
        mail_from=env_str("PORTAL_MAIL_FROM", "portal@localhost"),
        payments=payment_settings(env),
        **storage_settings(),
        smtp=smtp_settings(), workflow=workflow_settings(), uscis=uscis_settings(),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def reset_settings() -> None:
    """Forget the cached settings (tests change the environment between runs)."""
    get_settings.cache_clear()
