"""Money is an integer count of the currency's minor unit (cents) plus an ISO currency code.
These helpers parse what people type, format for people, and render the exact decimal strings
that leave the portal (webhooks, CSV). Never floats."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from portal_app.services.kernel import text as cleaned
from portal_app.services.kernel.errors import InvalidInput

MINOR_DIGITS = {"USD": 2, "EUR": 2, "GBP": 2, "CAD": 2, "MXN": 2, "JPY": 0, "KRW": 0}
SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "MXN": "MX$", "JPY": "¥", "KRW": "₩"}
MAX_CENTS = 100_000_000_00  # one hundred million in major units: larger is a typo
_TYPED = re.compile(r"^[0-9]{1,3}(,[0-9]{3})*(\.[0-9]+)?$|^[0-9]+(\.[0-9]+)?$")


def digits(currency: str) -> int:
    code = (currency or "").upper()
    if code not in MINOR_DIGITS:
        raise InvalidInput("billing.currency_unknown", currency=currency)
    return MINOR_DIGITS[code]


def parse(text: object, currency: str = "USD", *, allow_zero: bool = False) -> int:
    """'1,500.00' or '1500' -> 150000 (USD). Anything else is a clear InvalidInput: digits other
    than 0-9 ("١٢٣", "１２３") are refused, not read as a number (kernel/text.py)."""
    typed = cleaned.number_text(text, "billing.amount_digits")
    raw = typed.lstrip(SYMBOLS.get(currency.upper(), "$"))
    if not raw or not _TYPED.match(raw):
        raise InvalidInput("billing.amount_invalid", value=typed[:40])
    places = digits(currency)
    try:
        value = Decimal(raw.replace(",", ""))
    except InvalidOperation:
        raise InvalidInput("billing.amount_invalid", value=typed[:40]) from None
    if value.as_tuple().exponent < -places:
        raise InvalidInput("billing.amount_too_precise", value=raw, places=places)
    cents = int(value.scaleb(places))
    if cents > MAX_CENTS or (cents == 0 and not allow_zero):
        raise InvalidInput("billing.amount_out_of_range", value=raw)
    return cents


def decimal_string(cents: int, currency: str = "USD") -> str:
    """150000 -> '1500.00': the exact amount in major units, as webhooks and exports carry it."""
    places = digits(currency)
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), 10 ** places)
    return f"{sign}{whole}.{part:0{places}d}" if places else f"{sign}{whole}"


def format_money(cents: int, currency: str = "USD", locale: str | None = None) -> str:
    """150000 -> '$1,500.00' (for people): in the language of the person being answered (the
    reader's language of the event, kernel/i18n.READER_LOCALE) unless a locale is given."""
    from portal_app.services.kernel import formats, i18n

    locale = locale or i18n.READER_LOCALE.get()
    if locale:
        return formats.money(cents, currency, locale)
    text = decimal_string(abs(cents), currency)
    whole, _, part = text.partition(".")
    grouped = f"{int(whole):,}" + (f".{part}" if part else "")
    symbol = SYMBOLS.get(currency.upper(), currency.upper() + " ")
    return f"{'-' if cents < 0 else ''}{symbol}{grouped}"


def percent_of(cents: int, basis_points: int) -> int:
    """Tax or fee on an amount, rounded half up to the cent."""
    exact = Decimal(int(cents)) * Decimal(int(basis_points)) / Decimal(10_000)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
