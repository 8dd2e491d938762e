"""Staff inbox: the threads on my matters that need a reply (or that I have not read), the longest
waiting first; or those assigned to me."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import data_table, error_callout, gated, reference_cell, their_text, views
from portal_app.services.conversations import threads
from portal_app.services.kernel import localtime
from portal_app.state import PageState, run

VIEWS = ("needs_reply", "mine")


class InboxState(PageState, rx.State):
    view: str = "needs_reply"
    rows: list[dict[str, str]] = []

    async def _fill(self, actor) -> None:
        found = await run(threads.inbox, actor, self.view)
        self.rows = [{"matter_id": r.matter_id, "reference": r.reference, "client": r.client,
                      "needs_reply": t("conversations.needs_reply") if r.needs_reply else "",
                      "assignee": r.assignee or t("conversations.nobody"), "unread": str(r.unread) if r.unread else "",
                      "last": localtime.shown_datetime(r.last_message_at, actor.timezone or None, actor.locale)
                      if r.last_message_at else ""} for r in found]

    @rx.event
    async def load(self):
        self.view, self.error = "needs_reply", ""
        return await self._load_page(self._fill, staff=True)

    @rx.event
    async def show(self, view: str | list[str]):
        view = view[0] if isinstance(view, list) and view else view
        self.view = view if view in VIEWS else "needs_reply"
        return await self._load_page(self._fill, staff=True)


def _row(r: dict) -> rx.Component:
    return rx.table.row(
        reference_cell(r["reference"], "/matters/" + r["matter_id"] + "/messages"),
        rx.table.cell(their_text(r["client"])),
        rx.table.cell(rx.cond(r["needs_reply"] != "", rx.badge(r["needs_reply"], color_scheme="orange", high_contrast=True))),
        rx.table.cell(rx.cond(r["unread"] != "", rx.badge(r["unread"], color_scheme="blue", high_contrast=True))),
        rx.table.cell(r["assignee"]),
        rx.table.cell(r["last"]),
        class_name="inbox-row",
    )


def _content() -> rx.Component:
    header = [t(f"conversations.col_{k}") for k in ("matter", "client", "status", "unread", "assignee", "last")]
    return rx.vstack(
        rx.heading(t("conversations.inbox_title"), size="7"),
        views({v: t(f"conversations.view_{v}") for v in VIEWS}, value=InboxState.view, on_change=InboxState.show,
              id="inbox-views"),
        error_callout(InboxState.error),
        data_table(header, InboxState.rows, _row, none=t("conversations.inbox_none")),
        spacing="4", width="100%",
    )


def inbox_page() -> rx.Component:
    return shell(gated(InboxState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(inbox_page, route="/staff/messages", title=t("conversations.inbox_title"), on_load=InboxState.load)
