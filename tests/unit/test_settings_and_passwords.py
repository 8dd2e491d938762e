"""Settings refuse placeholders in production; password hashing meets OWASP's argon2id minimum."""
from __future__ import annotations

import secrets

import pytest
from cryptography.fernet import Fernet

from portal_app.api.routes import safe_next
from portal_app.services.identity import passwords
from portal_app.services.kernel.errors import InvalidInput
from portal_app.services.kernel.settings import SettingsError, load_settings


def test_development_defaults_need_no_server(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "development")
    cfg = load_settings()
    assert cfg.database_url.startswith("sqlite:///") and cfg.mail_backend == "console"
    assert (cfg.data_dir / "keys" / "master.key").stat().st_mode & 0o077 == 0
    assert load_settings().master_keys == cfg.master_keys  # generated once, then reused


KEY = Fernet.generate_key().decode()


@pytest.mark.parametrize("secret,keys,message", [
    ("", KEY, "PORTAL_SECRET_KEY"),
    ("changeme", KEY, "PORTAL_SECRET_KEY"),
    (secrets.token_urlsafe(48), "", "PORTAL_MASTER_KEYS"),
])
def test_production_refuses_missing_or_placeholder_secrets(monkeypatch, secret, keys, message):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_SECRET_KEY", secret)
    monkeypatch.setenv("PORTAL_MASTER_KEYS", keys)
    with pytest.raises(SettingsError, match=message):
        load_settings()


def test_bad_values_are_named(monkeypatch):
    monkeypatch.setenv("PORTAL_SESSION_HOURS", "twelve")
    with pytest.raises(SettingsError, match="PORTAL_SESSION_HOURS"):
        load_settings()
    monkeypatch.delenv("PORTAL_SESSION_HOURS")
    monkeypatch.setenv("PORTAL_ENV", "staging")
    with pytest.raises(SettingsError, match="PORTAL_ENV"):
        load_settings()


def test_argon2id_parameters_meet_owasp_minimum():
    params = passwords.HASHER
    assert params.type.name == "ID"
    assert params.memory_cost >= 19 * 1024 and params.time_cost >= 2 and params.parallelism >= 1
    stored = passwords.hash_password("correct horse battery")
    assert stored.startswith("$argon2id$") and passwords.verify_password(stored, "correct horse battery")
    assert not passwords.verify_password(stored, "wrong") and not passwords.verify_password(None, "x")
    assert not passwords.verify_password("not-a-hash", "x")


def test_password_rules():
    passwords.check_new_password("a fine passphrase", "a fine passphrase", email="jane@example.com")
    with pytest.raises(InvalidInput, match="password.too_long"):
        passwords.check_new_password("x" * 129 + "abcd", "x" * 129 + "abcd")


@pytest.mark.parametrize("value,expected", [
    ("/client", "/client"), ("/matters/1?x=2", "/matters/1?x=2"), (None, "/"), ("", "/"),
    ("https://evil.example", "/"), ("//evil.example", "/"), ("/\\evil.example", "/"), ("javascript:alert(1)", "/"),
])
def test_next_parameter_is_never_an_open_redirect(value, expected):
    assert safe_next(value) == expected
