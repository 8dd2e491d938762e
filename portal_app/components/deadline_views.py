"""Dates on the home pages: the client's upcoming dates, and the staff dashboard's deadlines across
their matters (soonest first, overdue in red) with their open-task and failed-mail counts."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.ui import empty
from portal_app.services.kernel.localtime import format_date
from portal_app.services.matters import deadlines
from portal_app.services.messaging import log as mail_log
from portal_app.services.tasks import lists as task_list
from portal_app.state import WidgetState, run


def when(days_left: int, locale: str = "en") -> str:
    if days_left < 0:
        return t("upcoming.overdue", locale, days=-days_left)
    if days_left == 0:
        return t("upcoming.today", locale)
    if days_left == 1:
        return t("upcoming.tomorrow", locale)
    return t("upcoming.in_days", locale, days=days_left)


def rows(found: list[deadlines.DeadlineView], locale: str = "en") -> list[dict[str, str]]:
    return [{"id": d.id, "matter_id": d.matter_id, "reference": d.reference, "title": d.title,
             "date": format_date(d.due_date, locale), "when": when(d.days_left, locale),
             "tone": "red" if d.days_left < 0 else ("orange" if d.days_left <= 7 else "gray")} for d in found]


class UpcomingDatesState(WidgetState, rx.State):
    dates: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        return await self._load_page(self._fill)

    async def _fill(self, actor) -> None:
        self.dates = []  # stays empty if not allowed
        self.dates = rows(await run(deadlines.upcoming, actor, within_days=365), actor.locale)


def _date_card(d: dict) -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.vstack(rx.text(d["title"], weight="bold"), rx.text(d["date"], size="2"), spacing="1"),
            rx.spacer(),
            rx.badge(d["when"], color_scheme=d["tone"], size="2"),
            align="center", width="100%",
        ),
        width="100%", class_name="upcoming-date",
    )


def upcoming_dates() -> rx.Component:
    """The client home's "Upcoming dates": appointments and expiries the firm shows the client."""
    return rx.box(
        rx.cond(UpcomingDatesState.dates.length() > 0,
                rx.vstack(rx.foreach(UpcomingDatesState.dates, _date_card), width="100%", spacing="2"),
                empty(t("client_home.no_deadlines"))),
        on_mount=UpcomingDatesState.load, width="100%", id="upcoming-dates",
    )


class StaffDeadlinesState(WidgetState, rx.State):
    dates: list[dict[str, str]] = []
    tasks_label: str = ""
    failed_mail_label: str = ""

    @rx.event
    async def load(self):
        return await self._load_page(self._fill, staff=True)

    async def _fill(self, actor) -> None:
        self.dates = []  # stays empty if any of the three is not allowed
        dates = rows(await run(deadlines.upcoming, actor, within_days=90), actor.locale)
        self.tasks_label = t("staff_deadlines.open_tasks", count=await run(task_list.open_count, actor))
        failed = len(await run(mail_log.failed, actor))
        self.failed_mail_label = t("staff_deadlines.failed_mail", count=failed) if failed else ""
        self.dates = dates


def _deadline_row(d: dict) -> rx.Component:
    """One line per deadline (a list, not a table: the matters table stays the page's one table)."""
    return rx.hstack(
        rx.text(d["date"], color=rx.cond(d["tone"] == "red", "var(--red-11)", "inherit"),
                weight=rx.cond(d["tone"] == "red", "bold", "regular"), min_width="150px", class_name="deadline-date"),
        rx.text(d["title"], flex="1", min_width="180px"),
        rx.link(d["reference"], href="/matters/" + d["matter_id"]),
        rx.badge(d["when"], color_scheme=d["tone"]),
        wrap="wrap", align="center", width="100%", padding_y="6px", border_bottom="1px solid var(--gray-4)",
        class_name=rx.cond(d["tone"] == "red", "deadline-row overdue", "deadline-row"), role="listitem",
    )


def staff_deadlines_panel() -> rx.Component:
    """On the staff dashboard, above the matters: my deadlines, open tasks and failed mail."""
    return rx.vstack(
        rx.hstack(
            rx.heading(t("staff_deadlines.title"), size="5"), rx.spacer(),
            rx.cond(StaffDeadlinesState.tasks_label != "",  # no unnamed link while the count is on its way
                    rx.link(StaffDeadlinesState.tasks_label, href="/tasks", id="open-tasks-link")),
            align="center", width="100%", wrap="wrap",
        ),
        rx.cond(StaffDeadlinesState.failed_mail_label != "",
                rx.callout(StaffDeadlinesState.failed_mail_label, icon="triangle_alert", color_scheme="red", width="100%",
                           id="failed-mail")),
        rx.cond(
            StaffDeadlinesState.dates.length() > 0,
            rx.vstack(rx.foreach(StaffDeadlinesState.dates, _deadline_row), width="100%", spacing="0",
                      role="list"),
            empty(t("staff_deadlines.none")),
        ),
        on_mount=StaffDeadlinesState.load, width="100%", spacing="2", id="staff-deadlines",
    )
