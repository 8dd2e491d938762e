"""A figure's values as its reader reads them: codes in words (an invoice's kind, a payment's
method, the cohort, a support topic), numbers, shares and dates in their language through Babel.
The service keeps the raw values (the CSV and the tests read those)."""
from __future__ import annotations

from datetime import date

from babel.dates import format_date, format_skeleton
from babel.numbers import format_percent

from portal_app.components.i18n import t
from portal_app.services.insights.report import LABELLED
from portal_app.services.kernel import formats
from portal_app.services.kernel.localtime import babel_locale

WORDS = {"cohort": "insights.cohort.{}", "topic": "support.topic.{}", "kind": "billing.kind.{}",
         "method": "billing.method.{}"}
SHARES = ("share", "signed_in_rate", "active_rate")  # percentages, 0-100


def cell(column: str, value, locale: str) -> str:
    if value is None or value == "":
        return "—"
    if column in WORDS:
        return t(WORDS[column].format(value), locale)
    if column == "month":  # YYYY-MM, the firm's calendar month
        return format_skeleton("yMMM", date.fromisoformat(f"{value}-01"), locale=babel_locale(locale))
    if column == "week":  # the Monday it starts on
        return format_date(date.fromisoformat(value), "medium", locale=babel_locale(locale))
    if column in SHARES:
        return format_percent(value / 100, "#,##0.0%", locale=babel_locale(locale))
    if isinstance(value, int | float):
        return formats.number(value, locale)
    return str(value)


def chart_label(key: str, label, locale: str) -> str:
    """A chart point's label in words: its column's value (LABELLED), or "Retainer · Card"."""
    columns = LABELLED[key]
    if isinstance(columns, tuple):
        return " · ".join(cell(column, part, locale) for column, part in zip(columns, label, strict=True))
    return cell(columns, label, locale)
