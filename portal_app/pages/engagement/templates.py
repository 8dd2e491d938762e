"""The firm's engagement letters for staff who edit templates: pick the firm's default or a case
type, edit its title and text (fields in braces are filled in from the matter), save; each save is a
new version, audited. Letters already signed keep the text that was signed."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import FORM_SELECT_STYLE, card, error_callout, gated, notice_callout
from portal_app.services.engagement import templates
from portal_app.services.kernel import policy
from portal_app.state import PageState, run


class EngagementTemplatesState(PageState, rx.State):
    rows: list[dict[str, str]] = []
    chosen: str = ""  # a case type id; "" = the firm's default

    async def _fill(self, actor) -> None:
        policy.require(actor, "template.edit")
        found = await run(templates.list_templates, actor)
        self.rows = [{"id": r.case_type_id, "title": r.title, "body": r.body, "version": str(r.version),
                      "label": (r.case_type or t("engagement.staff_default"))
                      + ("" if r.own else f" ({t('engagement.staff_uses_default')})")} for r in found]

    @rx.var
    def current(self) -> dict[str, str]:
        """The row being edited: the chosen case type's, else the firm's default (the first)."""
        return next((r for r in self.rows if r["id"] == self.chosen), self.rows[0] if self.rows else {})

    @rx.event
    async def load(self):
        self.access, self.error, self.notice, self.chosen = "checking", "", "", ""
        return await self._load_page(self._fill, staff=True)

    @rx.event
    def choose(self, case_type_id: str):
        self.chosen, self.error, self.notice = str(case_type_id), "", ""

    @rx.event
    async def save(self, form: dict):
        return await self._act(self._save, str(form.get("title", "")), str(form.get("body", "")))

    async def _save(self, actor, title: str, body: str) -> None:
        saved = await run(templates.save_template, actor, self.chosen, title, body)
        await self._fill(actor)
        self.notice = t("engagement.staff_saved", actor.locale, version=saved.version)


def _editor() -> rx.Component:
    s = EngagementTemplatesState
    return card(rx.form(rx.vstack(
        rx.el.label(t("engagement.staff_title_label"), html_for="letter-title-input", style={"font-weight": "500"}),
        rx.input(name="title", id="letter-title-input", default_value=s.current["title"], width="100%"),
        rx.el.label(t("engagement.staff_body_label"), html_for="letter-body", style={"font-weight": "500"}),
        rx.text_area(name="body", id="letter-body", default_value=s.current["body"], rows="18", width="100%"),
        rx.text(t("engagement.staff_version", version=s.current["version"]), size="1", color_scheme="gray"),
        rx.button(t("engagement.staff_save"), type="submit", id="save-letter"),
        spacing="2", width="100%"), on_submit=s.save, width="100%", key=s.chosen + s.current["version"]))


def _content() -> rx.Component:
    s = EngagementTemplatesState
    return rx.vstack(
        rx.heading(t("engagement.staff_title"), size="6"),
        rx.text(t("engagement.staff_intro", fields=", ".join("{" + f + "}" for f in templates.FIELDS)), size="2"),
        error_callout(s.error), notice_callout(s.notice),
        rx.el.label(t("engagement.staff_case_type"), html_for="letter-case-type", style={"font-weight": "500"}),
        rx.el.select(rx.foreach(s.rows, lambda r: rx.el.option(r["label"], value=r["id"])), id="letter-case-type",
                     value=s.chosen, on_change=s.choose, style=FORM_SELECT_STYLE),
        _editor(),
        spacing="3", width="100%", max_width="820px",
    )


def engagement_templates_page() -> rx.Component:
    return shell(gated(EngagementTemplatesState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(engagement_templates_page, route="/staff/engagement-letters", title=t("engagement.staff_title"),
                 on_load=EngagementTemplatesState.load)
