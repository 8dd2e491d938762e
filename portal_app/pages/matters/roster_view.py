"""The employer's roster on the employer's portal: one row per sponsored employee with the case's
status and the dates the employer plans around (status, visa, I-94, EAD), in the reader's calendar
and language, sortable by what expires first (the default), by name or by the case's status."""
from __future__ import annotations

import reflex as rx

from portal_app.components.deadline_views import when
from portal_app.components.i18n import t
from portal_app.components.ui import empty, their_text, views
from portal_app.services.kernel import localtime
from portal_app.services.matters import roster
from portal_app.state import WidgetState, run

SORTS = ("expiry", "name", "status")
COLUMNS = {"status": "status_expiry", "visa": "visa", "i94": "i94", "ead": "ead"}  # each date's label
# The expiry deadlines named for the employer ("I-94 expires"), not as the employee reads them ("Your I-94 expires")
DEADLINE_LABELS = {"status_expiry": "employer.col_status_expiry", "visa_expiry": "employer.col_visa",
                   "i94_expiry": "employer.col_i94"}


def _tone(days_left: int) -> str:
    return "red" if days_left < 0 else ("orange" if days_left <= 90 else "gray")


def row_of(r: roster.RosterRow, locale: str) -> dict[str, str]:
    """A roster row as the page shows it; `by_*` are the sort keys, never shown."""
    row = {"matter_id": r.matter_id, "employee": r.employee, "reference": r.reference, "case_type": r.case_type,
           "status": t(f"matter.status.{r.status}", locale),
           "by_expiry": r.first.date.isoformat() if r.first else "9999-12-31", "by_name": r.employee.casefold(),
           "by_status": r.status}
    for kind in roster.KINDS:
        found = r.expiries.get(kind)
        row[f"{kind}_date"] = localtime.shown_date(found.date, locale) if found else t("employer.no_date", locale)
        row[f"{kind}_when"] = when(found.days_left, locale) if found else ""
        row[f"{kind}_tone"] = _tone(found.days_left) if found else "gray"
    return row


def sorted_rows(rows: list[dict[str, str]], by: str) -> list[dict[str, str]]:
    """The rows in the chosen order; ties (and undated cases) by name."""
    key = by if by in SORTS else "expiry"
    return sorted(rows, key=lambda r: (r[f"by_{key}"], r["by_expiry"], r["by_name"]))


class RosterState(WidgetState, rx.State):
    rows: list[dict[str, str]] = []
    sort_by: str = "expiry"

    @rx.event
    async def load(self):
        self.sort_by = "expiry"
        return await self._load_page(self._fill)

    async def _fill(self, actor) -> None:
        self.rows = []  # stays empty if not allowed
        found = await run(roster.roster, actor)
        self.rows = sorted_rows([row_of(r, actor.locale) for r in found.rows], self.sort_by)

    @rx.event
    def sort(self, by: str | list[str]):
        by = by[0] if isinstance(by, list) and by else by
        self.sort_by = by if by in SORTS else "expiry"
        self.rows = sorted_rows(self.rows, self.sort_by)


def _date_cell(r, kind: str) -> rx.Component:
    return rx.vstack(
        rx.text(t(f"employer.col_{COLUMNS[kind]}"), size="1", color_scheme="gray"),
        rx.text(r[f"{kind}_date"], size="2", weight="medium"),
        rx.cond(r[f"{kind}_when"] != "", rx.text(
            r[f"{kind}_when"], size="1", weight="medium",
            color=rx.match(r[f"{kind}_tone"], ("red", "var(--red-11)"), ("orange", "var(--orange-11)"),
                           "var(--gray-11)"))),
        spacing="0", class_name=f"roster-{kind}")


# Two dates a row on a phone, four from a tablet's width (768 px) on. A media query in the page's own
# style, not a responsive Radix prop: one such prop anywhere keeps Radix's breakpoint classes for
# every page (0.25 MB of the style sheet, theme_css.py).
DATES_GRID = {"display": "grid", "gap": "var(--space-3)", "width": "100%",
              "grid_template_columns": rx.breakpoints(initial="repeat(2, minmax(0, 1fr))",
                                                      md="repeat(4, minmax(0, 1fr))")}


def _row(r) -> rx.Component:
    """One employee: a card (a list, not a wide table: a phone shows it without scrolling sideways)."""
    return rx.card(rx.vstack(
        rx.hstack(rx.text(their_text(r["employee"]), weight="bold", size="3"), rx.badge(r["case_type"]),
                  rx.badge(r["status"], color_scheme="green"), rx.spacer(),
                  rx.text(r["reference"], size="1", color_scheme="gray"), wrap="wrap", align="center", width="100%"),
        rx.el.div(*[_date_cell(r, kind) for kind in roster.KINDS], style=DATES_GRID),
        spacing="2", width="100%"), width="100%", class_name="roster-row", role="listitem")


def roster_section() -> rx.Component:
    s = RosterState
    return rx.vstack(
        rx.hstack(
            rx.heading(t("employer.roster_heading"), size="5", id="roster-heading"), rx.spacer(),
            rx.text(t("employer.sort_label"), size="2", id="roster-sort-label"),
            views({v: t(f"employer.sort_{v}") for v in SORTS}, value=s.sort_by, on_change=s.sort, id="roster-sort",
                  aria_labelledby="roster-sort-label"),
            align="center", width="100%", wrap="wrap"),
        rx.cond(s.rows.length() > 0,
                rx.vstack(rx.foreach(s.rows, _row), width="100%", spacing="2", role="list", id="roster",
                          aria_labelledby="roster-heading"),
                empty(t("employer.no_employees"))),
        width="100%", spacing="3", on_mount=s.load,
    )
