"""Money parsing and formatting, the sandbox's test-card rules, Standard Webhooks signing, the
payload renderer, the sandbox/live-key guard, and Spanish for every client-facing billing mail."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from datetime import date
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from portal_app.services.billing.payments.sandbox_cards import check_bank, check_card, luhn_ok
from portal_app.services.billing.webhooks import events as outbound_events
from portal_app.services.billing.webhooks import sender as webhook_sender
from portal_app.services.kernel import i18n, money
from portal_app.services.kernel.errors import InvalidInput
from portal_app.services.kernel.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("text,cents", [("1500", 150000), ("1,500.00", 150000), ("$12.5", 1250), ("0.50", 50),
                                        (" 2 000.01 ", 200001)])
def test_amounts_people_type(text, cents):
    assert money.parse(text) == cents


@pytest.mark.parametrize("text,code", [("abc", "billing.amount_invalid"), ("1.005", "billing.amount_too_precise"),
                                       ("0", "billing.amount_out_of_range"), ("-5", "billing.amount_invalid"),
                                       ("1e5", "billing.amount_invalid"), ("", "billing.amount_invalid")])
def test_bad_amounts_are_named(text, code):
    with pytest.raises(InvalidInput) as err:
        money.parse(text)
    assert err.value.code == code


def test_formatting_and_exact_decimals():
    assert money.format_money(150000) == "$1,500.00" and money.format_money(-5) == "-$0.05"
    assert money.decimal_string(150000) == "1500.00" and money.decimal_string(5, "JPY") == "5"
    assert money.percent_of(150000, 290) == 4350 and money.percent_of(5, 5000) == 3  # half up


def test_sandbox_accepts_only_documented_test_cards():
    today = date(2026, 11, 25)
    card, month, year = check_card("4242 4242 4242 4242", "12/34", "123", today)
    assert card.outcome == "succeeded" and (month, year) == (12, 2034)
    assert check_card("4000 0000 0000 0002", "12/34", "123", today)[0].outcome == "declined"
    assert check_card("4000002500003155", "01/27", "123", today)[0].outcome == "authenticate"
    for number, expiry, cvc, code in [("4111 1111 1111 1111", "12/34", "123", "billing.sandbox_test_cards_only"),
                                      ("4242 4242 4242 4241", "12/34", "123", "billing.card_number_invalid"),
                                      ("4242424242424242", "10/26", "123", "billing.card_expired"),
                                      ("4242424242424242", "13/30", "123", "billing.card_expiry_invalid"),
                                      ("4242424242424242", "12/30", "12", "billing.card_cvc_invalid")]:
        with pytest.raises(InvalidInput) as err:
            check_card(number, expiry, cvc, today)
        assert err.value.code == code
    assert luhn_ok("378282246310005") and not luhn_ok("378282246310006")
    assert check_bank("110000000", "000123456789")[0] == "succeeded"
    with pytest.raises(InvalidInput):
        check_bank("021000021", "12345")


def test_standard_webhooks_signature_matches_the_spec():
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    body = b'{"event":"payment.posted"}'
    signature = webhook_sender.sign(secret, "msg_1", 1700000000, body)
    expected = base64.b64encode(hmac.new(b"k" * 32, b"msg_1.1700000000." + body, hashlib.sha256).digest()).decode()
    assert signature == "v1," + expected


def test_payload_amount_is_a_number_with_the_currency_decimals():
    body = outbound_events.render({"event": "payment.posted", "timestamp": "2026-03-03T12:00:00Z",
                                   "payload": {"paymentId": "p", "amount": "1500.00", "currency": "USD"}})
    assert b'"amount":1500.00' in body and json.loads(body)["payload"]["amount"] == 1500.0


@pytest.mark.parametrize("env", [{"PORTAL_PAYMENTS": "sandbox", "STRIPE_SECRET_KEY": "sk_live_x"},
                                 {"PORTAL_PAYMENTS": "sandbox", "STRIPE_TRUST_SECRET_KEY": "rk_live_y"}])
def test_sandbox_refuses_to_run_with_live_stripe_keys(monkeypatch, env):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError, match="live"):
        load_settings()


def test_stripe_mode_needs_all_keys_and_production_never_falls_back_silently(monkeypatch):
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_test_x")
    with pytest.raises(SettingsError, match="STRIPE_PUBLISHABLE_KEY"):
        load_settings()
    monkeypatch.delenv("STRIPE_SECRET_KEY")
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("PORTAL_MASTER_KEYS", Fernet.generate_key().decode())
    with pytest.raises(SettingsError, match="PORTAL_PAYMENTS=sandbox"):
        load_settings()


def test_every_client_facing_billing_mail_is_in_spanish():
    client_mail = ("invoice_issued", "payment_receipt", "payment_receipt_trust", "payment_failed")
    spanish = i18n.catalog("es")
    for name in client_mail:
        for part in ("subject", "body"):
            key = f"mail.{name}.{part}"
            assert key in spanish and spanish[key] != i18n.catalog("en")[key], key
            assert set(re.findall(r"{(\w+)}", spanish[key])) == set(re.findall(r"{(\w+)}", i18n.catalog("en")[key]))


@pytest.mark.parametrize("now_utc, received_on, expected", [
    # 06:00 UTC is 01:00 in New York: the firm's today is 1 December, and "today" is now, not noon UTC
    ("2026-12-01T06:00:00", "2026-12-01", "now"),
    # 02:00 UTC on 2 December is still 1 December in New York: 2 December is in the firm's future
    ("2026-12-02T02:00:00", "2026-12-02", "future"),
    ("2026-12-02T02:00:00", "2026-12-01", "now"),
    # a past day counts from its local noon (17:00 UTC in winter, 16:00 UTC in summer)
    ("2026-12-01T06:00:00", "2026-11-30", "2026-11-30T17:00:00"),
    ("2026-07-01T03:59:00", "2026-06-29", "2026-06-29T16:00:00"),
    # New Year's Eve and a leap day at the firm's midnight
    ("2027-01-01T04:59:00", "2026-12-31", "now"),
    ("2028-02-29T05:00:00", "2028-02-29", "now"),
    ("2028-02-29T04:59:00", "2028-02-29", "future"),
])
def test_a_check_received_today_is_the_firms_today(now_utc, received_on, expected):
    from datetime import date, datetime, timezone

    from portal_app.services.billing.payments.staff import received_at
    from portal_app.services.kernel.errors import InvalidInput

    now = datetime.fromisoformat(now_utc).replace(tzinfo=timezone.utc)
    day = date.fromisoformat(received_on)
    if expected == "future":
        with pytest.raises(InvalidInput):
            received_at(day, now)
    elif expected == "now":
        assert received_at(day, now) == now
    else:
        assert received_at(day, now) == datetime.fromisoformat(expected).replace(tzinfo=timezone.utc)


def test_every_sandbox_decline_has_a_translation_in_each_language():
    from portal_app.services.billing.payments import sandbox_cards
    told = {c.message for c in sandbox_cards.CARDS.values() if c.message} | {m for _o, m in sandbox_cards.BANK_ACCOUNTS.values() if m}
    told |= set(re.findall(r'"message": "([^"]+)"', Path(sandbox_cards.__file__).with_name("sandbox.py").read_text()))
    assert told and told <= set(sandbox_cards.MESSAGE_KEYS)
    for locale in i18n.LANGUAGES:
        for message in told:
            said = sandbox_cards.in_language(message, locale)
            assert (said == message) == (locale == "en"), (locale, message, said)
    assert sandbox_cards.in_language("Stripe's own words.", "vi") == "Stripe's own words."
