"""Parts of the settings: reading typed values from the environment, and the setting groups
(storage, payments, SMTP, reminders, USCIS). `settings.py` puts them together in one object."""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass


class SettingsError(RuntimeError):
    """The environment is missing something the portal needs, or holds a placeholder."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_int(name: str, default: int) -> int:
    raw = env_str(name)
    try:
        return int(raw) if raw else default
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc


def env_bool(name: str, default: bool) -> bool:
    raw = env_str(name).lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def env_days(name: str, default: str) -> tuple[int, ...]:
    raw = env_str(name, default)
    try:
        return tuple(int(part) for part in raw.replace(" ", "").split(",") if part)
    except ValueError as exc:
        raise SettingsError(f"{name} must be whole numbers separated by commas, got {raw!r}") from exc


def env_hours(name: str, default: str) -> tuple[int, int]:
    raw = env_str(name, default)
    try:
        start, end = (int(part.split(":")[0]) for part in raw.split("-"))
    except ValueError as exc:
        raise SettingsError(f"{name} must look like 21:00-08:00, got {raw!r}") from exc
    if not (0 <= start <= 23 and 0 <= end <= 23):
        raise SettingsError(f"{name} hours must be between 00 and 23, got {raw!r}")
    return start, end


def env_networks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated addresses or networks (`127.0.0.1, 10.0.0.0/8, ::1`)."""
    raw = env_str(name)
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise SettingsError(f"{name} must be IP addresses or networks separated by commas, got {raw!r}") from exc


def env_choice(name: str, default: str, allowed: set[str]) -> str:
    value = env_str(name, default).lower()
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


def smtp_settings() -> SmtpSettings:
    if env_str("PORTAL_MAIL_BACKEND", "console").lower() == "smtp" and not env_str("PORTAL_SMTP_HOST"):
        raise SettingsError("PORTAL_MAIL_BACKEND=smtp needs PORTAL_SMTP_HOST")
    return SmtpSettings(
        host=env_str("PORTAL_SMTP_HOST"), port=env_int("PORTAL_SMTP_PORT", 587),
        security=env_choice("PORTAL_SMTP_SECURITY", "starttls", {"starttls", "tls", "none"}),
        user=env_str("PORTAL_SMTP_USER"), password=os.environ.get("PORTAL_SMTP_PASSWORD", ""),
        timeout_seconds=env_int("PORTAL_SMTP_TIMEOUT_SECONDS", 30), max_attempts=env_int("PORTAL_MAIL_MAX_ATTEMPTS", 6),
    )


def workflow_settings() -> WorkflowSettings:
    quiet, digest_hour = env_hours("PORTAL_QUIET_HOURS", "21:00-08:00"), env_int("PORTAL_DIGEST_HOUR", 8)
    start, end = quiet
    if (start > end and (digest_hour >= start or digest_hour < end)) or (start < end and start <= digest_hour < end):
        raise SettingsError(f"PORTAL_DIGEST_HOUR {digest_hour} falls inside PORTAL_QUIET_HOURS")
    return WorkflowSettings(
        document_days=env_days("PORTAL_REMINDER_DOCUMENT_DAYS", "3,7,14"),
        document_repeat_days=env_int("PORTAL_REMINDER_DOCUMENT_REPEAT_DAYS", 7),
        deadline_staff_days=env_days("PORTAL_REMINDER_DEADLINE_STAFF_DAYS", "30,14,7,1"),
        deadline_client_days=env_days("PORTAL_REMINDER_DEADLINE_CLIENT_DAYS", "14,7,1"),
        invoice_days=env_days("PORTAL_REMINDER_INVOICE_DAYS", "-3,0,7"),
        invoice_repeat_days=env_int("PORTAL_REMINDER_INVOICE_REPEAT_DAYS", 14),
        quiet_hours=quiet, digest_hour=digest_hour,
    )


def uscis_settings() -> UscisSettings:
    base = UscisSettings()
    return UscisSettings(
        enabled=env_bool("PORTAL_USCIS_ENABLED", False),
        base_url=env_str("PORTAL_USCIS_BASE_URL", base.base_url).rstrip("/"),
        token_url=env_str("PORTAL_USCIS_TOKEN_URL", base.token_url),
        client_id=env_str("PORTAL_USCIS_CLIENT_ID"), client_secret=os.environ.get("PORTAL_USCIS_CLIENT_SECRET", ""),
        daily_limit=env_int("PORTAL_USCIS_DAILY_LIMIT", 1000), per_second=env_int("PORTAL_USCIS_PER_SECOND", 5),
        timeout_seconds=env_int("PORTAL_USCIS_TIMEOUT_SECONDS", 15),
        client_notices=env_bool("PORTAL_USCIS_CLIENT_NOTICES", True),
    )



def storage_settings() -> dict:
    backend = env_str("PORTAL_STORAGE", "local").lower()
    if backend not in {"local", "s3"}:
        raise SettingsError(f"PORTAL_STORAGE must be local or s3, got {backend!r}")
    bucket = env_str("PORTAL_S3_BUCKET")
    if backend == "s3" and not bucket:
        raise SettingsError("PORTAL_S3_BUCKET is required when PORTAL_STORAGE=s3")
    return {"storage_backend": backend, "s3_bucket": bucket, "s3_prefix": env_str("PORTAL_S3_PREFIX").strip("/"),
            "s3_region": env_str("PORTAL_S3_REGION"), "s3_endpoint_url": env_str("PORTAL_S3_ENDPOINT_URL"),
            "file_chunk_bytes": env_int("PORTAL_FILE_CHUNK_BYTES", 256 * 1024),
            "expiry_window_days": env_int("PORTAL_EXPIRY_WINDOW_DAYS", 180),
            "orphan_grace_hours": env_int("PORTAL_ORPHAN_GRACE_HOURS", 24)}


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


def payment_settings(env: str) -> PaymentSettings:
    keys = {name: env_str(f"STRIPE_{name.upper()}") for name in (
        "secret_key", "publishable_key", "webhook_secret", "trust_secret_key", "trust_publishable_key",
        "trust_webhook_secret")}
    mode = env_str("PORTAL_PAYMENTS").lower() or ("stripe" if keys["secret_key"] else "sandbox")
    if mode not in {"sandbox", "stripe"}:
        raise SettingsError(f"PORTAL_PAYMENTS must be sandbox or stripe, got {mode!r}")
    live = [k for k in ("secret_key", "trust_secret_key") if keys[k].startswith(("sk_live_", "rk_live_"))]
    if mode == "sandbox" and live:
        raise SettingsError("the sandbox processor cannot run together with live Stripe keys "
                            f"(STRIPE_{live[0].upper()} is a live key): remove PORTAL_PAYMENTS=sandbox or the keys")
    if mode == "sandbox" and env == "production" and env_str("PORTAL_PAYMENTS").lower() != "sandbox":
        raise SettingsError("set the STRIPE_* keys, or PORTAL_PAYMENTS=sandbox to run the sandbox on purpose")
    if mode == "stripe":
        for name in ("secret_key", "publishable_key", "webhook_secret"):
            if not keys[name]:
                raise SettingsError(f"STRIPE_{name.upper()} is required when payments go through Stripe")
        trust = [keys[k] for k in ("trust_secret_key", "trust_publishable_key", "trust_webhook_secret")]
        if any(trust) and not all(trust):
            raise SettingsError("set all three STRIPE_TRUST_* values for a trust Stripe account, or none")
    return PaymentSettings(mode=mode, api_base=env_str("STRIPE_API_BASE", "https://api.stripe.com").rstrip("/"),
                           sandbox_settle_seconds=env_int("PORTAL_SANDBOX_SETTLE_SECONDS", 120), **keys)
