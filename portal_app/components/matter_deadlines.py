"""The Dates section of a matter: its open deadlines soonest first (overdue in red), with the rule
that dated each; staff add deadlines, change a date with a reason, and mark them done."""
from __future__ import annotations

from datetime import date

import reflex as rx

from portal_app.components.deadline_views import rows
from portal_app.components.i18n import t
from portal_app.components.ui import empty, error_callout, notice_callout
from portal_app.services.kernel import policy
from portal_app.services.matters import deadlines
from portal_app.state import WidgetState, run


def _date(value: object) -> date | None:
    text = str(value or "").strip()
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


class MatterDeadlinesState(WidgetState, rx.State):
    items: list[dict[str, str]] = []
    may_edit: bool = False

    async def _refresh(self, actor) -> None:
        found = await run(deadlines.for_matter, actor, self._url_segment())
        self.items = [{**row, "rule": d.rule, "overridden": "yes" if d.overridden else "",
                       "reason": d.override_reason, "visible": "yes" if d.client_visible and actor.is_staff else ""}
                      for row, d in zip(rows(found, actor.locale), found)]
        self.may_edit = policy.role_allows(actor.role, "deadline.edit")

    @rx.event
    async def load(self):
        self.error, self.notice, self.items, self.may_edit = "", "", [], False
        return await self._load_page(self._refresh)

    @rx.event
    async def add(self, form: dict):
        visible = form.get("client_visible")
        return await self._act(
            deadlines.add, self._url_segment(), kind=str(form.get("kind", "")), title=str(form.get("title", "")),
            due_date=_date(form.get("due_date")), notice_date=_date(form.get("notice_date")),
            mailed=bool(form.get("mailed")), client_visible=None if visible is None else bool(visible),
            notice=t("deadlines.added"), then=self._refresh)

    @rx.event
    async def override(self, form: dict):
        new_date = _date(form.get("new_date"))
        if new_date is None:
            self.error = t("deadline.date_required")
            return None
        return await self._act(deadlines.override, str(form.get("deadline_id", "")), new_date,
                               str(form.get("reason", "")), notice=t("deadlines.overridden"), then=self._refresh)

    @rx.event
    async def complete(self, deadline_id: str):
        return await self._act(deadlines.complete, str(deadline_id), notice=t("deadlines.completed"),
                               then=self._refresh)


def _item(d: dict) -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(
            rx.text(d["date"], weight="bold", color=rx.cond(d["tone"] == "red", "var(--red-11)", "inherit")),
            rx.text(d["title"]), rx.badge(d["when"], color_scheme=d["tone"]),
            rx.cond(d["overridden"] != "", rx.badge(t("deadlines.overridden_badge"), color_scheme="purple")),
            rx.cond(d["visible"] != "", rx.badge(t("deadlines.visible_badge"), color_scheme="blue")),
            rx.spacer(),
            rx.cond(MatterDeadlinesState.may_edit,
                    rx.button(t("deadlines.complete"), size="1", variant="soft", type="button",
                              on_click=MatterDeadlinesState.complete(d["id"]))),
            wrap="wrap", align="center", width="100%"),
        rx.cond(MatterDeadlinesState.may_edit,
                rx.text(t("deadlines.rule"), ": ", d["rule"], rx.cond(d["reason"] != "", " · " + d["reason"], ""),
                        size="1", color_scheme="gray")),
        spacing="1", width="100%"), width="100%", class_name=rx.cond(d["tone"] == "red", "deadline overdue", "deadline"))


def _add_form() -> rx.Component:
    return rx.form(rx.vstack(
        rx.heading(t("deadlines.add"), size="3"),
        rx.hstack(
            rx.el.select(*[rx.el.option(label, value=code) for code, label in deadlines.kinds()], name="kind",
                         id="deadline-kind", style={"padding": "6px"}, aria_label=t("deadlines.kind")),
            rx.input(name="title", placeholder=t("deadlines.title_optional"), max_length=200),
            wrap="wrap", width="100%"),
        rx.hstack(
            rx.vstack(rx.text(t("deadlines.notice_date"), size="1"), rx.input(type="date", name="notice_date",
                                                                          aria_label=t("deadlines.notice_date")),
                      spacing="1"),
            rx.vstack(rx.text(t("deadlines.due_date"), size="1"), rx.input(type="date", name="due_date", id="deadline-due",
                                                                       aria_label=t("deadlines.due_date")),
                      spacing="1"),
            wrap="wrap"),
        rx.text(t("deadlines.due_hint"), size="1", color_scheme="gray"),
        rx.checkbox(t("deadlines.mailed"), name="mailed", default_checked=True),
        rx.button(t("deadlines.add"), type="submit", id="add-deadline"),
        spacing="2", width="100%"), on_submit=MatterDeadlinesState.add, reset_on_submit=True)


def _override_form() -> rx.Component:
    return rx.form(rx.vstack(
        rx.heading(t("deadlines.override"), size="3"),
        rx.el.select(rx.foreach(MatterDeadlinesState.items, lambda d: rx.el.option(d["date"] + " · " + d["title"],
                                                                                    value=d["id"])),
                     name="deadline_id", style={"padding": "6px"}, aria_label=t("deadlines.override")),
        rx.hstack(rx.input(type="date", name="new_date", required=True, aria_label=t("deadlines.new_date")),
                  rx.input(name="reason", placeholder=t("deadlines.reason"), required=True, min_length=5,
                           max_length=500, width="100%"), wrap="wrap", width="100%"),
        rx.button(t("deadlines.override"), type="submit", variant="soft"),
        spacing="2", width="100%"), on_submit=MatterDeadlinesState.override, reset_on_submit=True)


def matter_deadlines_section() -> rx.Component:
    return rx.vstack(
        notice_callout(MatterDeadlinesState.notice),
        error_callout(MatterDeadlinesState.error),
        rx.cond(MatterDeadlinesState.items.length() > 0,
                rx.vstack(rx.foreach(MatterDeadlinesState.items, _item), width="100%", spacing="2"),
                empty(t("client_home.no_deadlines"))),
        rx.cond(MatterDeadlinesState.may_edit, rx.vstack(
            _add_form(), rx.cond(MatterDeadlinesState.items.length() > 0, _override_form()), width="100%")),
        on_mount=MatterDeadlinesState.load, width="100%", spacing="3", id="matter-deadlines",
    )
