"""On a matter's page, for the legal team: whether the matter is shared with its employer, and the
controls to share it (choosing the employer and whether it pays the invoices) or to stop sharing.
The section loads itself; for anyone who may not share, it stays empty."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.ui import FORM_SELECT_STYLE, card, confirm_button, error_callout, their_text
from portal_app.services.matters import sharing
from portal_app.state import WidgetState, run


class SharingState(WidgetState, rx.State):
    matter_id: str = ""
    may_share: bool = False
    shared: bool = False
    organization: str = ""
    organization_id: str = ""
    pays: bool = False
    choices: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        self.may_share, self.error = False, ""
        return await self._load_page(self._fill)

    async def _fill(self, actor) -> None:
        self.matter_id = self._url_segment()
        self._show(await run(sharing.sharing_of, actor, self.matter_id))

    def _show(self, view: sharing.Sharing) -> None:
        self.shared, self.pays = view.shared, view.organization_pays
        self.organization, self.organization_id = view.organization_name, view.organization_id
        self.choices = [{"id": key, "name": name} for key, name in view.organizations]
        self.may_share = True

    @rx.event
    async def share(self, form: dict):
        return await self._act(self._share, str(form.get("organization", "")), form.get("pays") == "on")

    async def _share(self, actor, organization_id: str, pays: bool):
        self._show(await run(sharing.share, actor, self.matter_id, organization_id, organization_pays=pays))
        return rx.toast.success(t("sharing.shared_notice", organization=self.organization))

    @rx.event
    async def unshare(self):
        return await self._act(self._unshare)

    async def _unshare(self, actor):
        self._show(await run(sharing.unshare, actor, self.matter_id))
        return rx.toast.success(t("sharing.unshared_notice"))


def _share_form() -> rx.Component:
    s = SharingState
    return rx.cond(s.choices.length() > 0, rx.form(rx.vstack(
        rx.el.label(t("sharing.employer_label"), html_for="share-organization",
                    style={"font-weight": "500", "font-size": "14px"}),
        rx.el.select(rx.foreach(s.choices, lambda o: rx.el.option(o["name"], value=o["id"])), name="organization",
                     id="share-organization", default_value=s.organization_id, style=FORM_SELECT_STYLE),
        rx.checkbox(t("sharing.pays"), name="pays", size="2", default_checked=s.pays, id="share-pays"),
        rx.button(t("sharing.share"), type="submit", size="2", id="share-matter"),
        spacing="2", width="100%", align="start"), on_submit=s.share, width="100%"),
        rx.text(t("sharing.no_organizations"), size="2", color_scheme="gray"))


def sharing_section() -> rx.Component:
    s = SharingState
    return rx.box(rx.cond(s.may_share, card(
        rx.heading(t("sharing.heading"), size="4"),
        error_callout(s.error),
        rx.cond(s.shared, rx.vstack(
            rx.hstack(rx.icon("building_2", size=16), rx.text(t("sharing.shared_with")), their_text(s.organization),
                      align="center", wrap="wrap", id="shared-with"),
            rx.cond(s.pays, rx.text(t("sharing.pays_yes"), size="2", color_scheme="gray")),
            confirm_button(rx.button(t("sharing.unshare"), type="button", size="2", variant="outline", color_scheme="red",
                                     id="unshare-matter"),
                           title=t("sharing.unshare"), body=t("sharing.unshare_body"),
                           confirm_label=t("sharing.unshare"), on_confirm=s.unshare, confirm_id="confirm-unshare"),
            spacing="2", width="100%"),
            rx.vstack(rx.text(t("sharing.not_shared"), size="2", id="not-shared"), _share_form(), width="100%")),
        id="sharing-card")), on_mount=s.load, width="100%")
