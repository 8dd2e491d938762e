"""'I need help' for someone who cannot sign in: e-mail, name, topic, what happened. The answer is
the same whether or not the e-mail has an account; too many requests from one place wait a while."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import signed_out_page
from portal_app.components.ui import field, stacked_form
from portal_app.pages.support.common import body_field, topic_select
from portal_app.services.support import requests as support
from portal_app.components.signed_out_form import SignedOutFormState


class HelpState(SignedOutFormState, rx.State):
    @rx.event(background=True)
    async def submit(self, form: dict):
        sent = await self._send(support.submit_signed_out, str(form.get("email", "")), str(form.get("name", "")),
                                str(form.get("topic", "")), str(form.get("body", "")))
        if sent is not None:
            receipt, locale = sent
            await self._sent(t("support.received_signed_out", locale, reference=receipt.reference))


def help_page() -> rx.Component:
    return signed_out_page(t("support.title"), t("support.intro_signed_out"), HelpState, stacked_form(
        field(t("support.email"), "email", type_="email", autocomplete="email"),
        field(t("support.name"), "name", autocomplete="name", required=False),
        topic_select(), body_field(),
        rx.button(t("support.send"), type="submit", size="3", width="100%", loading=HelpState.busy, id="support-send"),
        on_submit=HelpState.submit, reset_on_submit=True,
    ), rx.link(t("support.back_to_sign_in"), href="/login", size="2"), help_link=False)


def register(app: rx.App) -> None:
    app.add_page(help_page, route="/help", title=t("support.title"), on_load=HelpState.load)
