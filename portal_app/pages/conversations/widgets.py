"""The small message sections other pages place: on the client's home, each matter's messages with
how many are new; on the staff dashboard, unread messages and threads needing a reply. Each loads
itself when it appears, so the host page only places the component."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.services.conversations import summaries
from portal_app.state import WidgetState, run


class ClientMessagesState(WidgetState, rx.State):
    rows: list[dict[str, str]] = []
    unread: int = 0

    @rx.event
    async def load(self):
        return await self._load_page(self._fill)

    async def _fill(self, actor) -> None:
        found = await run(summaries.by_matter, actor)
        self.rows = [{"matter_id": m.matter_id, "reference": m.reference, "title": m.title,
                      "unread": str(m.unread) if m.unread else ""} for m in found]
        self.unread = sum(m.unread for m in found)


def client_messages_section() -> rx.Component:
    s = ClientMessagesState
    return rx.vstack(
        rx.foreach(s.rows, lambda m: rx.link(rx.hstack(
            rx.icon("message_circle", size=16),
            rx.text(t("conversations.write_to_firm"), " · ", m["reference"], size="2", flex="1"),
            rx.cond(m["unread"] != "", rx.badge(m["unread"], " ", t("conversations.new"), color_scheme="blue",
                                                class_name="unread-count")),
            align="center", width="100%"), href="/matters/" + m["matter_id"] + "/messages", underline="none",
            class_name="matter-messages", width="100%")),
        width="100%", spacing="2", on_mount=s.load, id="client-messages",
    )


class StaffMessagesState(WidgetState, rx.State):
    unread: int = 0
    needs_reply: int = 0
    mine: int = 0

    @rx.event
    async def load(self):
        return await self._load_page(self._fill)

    async def _fill(self, actor) -> None:
        counts = await run(summaries.staff_counts, actor)
        self.unread, self.needs_reply, self.mine = counts.unread, counts.needs_reply, counts.assigned_to_me


def staff_messages_panel() -> rx.Component:
    s = StaffMessagesState
    return rx.link(rx.card(rx.hstack(
        rx.icon("message_circle", size=18),
        rx.text(t("conversations.dashboard_label"), weight="bold", size="2"),
        rx.badge(s.unread.to_string(), " ", t("conversations.unread"), color_scheme="blue", id="staff-unread"),
        rx.badge(s.needs_reply.to_string(), " ", t("conversations.need_reply"), color_scheme="orange", high_contrast=True,
                 id="staff-needs-reply"),
        rx.badge(s.mine.to_string(), " ", t("conversations.assigned_to_me"), color_scheme="gray"),
        wrap="wrap", align="center", spacing="2"), width="100%"),
        href="/staff/messages", underline="none", width="100%", on_mount=s.load, id="staff-messages")
