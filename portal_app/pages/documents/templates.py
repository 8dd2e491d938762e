"""Staff edit the checklist template of a case type: change an item, add one, remove one. Each
save is a new, audited version; matters already open keep the items they were opened with."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import SELECT_STYLE, confirm_button, data_table, error_callout, gated, notice_callout
from portal_app.pages.documents.item_form import BLANK, item_fields, item_inputs
from portal_app.services.documents import templates
from portal_app.state import PageState, run


class TemplateEditorState(PageState, rx.State):
    case_types: list[dict[str, str]] = []
    code: str = ""
    name: str = ""
    version: int = 0
    items: list[dict[str, str]] = []
    editing: dict[str, str] = {}

    async def _refresh(self, actor) -> None:
        if not self.code:
            return
        view = await run(templates.get, actor, self.code)
        self.name, self.version = view.case_type_name, view.version
        self.items = [{"key": i.key, "title": i.title, "why": i.why, "example": i.example,
                       "types": ",".join(i.accepted_types), "max_mb": str(i.max_mb), "naming": i.naming_convention,
                       "provided_by": i.provided_by, "expires": "yes" if i.expires else "", "condition": i.condition,
                       "wet_ink": "yes" if i.signing == "wet_ink" else ""}
                      for i in view.items]

    @rx.event
    async def load(self):
        self.access, self.error, self.notice, self.editing = "checking", "", "", {}
        return await self._load_page(self._open)

    async def _open(self, actor) -> None:
        self.case_types = [{"value": c, "label": n} for c, n in await run(templates.case_types, actor)]
        self.code = self.code or (self.case_types[0]["value"] if self.case_types else "")
        await self._refresh(actor)

    @rx.event
    async def choose(self, code: str):
        self.code, self.editing = str(code)[:32], {}
        return await self._act(self._refresh)

    @rx.event
    def edit(self, key: str):
        self.editing = next((i for i in self.items if i["key"] == key), {})
        self.error, self.notice = "", ""

    @rx.event
    def new_item(self):
        self.editing = dict(BLANK)

    async def _new_version(self, actor, fn, *args) -> None:
        """Every change to a template makes a new version of it."""
        version = await run(fn, actor, self.code, *args, self.version)
        self.notice, self.editing = t("templates.saved", version=version), {}
        await self._refresh(actor)

    @rx.event
    async def save(self, form: dict):
        return await self._act(self._new_version, templates.save_item, self.editing.get("key", ""), item_fields(form))

    @rx.event
    async def remove(self, key: str):
        return await self._act(self._new_version, templates.remove_item, str(key))


def _editor() -> rx.Component:
    e, s = TemplateEditorState.editing, TemplateEditorState
    return rx.cond(e.contains("key"), rx.card(rx.form(rx.vstack(
        rx.heading(rx.cond(e["key"] != "", t("templates.edit_item"), t("templates.add_item")), size="3"),
        *item_inputs(e),
        rx.hstack(rx.button(t("templates.save"), type="submit", id="save-item"),
                  rx.button(t("templates.cancel"), type="button", variant="soft", on_click=s.edit(""))),
        spacing="2", width="100%"), on_submit=s.save, width="100%", key=e["key"]), width="100%"))


def _item(i) -> rx.Component:
    s = TemplateEditorState
    return rx.table.row(
        rx.table.cell(rx.text(i["title"], weight="medium"), rx.text(i["condition"], size="1", color_scheme="gray")),
        rx.table.cell(i["provided_by"]), rx.table.cell(i["types"]), rx.table.cell(i["max_mb"], " MB"),
        rx.table.cell(rx.cond(i["expires"] != "", "✓", "")),
        rx.table.cell(rx.hstack(
            rx.button(t("templates.edit"), size="1", variant="outline", type="button", on_click=s.edit(i["key"])),
            confirm_button(rx.button(t("review.remove"), size="1", variant="ghost", color_scheme="red", type="button",
                                     class_name="remove-template-item"),
                           title=t("confirm.remove_template_item_title"), body=t("confirm.remove_template_item_body"),
                           confirm_label=t("review.remove"), on_confirm=s.remove(i["key"])))),
        class_name="template-item",
    )


def _content() -> rx.Component:
    s = TemplateEditorState
    return rx.vstack(
        rx.heading(t("templates.title"), size="7"),
        rx.link(t("engagement.staff_link"), href="/staff/engagement-letters", size="2", id="engagement-letters-link"),
        rx.hstack(rx.el.select(rx.foreach(s.case_types, lambda o: rx.el.option(o["label"], value=o["value"])),
                               value=s.code, on_change=s.choose, style=SELECT_STYLE, id="template-case-type",
                               aria_label=t("templates.case_type")),
                  rx.text(t("templates.version"), " ", s.version, size="2", color_scheme="gray"),
                  rx.button(t("templates.add_item"), size="2", type="button", on_click=s.new_item), wrap="wrap",
                  align="center"),
        error_callout(s.error), notice_callout(s.notice), _editor(),
        data_table([t(f"templates.col_{k}") for k in ("item", "provided_by", "types", "size", "expires")] + [""],
                   s.items, _item),
        spacing="4", width="100%",
    )


def template_editor_page() -> rx.Component:
    return shell(gated(TemplateEditorState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(template_editor_page, route="/staff/templates", title=t("templates.title"),
                 on_load=TemplateEditorState.load)
