"""Admin: the firm's support settings, one row per topic: who requests go to and the SLA in hours."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import FORM_SELECT_STYLE, error_callout, gated, notice_callout
from portal_app.services.support import topics
from portal_app.state import PageState, run


class SupportSettingsState(PageState, rx.State):
    rows: list[dict[str, str]] = []
    people: list[dict[str, str]] = []

    async def _fill(self, actor) -> None:
        found = await run(topics.get, actor)
        self.rows = [{"topic": x.topic, "label": t(f"support.topic.{x.topic}", actor.locale),
                      "assignee_id": x.assignee_id, "hours": str(x.sla_hours)} for x in found.topics]
        self.people = [{"id": uid, "name": name} for uid, name in found.people]

    @rx.event
    async def load(self):
        self.error, self.notice = "", ""
        return await self._load_page(self._fill, staff=True)

    @rx.event
    async def save(self, form: dict):
        return await self._act(topics.update, str(form.get("topic", "")), str(form.get("assignee", "")),
                               str(form.get("hours", "")), notice=t("support.settings_saved"), then=self._fill)


def _row(r) -> rx.Component:
    return rx.form(rx.hstack(
        rx.el.input(type="hidden", name="topic", value=r["topic"]),
        rx.text(r["label"], weight="medium", min_width="140px"),
        rx.el.select(rx.foreach(SupportSettingsState.people, lambda p: rx.el.option(p["name"], value=p["id"])),
                     name="assignee", default_value=r["assignee_id"], aria_label=t("support.routed_to"),
                     style={**FORM_SELECT_STYLE, "width": "auto"}, key=r["topic"] + r["assignee_id"]),
        rx.input(name="hours", default_value=r["hours"], type="number", min="1", max="720", width="90px",
                 aria_label=t("support.sla_hours"), key=r["topic"] + r["hours"]),
        rx.text(t("support.hours"), size="2"),
        rx.button(t("support.settings_save"), type="submit", size="2", variant="soft"),
        wrap="wrap", align="center", spacing="3"), on_submit=SupportSettingsState.save,
        id="topic-" + r["topic"], width="100%")


def _content() -> rx.Component:
    s = SupportSettingsState
    return rx.vstack(
        rx.heading(t("support.settings_title"), size="7"),
        rx.text(t("support.settings_intro"), color_scheme="gray"),
        notice_callout(s.notice), error_callout(s.error),
        rx.foreach(s.rows, _row),
        spacing="4", width="100%",
    )


def support_settings_page() -> rx.Component:
    return shell(gated(SupportSettingsState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(support_settings_page, route="/admin/support", title=t("support.settings_title"),
                 on_load=SupportSettingsState.load)
