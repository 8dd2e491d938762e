"""Ask for a password reset link. The answer is the same whether or not the account exists."""
from __future__ import annotations

import reflex as rx

from portal_app import client_address
from portal_app.components.layout import shell
from portal_app.components.ui import error_callout, field, notice_callout
from portal_app.services.identity import invitations
from portal_app.services.kernel.errors import PortalError
from portal_app.services.kernel.i18n import t
from portal_app.state import run


class ResetRequestState(rx.State):
    error: str = ""
    notice: str = ""
    busy: bool = False

    @rx.event
    def load(self):
        self.error, self.notice, self.busy = "", "", False

    @rx.event(background=True)
    async def submit(self, form: dict):
        async with self:
            self.busy, self.error, self.notice = True, "", ""
            ip = client_address.from_router(self.router)
        try:
            await run(invitations.request_reset, str(form.get("email", "")), ip=ip)
        except PortalError as exc:
            async with self:
                self.error, self.busy = exc.message(), False
            return
        async with self:
            self.notice, self.busy = t("reset.sent"), False


def reset_request_page() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(t("reset.title"), size="7"),
            rx.text(t("reset.subtitle"), color_scheme="gray"),
            notice_callout(ResetRequestState.notice),
            error_callout(ResetRequestState.error),
            rx.form(
                rx.vstack(
                    field(t("login.email"), "email", type_="email", autocomplete="username"),
                    rx.button(t("reset.submit"), type="submit", size="3", width="100%",
                              loading=ResetRequestState.busy, id="send-reset"),
                    spacing="4", width="100%",
                ),
                on_submit=ResetRequestState.submit, reset_on_submit=True, width="100%",
            ),
            rx.link(t("setpw.go_sign_in"), href="/login", size="2"),
            spacing="4", width="100%",
        ),
        narrow=True,
    )


def register(app: rx.App) -> None:
    app.add_page(reset_request_page, route="/reset", title=t("reset.title"), on_load=ResetRequestState.load)
