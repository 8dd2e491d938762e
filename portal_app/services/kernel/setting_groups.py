"""Parts of the settings: the common base (where values come from), the value types, and the
setting groups (payments, SMTP, reminders, USCIS). `settings.py` puts them together in one object.

Every field names the variable it is read from (`var("PORTAL_SMTP_HOST", ...)`), so searching for a
variable from `.env.example` lands on its field. Secrets are `SecretStr`: their value shows as
`**********` in every `repr`, `str`, log line and error message; code that needs the value asks for
it with `.get_secret_value()` at the point of use.
"""
from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, SecretStr, computed_field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[3]


class SettingsError(RuntimeError):
    """The environment is missing something the portal needs, or holds a placeholder."""


class PortalEnvironment(BaseSettings):
    """Read from the process environment first, then from the `.env` file given when loading.

    Names are case-sensitive, as in the shell; an empty value means "not set" (the default applies),
    so a copied `.env.example` with blank lines works; other variables in the file are ignored."""

    model_config = SettingsConfigDict(case_sensitive=True, env_ignore_empty=True, extra="ignore", frozen=True,
                                      str_strip_whitespace=True, hide_input_in_errors=True, env_file=None)


def var(name: str, default: Any = ..., **kwargs: Any) -> Any:
    """A field read from the variable `name`."""
    if callable(default):
        return Field(default_factory=default, validation_alias=name, **kwargs)
    return Field(default, validation_alias=name, **kwargs)


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _day_list(value: Any) -> Any:
    return tuple(part for part in value.replace(" ", "").split(",") if part) if isinstance(value, str) else value


def _hour_range(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    parts = value.split("-")
    if len(parts) != 2:
        raise ValueError("must look like 21:00-08:00")
    return tuple(part.strip().split(":")[0] for part in parts)


def _raw_secret(value: Any) -> Any:
    return SecretStr(value) if isinstance(value, str) else value


def _networks(value: Any) -> Any:
    """Comma-separated addresses or networks (`127.0.0.1, 10.0.0.0/8, ::1`)."""
    if not isinstance(value, str):
        return value
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in value.split(",") if part.strip())
    except ValueError as exc:
        raise ValueError("must be IP addresses or networks separated by commas") from exc


Choice = Annotated[str, BeforeValidator(_lower)]
Networks = Annotated[tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...], NoDecode, BeforeValidator(_networks)]
Days = Annotated[tuple[int, ...], NoDecode, BeforeValidator(_day_list)]
Hour = Annotated[int, Field(ge=0, le=23)]
HourRange = Annotated[tuple[Hour, Hour], NoDecode, BeforeValidator(_hour_range)]
# A password or client secret is kept exactly as given (spaces included); other values are trimmed.
RawSecret = Annotated[SecretStr, BeforeValidator(_raw_secret)]
NO_SECRET = SecretStr("")


class SmtpSettings(PortalEnvironment):
    host: str = var("PORTAL_SMTP_HOST", "")
    port: int = var("PORTAL_SMTP_PORT", 587, ge=1, le=65535)
    security: Literal["starttls", "tls", "none"] = var("PORTAL_SMTP_SECURITY", "starttls")
    user: str = var("PORTAL_SMTP_USER", "")
    password: RawSecret = var("PORTAL_SMTP_PASSWORD", NO_SECRET)
    timeout_seconds: int = var("PORTAL_SMTP_TIMEOUT_SECONDS", 30, gt=0)
    max_attempts: int = var("PORTAL_MAIL_MAX_ATTEMPTS", 6, ge=1)

    @field_validator("security", mode="before")
    @classmethod
    def _lowercase(cls, value: Any) -> Any:
        return _lower(value)


class WorkflowSettings(PortalEnvironment):
    """Reminder cadences (days), quiet hours and the digest hour (in each person's timezone)."""

    document_days: Days = var("PORTAL_REMINDER_DOCUMENT_DAYS", (3, 7, 14))
    document_repeat_days: int = var("PORTAL_REMINDER_DOCUMENT_REPEAT_DAYS", 7, gt=0)
    deadline_staff_days: Days = var("PORTAL_REMINDER_DEADLINE_STAFF_DAYS", (30, 14, 7, 1))
    deadline_client_days: Days = var("PORTAL_REMINDER_DEADLINE_CLIENT_DAYS", (14, 7, 1))
    invoice_days: Days = var("PORTAL_REMINDER_INVOICE_DAYS", (-3, 0, 7))  # relative to the due date
    invoice_repeat_days: int = var("PORTAL_REMINDER_INVOICE_REPEAT_DAYS", 14, gt=0)
    quiet_hours: HourRange = var("PORTAL_QUIET_HOURS", (21, 8))
    digest_hour: Hour = var("PORTAL_DIGEST_HOUR", 8)

    @model_validator(mode="after")
    def _digest_outside_quiet_hours(self) -> WorkflowSettings:
        start, end = self.quiet_hours
        hour = self.digest_hour
        if (start > end and (hour >= start or hour < end)) or (start < end and start <= hour < end):
            raise ValueError(f"PORTAL_DIGEST_HOUR {hour} falls inside PORTAL_QUIET_HOURS")
        return self


class UscisSettings(PortalEnvironment):
    enabled: bool = var("PORTAL_USCIS_ENABLED", False)
    base_url: str = var("PORTAL_USCIS_BASE_URL", "https://api-int.uscis.gov/case-status")
    token_url: str = var("PORTAL_USCIS_TOKEN_URL", "https://api-int.uscis.gov/oauth/accesstoken")
    client_id: str = var("PORTAL_USCIS_CLIENT_ID", "")
    client_secret: RawSecret = var("PORTAL_USCIS_CLIENT_SECRET", NO_SECRET)
    daily_limit: int = var("PORTAL_USCIS_DAILY_LIMIT", 1000, ge=0)
    per_second: int = var("PORTAL_USCIS_PER_SECOND", 5, gt=0)
    timeout_seconds: int = var("PORTAL_USCIS_TIMEOUT_SECONDS", 15, gt=0)
    client_notices: bool = var("PORTAL_USCIS_CLIENT_NOTICES", True)

    @field_validator("base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")


class AuditSettings(PortalEnvironment):
    """Where signed checkpoints of the audit chain's head are exported: an append-only file in a
    folder outside the data folder (the database user cannot rewrite it), and/or S3 objects under
    object lock (COMPLIANCE mode, kept `retain_days`). Outside production an unset folder is
    `audit-checkpoints/` beside the data folder; production must name one of the two."""

    checkpoint_dir: Path | None = var("PORTAL_AUDIT_CHECKPOINT_DIR", None)
    s3_bucket: str = var("PORTAL_AUDIT_CHECKPOINT_S3_BUCKET", "")
    s3_prefix: str = var("PORTAL_AUDIT_CHECKPOINT_S3_PREFIX", "audit-checkpoints")
    retain_days: int = var("PORTAL_AUDIT_CHECKPOINT_RETAIN_DAYS", 2557, gt=0)  # seven years

    @field_validator("s3_prefix")
    @classmethod
    def _no_slashes_around(cls, value: str) -> str:
        return value.strip("/")

    @field_validator("checkpoint_dir")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        return value.expanduser().resolve() if value is not None else None


STRIPE_KEYS = ("secret_key", "publishable_key", "webhook_secret")
TRUST_KEYS = ("trust_secret_key", "trust_publishable_key", "trust_webhook_secret")


class PaymentSettings(PortalEnvironment):
    """The payment processor: "sandbox" (embedded, no money moves) or "stripe". A second Stripe
    account may be configured for card payments into trust (STRIPE_TRUST_*). Publishable keys are
    public by design (the browser gets them); the secret keys and webhook secrets are secrets."""

    requested_mode: Literal["", "sandbox", "stripe"] = var("PORTAL_PAYMENTS", "")
    secret_key: SecretStr = var("STRIPE_SECRET_KEY", NO_SECRET)
    publishable_key: str = var("STRIPE_PUBLISHABLE_KEY", "")
    webhook_secret: SecretStr = var("STRIPE_WEBHOOK_SECRET", NO_SECRET)
    trust_secret_key: SecretStr = var("STRIPE_TRUST_SECRET_KEY", NO_SECRET)
    trust_publishable_key: str = var("STRIPE_TRUST_PUBLISHABLE_KEY", "")
    trust_webhook_secret: SecretStr = var("STRIPE_TRUST_WEBHOOK_SECRET", NO_SECRET)
    api_base: str = var("STRIPE_API_BASE", "https://api.stripe.com")
    sandbox_settle_seconds: int = var("PORTAL_SANDBOX_SETTLE_SECONDS", 120, ge=0)

    @field_validator("requested_mode", mode="before")
    @classmethod
    def _lowercase(cls, value: Any) -> Any:
        return _lower(value)

    @field_validator("api_base")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @computed_field
    @property
    def mode(self) -> str:
        """PORTAL_PAYMENTS when given, else "stripe" when a Stripe secret key is set, else "sandbox"."""
        return self.requested_mode or ("stripe" if self.has("secret_key") else "sandbox")

    @property
    def is_sandbox(self) -> bool:
        return self.mode == "sandbox"

    def has(self, name: str) -> bool:
        value = getattr(self, name)
        return bool(value.get_secret_value() if isinstance(value, SecretStr) else value)

    @model_validator(mode="after")
    def _consistent(self) -> PaymentSettings:
        live = [k for k in ("secret_key", "trust_secret_key")
                if getattr(self, k).get_secret_value().startswith(("sk_live_", "rk_live_"))]
        if self.mode == "sandbox" and live:
            raise ValueError("the sandbox processor cannot run together with live Stripe keys "
                             f"(STRIPE_{live[0].upper()} is a live key): remove PORTAL_PAYMENTS=sandbox or the keys")
        if self.mode == "stripe":
            for name in STRIPE_KEYS:
                if not self.has(name):
                    raise ValueError(f"STRIPE_{name.upper()} is required when payments go through Stripe")
            trust = [self.has(name) for name in TRUST_KEYS]
            if any(trust) and not all(trust):
                raise ValueError("set all three STRIPE_TRUST_* values for a trust Stripe account, or none")
        return self
