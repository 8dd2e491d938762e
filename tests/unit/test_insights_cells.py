"""The insights page writes a figure's codes as words and its numbers in the reader's language: a
partner reading in Spanish or Vietnamese saw `trust_transfer`, `retainer · card` and `12.5%` as the
service keeps them (found on the phone screenshot of /staff/insights)."""
from __future__ import annotations

from babel.numbers import format_decimal

from portal_app.pages.insights.cells import WORDS, cell, chart_label
from portal_app.services.insights.report import COLUMNS, LABELLED
from portal_app.services.kernel import i18n

LOCALES = ("en", "es", "ar", "vi", "zh-Hans", "pt-BR")


def test_codes_are_words_in_every_language():
    for locale in LOCALES:
        for column, value in (("kind", "retainer"), ("method", "trust_transfer"), ("method", "us_bank_account"),
                              ("cohort", "pilot"), ("topic", "paying")):
            text = cell(column, value, locale)
            key = WORDS[column].format(value)
            assert text == i18n.t(key, locale) and text not in (key, value) and "_" not in text, (locale, key, text)


def test_payment_chart_is_labelled_by_kind_and_method_in_words():
    assert chart_label("payment", ("retainer", "card"), "en") == \
        f"{i18n.t('billing.kind.retainer', 'en')} · {i18n.t('billing.method.card', 'en')}"
    assert "retainer" not in chart_label("payment", ("retainer", "card"), "es")
    assert set(LABELLED) == set(COLUMNS)  # every figure's chart says what labels it


def test_numbers_shares_and_dates_follow_the_language():
    assert cell("share", 12.5, "en") == "12.5%" and cell("share", 12.5, "vi") == "12,5%"
    assert cell("median_days", 2.5, "vi") == format_decimal(2.5, locale="vi") == "2,5"
    assert cell("month", "2026-03", "en") == "Mar 2026" and cell("month", "2026-03", "zh-Hans") == "2026年3月"
    assert cell("week", "2026-03-02", "en") == "Mar 2, 2026" and "mar" in cell("week", "2026-03-02", "es")
    assert cell("p90_days", None, "es") == "—" and cell("month", "", "en") == "—"
