"""A matter's engagement letter, phone first: the letter's exact text and its SHA-256, then the
ESIGN disclosure in the reader's language, the consent box and the typed name. Signed: who, when and
from where, and the signed PDF. Staff see what the client sees, without the form."""
from __future__ import annotations

import reflex as rx

from portal_app import client_address
from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import card, error_callout, field, file_link, gated, notice_callout, submit_button
from portal_app.services.engagement import letters
from portal_app.services.files import links as file_links
from portal_app.services.kernel import localtime
from portal_app.state import PageState, run

PRE = {"white-space": "pre-wrap", "overflow-wrap": "anywhere"}


class EngagementState(PageState, rx.State):
    letter: dict[str, str] = {}
    may_sign: bool = False
    signed: bool = False
    pdf_url: str = ""

    async def _fill(self, actor) -> None:
        view = await run(letters.letter_for, actor, self._url_segment(2))
        when = localtime.shown_datetime(view.signed_at, actor.timezone or None, actor.locale) if view.signed_at else ""
        self.letter = {"matter_id": view.matter_id, "reference": view.reference, "matter_title": view.matter_title,
                       "client": view.client_name, "title": view.title, "text": view.text, "sha256": view.sha256,
                       "signed_name": view.signed_name, "signed_at": when, "signed_ip": view.signed_ip}
        self.may_sign, self.signed = view.may_sign, view.signed_at is not None
        self.pdf_url = await run(file_links.mint, actor, view.pdf_version_id) if view.pdf_version_id else ""

    @rx.event
    async def load(self):
        self.access, self.error, self.notice, self.letter, self.pdf_url = "checking", "", "", {}, ""
        return await self._load_page(self._fill)

    @rx.event
    async def sign(self, form: dict):
        ip = client_address.from_router(self.router)
        return await self._act(letters.sign, self.letter.get("matter_id", ""), shown_sha256=self.letter.get("sha256", ""),
                               typed_name=str(form.get("typed_name", "")), consent=bool(form.get("consent")), ip=ip,
                               notice=t("engagement.signed_notice"), then=self._fill)


def _letter() -> rx.Component:
    s = EngagementState
    return card(
        rx.heading(s.letter["title"], size="4", id="letter-title"),
        rx.el.div(s.letter["text"], id="letter-text", style={**PRE, "font-size": "15px", "line-height": "1.55"}),
        rx.divider(),
        rx.text(t("engagement.hash_label"), size="2", weight="medium"),
        rx.el.code(s.letter["sha256"], id="letter-hash", style={"overflow-wrap": "anywhere", "font-size": "13px"}),
        rx.text(t("engagement.hash_help"), size="1", color_scheme="gray"),
    )


def _signed() -> rx.Component:
    s = EngagementState
    return rx.vstack(
        rx.callout(t("engagement.signed_by", name=s.letter["signed_name"], when=s.letter["signed_at"],
                     address=s.letter["signed_ip"]), icon="circle_check", color_scheme="green", high_contrast=True,
                   width="100%", id="signed-by"),
        rx.cond(s.pdf_url != "", file_link(rx.hstack(rx.icon("download", size=16), t("engagement.download"),
                                                     align="center", spacing="2"),
                                           s.pdf_url, download=True, id="signed-pdf", weight="medium")),
        spacing="2", width="100%")


def _sign_form() -> rx.Component:
    s = EngagementState
    return card(
        rx.heading(t("engagement.esign_heading"), size="4"),
        rx.text(t("engagement.esign_disclosure"), size="2", style=PRE, id="esign-disclosure"),
        rx.form(rx.vstack(
            rx.el.label(rx.hstack(rx.el.input(type="checkbox", name="consent", id="consent",
                                              style={"width": "22px", "height": "22px", "flex-shrink": "0"}),
                                  rx.text(t("engagement.consent_label"), size="2"), align="start", spacing="2"),
                        html_for="consent"),
            field(t("engagement.name_label"), "typed_name", autocomplete="name", required=False,
                  hint=t("engagement.name_hint", name=s.letter["client"])),
            submit_button(t("engagement.sign"), id="sign-letter", size="3", width="100%"),
            spacing="3", width="100%"), on_submit=s.sign, width="100%"),
        id="sign-card",
    )


def _content() -> rx.Component:
    s = EngagementState
    return rx.vstack(
        rx.link(rx.hstack(rx.icon("arrow_left", size=16), rx.text(s.letter["reference"])),
                href="/matters/" + s.letter["matter_id"], size="2"),
        rx.heading(t("engagement.title"), size="6"),
        rx.text(s.letter["matter_title"], color_scheme="gray"),
        rx.cond(~s.signed, rx.text(rx.cond(s.may_sign, t("engagement.intro"), t("engagement.client_signs")), size="2")),
        error_callout(s.error), notice_callout(s.notice),
        rx.cond(s.signed, _signed()),
        _letter(),
        rx.cond(s.may_sign & ~s.signed, _sign_form()),
        rx.cond(~s.may_sign & ~s.signed, rx.text(t("engagement.not_signed"), size="2", color_scheme="gray")),
        spacing="3", width="100%", max_width="720px", margin="0 auto",
    )


def engagement_page() -> rx.Component:
    return shell(gated(EngagementState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(engagement_page, route="/matters/[matter_id]/engagement", title=t("engagement.title"),
                 on_load=EngagementState.load)
