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
        mail_backend=_env("PORTAL_MAIL_BACKEND", "console"),
        mail_from=_env("PORTAL_MAIL_FROM", "portal@localhost"),
        payments=_payment_settings(env),
        **_storage_settings(),
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
