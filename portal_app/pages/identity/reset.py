"""Ask for a password reset link. The answer is the same whether or not the account exists."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import signed_out_page
from portal_app.components.ui import field, stacked_form, submit_button
from portal_app.services.identity import invitations
from portal_app.components.signed_out_form import SignedOutFormState


class ResetRequestState(SignedOutFormState, rx.State):
    @rx.event(background=True)
    async def submit(self, form: dict):
        sent = await self._send(invitations.request_reset, str(form.get("email", "")))
        if sent is not None:
            await self._sent(t("reset.sent", sent[1]))


def reset_request_page() -> rx.Component:
    return signed_out_page(t("reset.title"), t("reset.subtitle"), ResetRequestState, stacked_form(
        field(t("login.email"), "email", type_="email", autocomplete="username"),
        submit_button(t("reset.submit"), size="3", width="100%", loading=ResetRequestState.busy, id="send-reset"),
        on_submit=ResetRequestState.submit, reset_on_submit=True,
    ), rx.link(t("setpw.go_sign_in"), href="/login", size="2"))


def register(app: rx.App) -> None:
    app.add_page(reset_request_page, route="/reset", title=t("reset.title"), on_load=ResetRequestState.load)
