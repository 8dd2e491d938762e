"""Staff open a new matter: client (existing or new), case type, attorney, employer."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import FORM_SELECT_STYLE, error_callout, field, gated
from portal_app.services.matters import records as matters
from portal_app.services.matters.choices import NewClient, matter_choices
from portal_app.state import PageState, run

NEW = "new"


def _options(rows: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"id": key, "name": label} for key, label in rows]


class NewMatterState(PageState, rx.State):
    case_types: list[dict[str, str]] = []
    attorneys: list[dict[str, str]] = []
    clients: list[dict[str, str]] = []
    organizations: list[dict[str, str]] = []
    client_choice: str = NEW

    @rx.event
    async def load(self):
        self.error, self.client_choice = "", NEW
        return await self._load_page(self._fill)

    async def _fill(self, actor) -> None:
        choices = await run(matter_choices, actor)
        self.case_types, self.attorneys = _options(choices.case_types), _options(choices.attorneys)
        self.clients = [{"id": NEW, "name": t("new_matter.new_client")}] + _options(choices.clients)
        self.organizations = [{"id": "", "name": t("new_matter.no_employer")}] + _options(choices.organizations)

    @rx.event
    def set_client_choice(self, value: str):
        self.client_choice = str(value)

    @rx.event
    async def submit(self, form: dict):
        return await self._act(self._open, form)

    async def _open(self, actor, form: dict):
        existing = self.client_choice != NEW
        new_client = None if existing else NewClient(str(form.get("client_name", "")), str(form.get("client_email", "")))
        matter_id = await run(
            matters.open_matter, actor, case_type_code=str(form.get("case_type", "")),
            title=str(form.get("title", "")), client_id=self.client_choice if existing else None,
            new_client=new_client, responsible_attorney_id=str(form.get("attorney", "")) or None,
            organization_id=str(form.get("organization", "")) or None,
            shared_with_organization=form.get("shared") == "on", organization_pays=form.get("org_pays") == "on",
        )
        return rx.redirect(f"/matters/{matter_id}")


def _select(label: str, name: str, options, **props) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=name, style={"font-weight": "500", "font-size": "14px"}),
        rx.el.select(rx.foreach(options, lambda o: rx.el.option(o["name"], value=o["id"])), name=name, id=name,
                     style=FORM_SELECT_STYLE, **props),
        spacing="1", width="100%",
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.heading(t("new_matter.title"), size="7"),
        rx.text(t("new_matter.subtitle"), color_scheme="gray"),
        error_callout(NewMatterState.error),
        rx.form(
            rx.vstack(
                _select(t("new_matter.client"), "client", NewMatterState.clients, value=NewMatterState.client_choice,
                        on_change=NewMatterState.set_client_choice),
                rx.cond(NewMatterState.client_choice == NEW, rx.vstack(
                    field(t("new_matter.client_name"), "client_name", autocomplete="name", required=False),
                    field(t("new_matter.client_email"), "client_email", type_="email", required=False),
                    width="100%")),
                _select(t("new_matter.case_type"), "case_type", NewMatterState.case_types),
                field(t("new_matter.matter_title"), "title"),
                _select(t("new_matter.attorney"), "attorney", NewMatterState.attorneys),
                _select(t("new_matter.employer"), "organization", NewMatterState.organizations),
                rx.checkbox(t("new_matter.shared"), name="shared", size="2"),
                rx.checkbox(t("new_matter.org_pays"), name="org_pays", size="2"),
                rx.button(t("new_matter.submit"), type="submit", size="3", id="open-matter"),
                spacing="3", width="100%",
            ),
            on_submit=NewMatterState.submit, width="100%",
        ),
        spacing="4", width="100%", max_width="560px",
    )


def new_matter_page() -> rx.Component:
    return shell(gated(NewMatterState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(new_matter_page, route="/staff/matters/new", title=t("new_matter.title"), on_load=NewMatterState.load)
