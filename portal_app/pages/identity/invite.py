"""Staff invite a client or an employer's HR contact by e-mail."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import offered_languages, t
from portal_app.components.layout import shell
from portal_app.components.ui import FORM_SELECT_STYLE, error_callout, field, gated, notice_callout, views
from portal_app.services.identity import invitations
from portal_app.state import PageState, run

NEW_CLIENT = "new"


class InviteState(PageState, rx.State):
    kind: str = "client"
    client_choice: str = NEW_CLIENT
    clients: list[dict[str, str]] = []
    organizations: list[dict[str, str]] = []
    busy: bool = False

    async def _load_options(self, actor) -> None:
        options = await run(invitations.invite_options, actor)
        self.clients = [{"id": NEW_CLIENT, "name": t("invite.new_client")}] + [
            {"id": cid, "name": name} for cid, name in options.clients]
        self.organizations = [{"id": oid, "name": name} for oid, name in options.organizations]
        self.client_choice = NEW_CLIENT

    @rx.event
    async def load(self):
        self.error, self.notice, self.busy = "", "", False
        return await self._load_page(self._load_options)

    @rx.event
    def set_kind(self, value: str | list[str]):
        self.kind = "hr_liaison" if value == "hr_liaison" else "client"

    @rx.event
    def set_client_choice(self, value: str):
        self.client_choice = str(value)

    @rx.event
    async def submit(self, form: dict):
        return await self._act(self._invite, str(form.get("full_name", "")), str(form.get("email", "")), form,
                               then=self._load_options)

    async def _invite(self, actor, name: str, email: str, form: dict) -> None:
        if self.kind == "hr_liaison":
            sent = await run(invitations.invite_hr_contact, actor, full_name=name, email=email,
                             organization_id=str(form.get("organization_id", "")))
        else:
            chosen = None if self.client_choice == NEW_CLIENT else self.client_choice
            sent = await run(invitations.invite_client, actor, full_name=name, email=email,
                             language=str(form.get("language", "en")), client_id=chosen)
        self.notice = t("invite.sent", email=sent.email)


def _options(options) -> rx.Component:
    return rx.foreach(options, lambda o: rx.el.option(o["name"], value=o["id"]))


def _content() -> rx.Component:
    return rx.vstack(
        rx.heading(t("invite.title"), size="7"),
        rx.text(t("invite.subtitle"), color_scheme="gray"),
        notice_callout(InviteState.notice),
        error_callout(InviteState.error),
        views({"client": t("role.client"), "hr_liaison": t("role.hr_liaison")}, value=InviteState.kind,
              on_change=InviteState.set_kind, id="invite-kind"),
        rx.text(rx.cond(InviteState.kind == "client", t("invite.kind_client"), t("invite.kind_hr")), size="2"),
        rx.form(
            rx.vstack(
                rx.cond(InviteState.kind == "client",
                        rx.el.select(_options(InviteState.clients), name="client_id", id="client_id",
                                     value=InviteState.client_choice, on_change=InviteState.set_client_choice,
                                     style=FORM_SELECT_STYLE, aria_label=t("invite.which_client")),
                        rx.el.select(_options(InviteState.organizations), name="organization_id",
                                     id="organization_id", style=FORM_SELECT_STYLE,
                                     aria_label=t("invite.which_organization"))),
                field(t("invite.full_name"), "full_name", autocomplete="name"),
                field(t("invite.email"), "email", type_="email"),
                rx.el.select(*[rx.el.option(lang.name, value=lang.code, lang=lang.code) for lang in offered_languages()],
                             name="language", id="language", default_value="en",
                             style=FORM_SELECT_STYLE, aria_label=t("invite.language")),
                rx.button(t("invite.submit"), type="submit", size="3", loading=InviteState.busy, id="send-invite"),
                spacing="3", width="100%",
            ),
            on_submit=InviteState.submit, reset_on_submit=True, width="100%",
        ),
        spacing="4", width="100%", max_width="560px",
    )


def invite_page() -> rx.Component:
    return shell(gated(InviteState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(invite_page, route="/staff/invite", title=t("invite.title"), on_load=InviteState.load)
