"""The one settings object. Everything configurable is read from the environment here.

The defaults need no server and no account (SQLite file, local encrypted folder, console mail,
sandbox payments). In production (PORTAL_ENV=production) placeholder or missing secrets are
refused at start-up instead of being generated.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDERS = {"", "changeme", "change-me", "secret", "please-change"}


class SettingsError(RuntimeError):
    """The environment is missing something the portal needs, or holds a placeholder."""


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _int(name: str, default: int) -> int:
    raw = _env(name)
    try:
        return int(raw) if raw else default
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc


def _bool(name: str, default: bool) -> bool:
    raw = _env(name).lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _days(name: str, default: str) -> tuple[int, ...]:
    raw = _env(name, default)
    try:
        return tuple(int(part) for part in raw.replace(" ", "").split(",") if part)
    except ValueError as exc:
        raise SettingsError(f"{name} must be whole numbers separated by commas, got {raw!r}") from exc


def _hours(name: str, default: str) -> tuple[int, int]:
    raw = _env(name, default)
    try:
        start, end = (int(part.split(":")[0]) for part in raw.split("-"))
    except ValueError as exc:
        raise SettingsError(f"{name} must look like 21:00-08:00, got {raw!r}") from exc
    if not (0 <= start <= 23 and 0 <= end <= 23):
        raise SettingsError(f"{name} hours must be between 00 and 23, got {raw!r}")
    return start, end


def _choice(name: str, default: str, allowed: set[str]) -> str:
    value = _env(name, default).lower()
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(sorted(allowed))}, got {value!r}")
    return value


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""
    port: int = 587
    security: str = "starttls"  # starttls | tls | none
    user: str = ""
    password: str = ""
    timeout_seconds: int = 30
    max_attempts: int = 6


@dataclass(frozen=True)
class WorkflowSettings:
    """Reminder cadences (days), quiet hours and the digest hour (in each person's timezone)."""

    document_days: tuple[int, ...] = (3, 7, 14)
    document_repeat_days: int = 7
    deadline_staff_days: tuple[int, ...] = (30, 14, 7, 1)
    deadline_client_days: tuple[int, ...] = (14, 7, 1)
    invoice_days: tuple[int, ...] = (-3, 0, 7)  # relative to the due date
    invoice_repeat_days: int = 14
    quiet_hours: tuple[int, int] = (21, 8)
    digest_hour: int = 8


@dataclass(frozen=True)
class UscisSettings:
    enabled: bool = False
    base_url: str = "https://api-int.uscis.gov/case-status"
    token_url: str = "https://api-int.uscis.gov/oauth/accesstoken"
    client_id: str = ""
    client_secret: str = ""
    daily_limit: int = 1000
    per_second: int = 5
    timeout_seconds: int = 15
    client_notices: bool = True


def _smtp() -> SmtpSettings:
    if _env("PORTAL_MAIL_BACKEND", "console").lower() == "smtp" and not _env("PORTAL_SMTP_HOST"):
        raise SettingsError("PORTAL_MAIL_BACKEND=smtp needs PORTAL_SMTP_HOST")
    return SmtpSettings(
        host=_env("PORTAL_SMTP_HOST"), port=_int("PORTAL_SMTP_PORT", 587),
        security=_choice("PORTAL_SMTP_SECURITY", "starttls", {"starttls", "tls", "none"}),
        user=_env("PORTAL_SMTP_USER"), password=os.environ.get("PORTAL_SMTP_PASSWORD", ""),
        timeout_seconds=_int("PORTAL_SMTP_TIMEOUT_SECONDS", 30), max_attempts=_int("PORTAL_MAIL_MAX_ATTEMPTS", 6),
    )


def _workflow() -> WorkflowSettings:
    quiet, digest_hour = _hours("PORTAL_QUIET_HOURS", "21:00-08:00"), _int("PORTAL_DIGEST_HOUR", 8)
    start, end = quiet
    if (start > end and (digest_hour >= start or digest_hour < end)) or (start < end and start <= digest_hour < end):
        raise SettingsError(f"PORTAL_DIGEST_HOUR {digest_hour} falls inside PORTAL_QUIET_HOURS")
    return WorkflowSettings(
        document_days=_days("PORTAL_REMINDER_DOCUMENT_DAYS", "3,7,14"),
        document_repeat_days=_int("PORTAL_REMINDER_DOCUMENT_REPEAT_DAYS", 7),
        deadline_staff_days=_days("PORTAL_REMINDER_DEADLINE_STAFF_DAYS", "30,14,7,1"),
        deadline_client_days=_days("PORTAL_REMINDER_DEADLINE_CLIENT_DAYS", "14,7,1"),
        invoice_days=_days("PORTAL_REMINDER_INVOICE_DAYS", "-3,0,7"),
        invoice_repeat_days=_int("PORTAL_REMINDER_INVOICE_REPEAT_DAYS", 14),
        quiet_hours=quiet, digest_hour=digest_hour,
    )


def _uscis() -> UscisSettings:
    base = UscisSettings()
    return UscisSettings(
        enabled=_bool("PORTAL_USCIS_ENABLED", False),
        base_url=_env("PORTAL_USCIS_BASE_URL", base.base_url).rstrip("/"),
        token_url=_env("PORTAL_USCIS_TOKEN_URL", base.token_url),
        client_id=_env("PORTAL_USCIS_CLIENT_ID"), client_secret=os.environ.get("PORTAL_USCIS_CLIENT_SECRET", ""),
        daily_limit=_int("PORTAL_USCIS_DAILY_LIMIT", 1000), per_second=_int("PORTAL_USCIS_PER_SECOND", 5),
        timeout_seconds=_int("PORTAL_USCIS_TIMEOUT_SECONDS", 15),
        client_notices=_bool("PORTAL_USCIS_CLIENT_NOTICES", True),
    )


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
    mail_backend: str = "console"
    mail_from: str = "portal@localhost"
    storage_backend: str = "local"  # local | s3
    s3_bucket: str = ""
    s3_prefix: str = ""
    s3_region: str = ""
    s3_endpoint_url: str = ""
    file_chunk_bytes: int = 256 * 1024
    expiry_window_days: int = 180
    payments: "PaymentSettings" = field(default_factory=lambda: PaymentSettings())
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
    secret = _env("PORTAL_SECRET_KEY")
    keys = tuple(k.strip() for k in _env("PORTAL_MASTER_KEYS").split(",") if k.strip())
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
    env = _env("PORTAL_ENV", "development")
    if env not in {"development", "test", "production"}:
        raise SettingsError(f"PORTAL_ENV must be development, test or production, got {env!r}")
    data_dir = Path(_env("PORTAL_DATA_DIR") or PROJECT_ROOT / "data").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret, keys = _secrets(env, data_dir)
    public_url = _env("PORTAL_PUBLIC_URL", "http://localhost:3000").rstrip("/")
    return Settings(
        env=env,
        data_dir=data_dir,
        database_url=_env("PORTAL_DATABASE_URL") or f"sqlite:///{data_dir / 'portal.db'}",
        secret_key=secret,
        master_keys=keys,
        public_url=public_url,
        firm_name=_env("PORTAL_FIRM_NAME", "Rivera & Chen Immigration Law"),
        firm_logo=_env("PORTAL_FIRM_LOGO", "/logo.svg"),
        firm_color=_env("PORTAL_FIRM_COLOR", "#1f4e8c"),
        firm_timezone=_env("PORTAL_FIRM_TIMEZONE", "America/New_York"),
        cookie_secure=_bool("PORTAL_COOKIE_SECURE", public_url.startswith("https://")),
        session_hours=_int("PORTAL_SESSION_HOURS", 12),
        session_idle_minutes=_int("PORTAL_SESSION_IDLE_MINUTES", 120),
        invitation_hours=_int("PORTAL_INVITATION_HOURS", 72),
        account_max_failures=_int("PORTAL_ACCOUNT_MAX_FAILURES", 5),
        ip_max_failures=_int("PORTAL_IP_MAX_FAILURES", 20),
        lockout_minutes=_int("PORTAL_LOCKOUT_MINUTES", 15),
        max_request_bytes=_int("PORTAL_MAX_REQUEST_BYTES", 1024 * 1024),
        max_upload_bytes=_int("PORTAL_MAX_UPLOAD_BYTES", 50 * 1024 * 1024),
        mail_backend=_choice("PORTAL_MAIL_BACKEND", "console", {"console", "smtp"}),
        mail_from=_env("PORTAL_MAIL_FROM", "portal@localhost"),
        payments=_payment_settings(env),
        **_storage_settings(),
        smtp=_smtp(), workflow=_workflow(), uscis=_uscis(),
    )


def _storage_settings() -> dict:
    backend = _env("PORTAL_STORAGE", "local").lower()
    if backend not in {"local", "s3"}:
        raise SettingsError(f"PORTAL_STORAGE must be local or s3, got {backend!r}")
    bucket = _env("PORTAL_S3_BUCKET")
    if backend == "s3" and not bucket:
        raise SettingsError("PORTAL_S3_BUCKET is required when PORTAL_STORAGE=s3")
    return {"storage_backend": backend, "s3_bucket": bucket, "s3_prefix": _env("PORTAL_S3_PREFIX").strip("/"),
            "s3_region": _env("PORTAL_S3_REGION"), "s3_endpoint_url": _env("PORTAL_S3_ENDPOINT_URL"),
            "file_chunk_bytes": _int("PORTAL_FILE_CHUNK_BYTES", 256 * 1024),
            "expiry_window_days": _int("PORTAL_EXPIRY_WINDOW_DAYS", 180)}


@dataclass(frozen=True)
class PaymentSettings:
    """The payment processor: "sandbox" (embedded, no money moves) or "stripe". A second Stripe
    account may be configured for card payments into trust (STRIPE_TRUST_*)."""

    mode: str = "sandbox"
    secret_key: str = ""
    publishable_key: str = ""
    webhook_secret: str = ""
    trust_secret_key: str = ""
    trust_publishable_key: str = ""
    trust_webhook_secret: str = ""
    api_base: str = "https://api.stripe.com"
    sandbox_settle_seconds: int = 120

    @property
    def is_sandbox(self) -> bool:
        return self.mode == "sandbox"


def _payment_settings(env: str) -> PaymentSettings:
    keys = {name: _env(f"STRIPE_{name.upper()}") for name in (
        "secret_key", "publishable_key", "webhook_secret", "trust_secret_key", "trust_publishable_key",
        "trust_webhook_secret")}
    mode = _env("PORTAL_PAYMENTS").lower() or ("stripe" if keys["secret_key"] else "sandbox")
    if mode not in {"sandbox", "stripe"}:
        raise SettingsError(f"PORTAL_PAYMENTS must be sandbox or stripe, got {mode!r}")
    live = [k for k in ("secret_key", "trust_secret_key") if keys[k].startswith(("sk_live_", "rk_live_"))]
    if mode == "sandbox" and live:
        raise SettingsError("the sandbox processor cannot run together with live Stripe keys "
                            f"(STRIPE_{live[0].upper()} is a live key): remove PORTAL_PAYMENTS=sandbox or the keys")
    if mode == "sandbox" and env == "production" and _env("PORTAL_PAYMENTS").lower() != "sandbox":
        raise SettingsError("set the STRIPE_* keys, or PORTAL_PAYMENTS=sandbox to run the sandbox on purpose")
    if mode == "stripe":
        for name in ("secret_key", "publishable_key", "webhook_secret"):
            if not keys[name]:
                raise SettingsError(f"STRIPE_{name.upper()} is required when payments go through Stripe")
        trust = [keys[k] for k in ("trust_secret_key", "trust_publishable_key", "trust_webhook_secret")]
        if any(trust) and not all(trust):
            raise SettingsError("set all three STRIPE_TRUST_* values for a trust Stripe account, or none")
    return PaymentSettings(mode=mode, api_base=_env("STRIPE_API_BASE", "https://api.stripe.com").rstrip("/"),
                           sandbox_settle_seconds=_int("PORTAL_SANDBOX_SETTLE_SECONDS", 120), **keys)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()


def reset_settings() -> None:
    """Forget the cached settings (tests change the environment between runs)."""
    get_settings.cache_clear()
