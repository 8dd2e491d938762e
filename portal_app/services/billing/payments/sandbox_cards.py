"""The test cards and bank accounts the sandbox accepts: Stripe's documented test numbers, and
nothing else (a real card number is refused without being stored or logged)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from portal_app.services.kernel.errors import InvalidInput
from portal_app.services.kernel.i18n import t


@dataclass(frozen=True)
class TestCard:
    key: str
    brand: str
    outcome: str  # succeeded | declined | authenticate
    decline_code: str = ""
    message: str = ""


CARDS = {  # https://docs.stripe.com/testing (cards by brand, declines, 3-D Secure)
    "4242424242424242": TestCard("visa", "Visa", "succeeded"),
    "4000056655665556": TestCard("visa_debit", "Visa", "succeeded"),
    "5555555555554444": TestCard("mastercard", "Mastercard", "succeeded"),
    "5200828282828210": TestCard("mc_debit", "Mastercard", "succeeded"),
    "378282246310005": TestCard("amex", "American Express", "succeeded"),
    "6011111111111117": TestCard("discover", "Discover", "succeeded"),
    "4000000000000002": TestCard("declined", "Visa", "declined", "generic_decline", "Your card was declined."),
    "4000000000009995": TestCard("insufficient", "Visa", "declined", "insufficient_funds",
                                 "Your card has insufficient funds."),
    "4000000000009987": TestCard("lost", "Visa", "declined", "lost_card", "Your card was declined."),
    "4000000000009979": TestCard("stolen", "Visa", "declined", "stolen_card", "Your card was declined."),
    "4000000000000069": TestCard("expired", "Visa", "declined", "expired_card", "Your card has expired."),
    "4000000000000127": TestCard("bad_cvc", "Visa", "declined", "incorrect_cvc",
                                 "Your card's security code is incorrect."),
    "4000000000000119": TestCard("processing_error", "Visa", "declined", "processing_error",
                                 "An error occurred while processing your card. Try again in a little bit."),
    "4000002500003155": TestCard("3ds", "Visa", "authenticate"),
    "4000002760003184": TestCard("3ds_always", "Visa", "authenticate"),
    "4000000000003220": TestCard("3ds2", "Visa", "authenticate"),
}
BY_KEY = {card.key: (number, card) for number, card in CARDS.items()}
# Stripe's test US bank accounts (routing number 110000000): ACH stays "processing", then settles.
BANK_ACCOUNTS = {
    "000123456789": ("succeeded", ""),
    "000111111113": ("failed", "The bank returned this payment: insufficient funds."),
    "000111111116": ("failed", "The bank returned this payment: the account is closed."),
}
TEST_ROUTING = "110000000"
# The sandbox answers in English as Stripe does; the client reads these in their own language.
MESSAGE_KEYS = {
    "Your card was declined.": "billing.sandbox.card_declined",
    "Your card has insufficient funds.": "billing.sandbox.insufficient_funds",
    "Your card has expired.": "billing.sandbox.expired_card",
    "Your card's security code is incorrect.": "billing.sandbox.incorrect_cvc",
    "An error occurred while processing your card. Try again in a little bit.": "billing.sandbox.processing_error",
    "We are unable to authenticate your payment method.": "billing.sandbox.authentication_failed",
    "The bank returned this payment: insufficient funds.": "billing.sandbox.bank_insufficient",
    "The bank returned this payment: the account is closed.": "billing.sandbox.bank_closed",
}


def in_language(message: str, locale: str) -> str:
    """A sandbox decline or return in the reader's language; any other processor text as it came."""
    key = MESSAGE_KEYS.get(message)
    return t(key, locale) if key else message


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def check_card(number: str, expiry: str, cvc: str, today: date) -> tuple[TestCard, int, int]:
    """Validate what was typed like a card form would; returns the test card and expiry."""
    digits = re.sub(r"[\s-]", "", number or "")
    if not digits.isdigit() or not 13 <= len(digits) <= 19 or not luhn_ok(digits):
        raise InvalidInput("billing.card_number_invalid")
    match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", expiry or "")
    if not match or not 1 <= int(match.group(1)) <= 12:
        raise InvalidInput("billing.card_expiry_invalid")
    month, year = int(match.group(1)), int(match.group(2)) % 100 + 2000
    if (year, month) < (today.year, today.month):
        raise InvalidInput("billing.card_expired")
    card = CARDS.get(digits)
    if card is None:
        raise InvalidInput("billing.sandbox_test_cards_only")
    if not re.fullmatch(r"\d{4}" if card.key == "amex" else r"\d{3}", (cvc or "").strip()):
        raise InvalidInput("billing.card_cvc_invalid")
    return card, month, year


def check_bank(routing: str, account: str) -> tuple[str, str]:
    routing, account = re.sub(r"\D", "", routing or ""), re.sub(r"\D", "", account or "")
    if len(routing) != 9 or not account:
        raise InvalidInput("billing.bank_details_invalid")
    if routing != TEST_ROUTING or account not in BANK_ACCOUNTS:
        raise InvalidInput("billing.sandbox_test_banks_only")
    return BANK_ACCOUNTS[account]
