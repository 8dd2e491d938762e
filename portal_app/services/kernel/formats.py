"""Numbers, money, plurals and relative dates in the reader's language, through Babel (CLDR), with
the firm's region (PORTAL_FIRM_REGION): a US firm's Spanish reader sees `US$1,500.00`, the
region's digits and separators with the language's name for the currency (for a Spanish reader a
bare `$` may be pesos), never Spain's `1.500,00 US$`."""
from __future__ import annotations

import functools
from datetime import date, timedelta
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_timedelta
from babel.numbers import NumberPattern, format_decimal, get_currency_symbol, parse_pattern

from portal_app.services.kernel import i18n
from portal_app.services.kernel.localtime import babel_locale


def _language_locale(locale: str) -> str:
    try:
        return str(Locale.parse(i18n.language(locale).babel))
    except (UnknownLocaleError, ValueError):
        return "en"


@functools.lru_cache(maxsize=512)
def _money_pattern(currency: str, regional_id: str, locale: str) -> tuple[Locale, NumberPattern]:
    """The region's currency pattern with the language's symbol written into it, parsed once per
    (currency, region, language): parsing it for every amount was most of a page of 2,500 balances
    (~65 µs each), and with the symbol left as ¤ Babel looked up the currency's symbol and its
    plural name again for every amount (~60 µs of ~140 µs on the trust page's 5,000 amounts)."""
    regional = Locale.parse(regional_id)
    pattern = regional.currency_formats["standard"].pattern
    if "¤" in pattern:
        symbol_locale = regional if regional.language == "en" else _language_locale(locale)
        symbol = get_currency_symbol(currency, locale=symbol_locale)
        pattern = pattern.replace("¤", "'" + symbol.replace("'", "''") + "'")
    return regional, parse_pattern(pattern)


def money(cents: int, currency: str = "USD", locale: str = "en") -> str:
    """Integer cents as the reader reads an amount: `$1,500.00`, `US$1,500.00` (es, US firm)."""
    return _money_text(int(cents), (currency or "USD").upper(), babel_locale(locale), locale)


@functools.lru_cache(maxsize=8192)
def _money_text(cents: int, currency: str, regional_id: str, locale: str) -> str:
    """The text of one amount, kept: the same words for the same cents, currency, region and
    language, so nothing it keeps can go stale. Babel's pattern.apply was still ~17 µs an amount,
    13 of the trust page's 22 ms on PostgreSQL (404 amounts; cProfile, bench.staff_pages), and a
    firm's books repeat their amounts (retainers, fees, the same balances on every load)."""
    regional, pattern = _money_pattern(currency, regional_id, locale)
    amount = Decimal(cents) / 100
    text = pattern.apply(amount, regional, currency=currency, currency_digits=True)  # as format_currency does
    if i18n.language(locale).direction == "rtl":  # one left-to-right unit inside Arabic text ("150.00 US$")
        return "\u2066" + text.replace("\u200f", "") + "\u2069"
    return text


def number(value: int | float | Decimal, locale: str = "en") -> str:
    return format_decimal(value, locale=babel_locale(locale))


def plural(key: str, count: int, locale: str = "en", **params: object) -> str:
    """A catalog text with plural forms: "1 message", "3 messages", Arabic's six forms."""
    return i18n.t(key, locale, count=count, **params)


def relative_days(when: date, today: date, locale: str = "en") -> str:
    """"in 12 days", "dentro de 12 días", "3 days ago"; "today" as the catalog says it."""
    days = (when - today).days
    if days == 0:
        return i18n.t("date.today", locale)
    return format_timedelta(timedelta(days=days), granularity="day", threshold=10_000, add_direction=True,
                            locale=babel_locale(locale))
