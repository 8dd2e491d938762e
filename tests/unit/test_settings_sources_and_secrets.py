"""Settings: where values come from (.env file, environment), secrets that never show, and start-up
checks of the secret key and the master keys that name the variable and say what is wrong."""
from __future__ import annotations

import logging
import re
import secrets
import traceback
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from portal_app.services.kernel.settings import (
    GROUPS,
    Settings,
    SettingsError,
    get_settings,
    load_settings,
    reset_settings,
)

ROOT = Path(__file__).resolve().parents[2]
SECRETS = {
    "PORTAL_SECRET_KEY": "Sk-" + secrets.token_urlsafe(40),
    "PORTAL_SMTP_PASSWORD": "smtp-pass-" + secrets.token_hex(12),
    "STRIPE_SECRET_KEY": "sk_test_" + secrets.token_hex(12),
    "STRIPE_WEBHOOK_SECRET": "whsec_" + secrets.token_hex(12),
    "STRIPE_TRUST_SECRET_KEY": "sk_test_trust" + secrets.token_hex(12),
    "STRIPE_TRUST_WEBHOOK_SECRET": "whsec_trust" + secrets.token_hex(12),
    "PORTAL_USCIS_CLIENT_SECRET": "uscis-" + secrets.token_hex(12),
}
MASTER = [Fernet.generate_key().decode(), Fernet.generate_key().decode()]


@pytest.fixture
def production(monkeypatch, tmp_path):
    """A complete production configuration holding every kind of secret."""
    values = {**SECRETS, "PORTAL_ENV": "production", "PORTAL_MASTER_KEYS": ",".join(MASTER),
              "PORTAL_AUDIT_CHECKPOINT_DIR": str(tmp_path / "audit-anchor"),
              "STRIPE_PUBLISHABLE_KEY": "pk_test_op", "STRIPE_TRUST_PUBLISHABLE_KEY": "pk_test_trust",
              "PORTAL_MAIL_BACKEND": "smtp", "PORTAL_SMTP_HOST": "smtp.example", "PORTAL_SMTP_USER": "portal"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


def _leaks(text: str) -> list[str]:
    return [name for name, value in [*SECRETS.items(), *(("master", k) for k in MASTER)] if value in text]


def test_secrets_never_show_in_repr_str_logs_or_dumps(production, caplog):
    cfg = load_settings()
    with caplog.at_level(logging.INFO):
        logging.getLogger("portal").info("settings: %s / %r", cfg, cfg)
    shown = [repr(cfg), str(cfg), f"{cfg}", caplog.text, cfg.model_dump_json(), str(cfg.model_dump()),
             repr(cfg.payments), repr(cfg.smtp), repr(cfg.uscis), repr(cfg.master_keys)]
    assert not _leaks("\n".join(shown))
    assert "**********" in repr(cfg.smtp) and "smtp.example" in repr(cfg.smtp)  # the rest stays readable
    # ...while the code that needs a secret still gets it, exactly.
    assert cfg.smtp.password.get_secret_value() == SECRETS["PORTAL_SMTP_PASSWORD"]
    assert [k.get_secret_value() for k in cfg.master_keys] == MASTER and cfg.payments.mode == "stripe"


def test_an_error_that_carries_the_settings_shows_no_secret(production, caplog):
    from portal_app.portal_app import backend_error

    cfg = load_settings()
    try:
        raise RuntimeError(f"could not reach the mail server with {cfg.smtp}; settings were {cfg}")
    except RuntimeError as exc:
        trace = "".join(traceback.format_exception(exc))
        toast = str(backend_error(exc))  # what the browser gets; the trace goes to the log
    assert "could not reach" in trace and not _leaks(trace) and not _leaks(toast)
    assert "could not reach" in caplog.text and not _leaks(caplog.text)


@pytest.mark.parametrize("name,value,expected", [
    ("PORTAL_MASTER_KEYS", f"{MASTER[0]},not-a-key", r"PORTAL_MASTER_KEYS: key 2 of 2 is not a Fernet key"),
    ("PORTAL_MASTER_KEYS", MASTER[0][:-4], r"key 1 of 1 is not a Fernet key \(44 characters"),
    ("PORTAL_MASTER_KEYS", f"{MASTER[0]},{MASTER[1]},{MASTER[0]}", r"key 3 repeats key 1"),
    ("PORTAL_MASTER_KEYS", "", r"PORTAL_MASTER_KEYS is required in production"),
    ("PORTAL_SECRET_KEY", "", r"PORTAL_SECRET_KEY is required in production"),
    ("PORTAL_SECRET_KEY", "please-CHANGE-me-to-a-long-random-value", r"PORTAL_SECRET_KEY holds a placeholder"),
    ("PORTAL_SECRET_KEY", "x" * 48, r"PORTAL_SECRET_KEY holds a placeholder"),
    ("PORTAL_SECRET_KEY", "Qm9vbGVhbnM-9zX_21", r"PORTAL_SECRET_KEY is too short: 18 characters, it needs 32"),
])
def test_start_up_names_the_variable_and_what_is_wrong_without_the_value(production, monkeypatch, name, value,
                                                                         expected):
    monkeypatch.setenv(name, value)
    reset_settings()
    with pytest.raises(SettingsError, match=expected) as caught:
        get_settings()
    trace = "".join(traceback.format_exception(caught.value))
    assert not _leaks(trace)
    if value:
        assert value not in trace and "not-a-key" not in trace  # not even the bad value is repeated
    assert caught.value.__cause__ is None and caught.value.__suppress_context__  # no pydantic error underneath


def test_a_bad_master_key_is_refused_in_development_too(monkeypatch):
    """A key that is not a Fernet key would break the first upload; it is refused at start-up instead."""
    monkeypatch.setenv("PORTAL_MASTER_KEYS", "my-master-key")
    with pytest.raises(SettingsError, match="key 1 of 1 is not a Fernet key"):
        load_settings()


def test_other_bad_values_name_the_variable_and_show_what_was_given(monkeypatch):
    monkeypatch.setenv("PORTAL_SMTP_PORT", "smtp")
    monkeypatch.setenv("PORTAL_REMINDER_INVOICE_DAYS", "-3,0,seven")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "PORTAL_SMTP_PORT must be a valid integer" in str(caught.value) and "got 'smtp'" in str(caught.value)
    monkeypatch.delenv("PORTAL_SMTP_PORT")
    with pytest.raises(SettingsError, match=r"PORTAL_REMINDER_INVOICE_DAYS must be a valid integer.*got 'seven'"):
        load_settings()


def test_dot_env_file_is_read_and_the_environment_wins(tmp_path, monkeypatch):
    env_file = tmp_path / "portal.env"
    env_file.write_text("# the firm's file\nPORTAL_FIRM_NAME=Okafor Immigration\nPORTAL_SESSION_HOURS=8\n"
                        "PORTAL_QUIET_HOURS=22:00-07:00\nPORTAL_SMTP_PASSWORD=' two spaces  '\n"
                        "PORTAL_SECRET_KEY=\nREFLEX_REDIS_URL=redis://x\n")
    monkeypatch.setenv("PORTAL_ENV_FILE", str(env_file))
    monkeypatch.setenv("PORTAL_SESSION_HOURS", "4")
    cfg = load_settings()
    assert cfg.firm_name == "Okafor Immigration" and cfg.workflow.quiet_hours == (22, 7)
    assert cfg.session_hours == 4  # the environment wins over the file
    assert cfg.smtp.password.get_secret_value() == " two spaces  "  # a password is kept exactly
    assert len(cfg.secret_key.get_secret_value()) >= 32  # an empty line means "not set": generated in development
    monkeypatch.setenv("PORTAL_ENV_FILE", "")
    assert load_settings().firm_name == "Rivera & Chen Immigration Law"  # no file at all


def test_every_variable_in_env_example_is_a_setting_and_the_file_loads(tmp_path, monkeypatch):
    """`.env.example`, copied to .env with the secrets filled in, starts a production portal."""
    example = ROOT / ".env.example"
    names = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example.read_text(), flags=re.M))
    read_elsewhere = {"REFLEX_REDIS_URL"}  # read by Reflex from the environment
    fields = {f.validation_alias for model in (Settings, *GROUPS.values()) for f in model.model_fields.values()}
    assert names - read_elsewhere - fields == set()
    monkeypatch.setenv("PORTAL_ENV_FILE", str(example))
    monkeypatch.setenv("PORTAL_SECRET_KEY", SECRETS["PORTAL_SECRET_KEY"])
    monkeypatch.setenv("PORTAL_MASTER_KEYS", MASTER[0])
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path))  # not the file's /var/lib/portal
    monkeypatch.delenv("PORTAL_ENV")  # the tests' "test": the file's "production" applies
    with pytest.raises(SettingsError, match="PORTAL_PAYMENTS=sandbox"):
        load_settings()  # production without Stripe keys must say so
    monkeypatch.setenv("PORTAL_PAYMENTS", "sandbox")
    cfg = load_settings()
    assert cfg.is_production and cfg.storage_backend == "s3" and cfg.s3_bucket == "example-firm-portal-files"
    assert cfg.mail_backend == "smtp" and cfg.smtp.host == "smtp.example-firm.com" and cfg.cookie_secure
    assert cfg.workflow.invoice_days == (-3, 0, 7) and cfg.data_dir == tmp_path and cfg.jobs_interval_seconds == 5


def test_cookie_flag_follows_the_public_url_unless_set(monkeypatch):
    monkeypatch.setenv("PORTAL_PUBLIC_URL", "https://portal.example/")
    cfg = load_settings()
    assert cfg.cookie_secure and cfg.public_url == "https://portal.example"
    monkeypatch.setenv("PORTAL_COOKIE_SECURE", "false")
    assert not load_settings().cookie_secure

