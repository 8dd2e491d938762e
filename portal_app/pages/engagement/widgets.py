"""The client home's "engagement letter to sign" section: nothing at all once every open matter's
letter is signed. It loads itself when it appears, like the other home sections."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.services.engagement import letters
from portal_app.state import WidgetState, run


class EngagementToDoState(WidgetState, rx.State):
    rows: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        return await self._load_page(self._fill)

    async def _fill(self, actor) -> None:
        self.rows = [{"matter_id": w.matter_id, "reference": w.reference, "title": w.title}
                     for w in await run(letters.awaiting_signature, actor)]


def _row(w) -> rx.Component:
    return rx.link(rx.hstack(
        rx.icon("signature", size=20),
        rx.vstack(rx.text(t("engagement.home_item"), size="2", weight="medium"),
                  rx.text(w["title"], size="1"), rx.text(w["reference"], size="1", color_scheme="gray"),
                  spacing="0", flex="1"),
        rx.icon("chevron_right", size=18), align="center", width="100%",
    ), href="/matters/" + w["matter_id"] + "/engagement", underline="none", class_name="engagement-todo", width="100%")


def engagement_todo_section() -> rx.Component:
    s = EngagementToDoState
    return rx.box(rx.cond(s.rows.length() > 0, rx.vstack(
        rx.heading(t("engagement.home_heading"), size="4"),
        rx.vstack(rx.foreach(s.rows, _row), width="100%", spacing="2"),
        width="100%", spacing="2", id="engagement-todo")), on_mount=s.load, width="100%")
