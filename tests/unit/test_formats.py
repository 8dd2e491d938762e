"""Money, plurals and relative dates through Babel with the firm's region (a US firm)."""
from __future__ import annotations

from datetime import date

from portal_app.services.kernel import formats


def test_money_in_each_language_with_the_firms_region():
    assert formats.money(150_000, "USD", "en") == "$1,500.00"
    assert formats.money(150_000, "USD", "es") == "US$1,500.00"  # not Spain's 1.500,00 US$
    assert formats.money(150_000, "USD", "zh-Hans") == "US$1,500.00"
    assert formats.money(-2_550, "USD", "en") == "-$25.50"
    assert formats.money(150_000, "USD", "ar").startswith("\u2066") and "US$" in formats.money(150_000, "USD", "ar")


def test_plurals_and_relative_days():
    assert formats.plural("sessions.password_changed", 1, "en").endswith("1 other session was signed out.")
    assert formats.plural("sessions.password_changed", 5, "es").endswith("5 sesiones más.")
    today = date(2026, 12, 1)
    assert formats.relative_days(date(2026, 12, 13), today, "en") == "in 12 days"
    assert formats.relative_days(date(2026, 12, 13), today, "es") == "dentro de 12 días"
    assert formats.relative_days(date(2026, 11, 28), today, "en") == "3 days ago"
    assert formats.relative_days(today, today, "vi") == "hôm nay"
    assert formats.number(1234567, "es") == "1,234,567"  # es_US groups like the US


def test_file_sizes_in_the_readers_digits_and_units():
    """The review page wrote `10.0 MB` and `due 2026-12-25` in every language."""
    from portal_app.pages.documents.checklist_common import size_label
    from portal_app.services.kernel import localtime

    mb = 1024 * 1024
    assert size_label(10 * mb, "en") == "10.0 MB" and size_label(12 * 1024, "en") == "12 kB"
    assert size_label(10 * mb, "vi") == size_label(10 * mb, "pt-BR") == "10,0 MB"
    assert size_label(100, "en") == "1 kB"  # a tiny file is never "0 kB"
    assert "MB" not in size_label(10 * mb, "ar")  # Arabic's own unit name
    assert localtime.format_date(date(2026, 12, 25), "es") == "25 de diciembre de 2026"
