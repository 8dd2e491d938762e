"""Accept an invitation, or finish a password reset: both are a single-use link to set a password."""
from __future__ import annotations

import reflex as rx

from portal_app import client_address
from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import error_callout, field, stacked_form, submit_button
from portal_app.services.identity import invitations
from portal_app.services.kernel.errors import PortalError
from portal_app.state import run, sign_in_handoff, signed_out_locale


class SetPasswordState(rx.State):
    link_ok: bool = False
    link_error: str = ""
    purpose: str = ""
    email: str = ""
    full_name: str = ""
    error: str = ""
    busy: bool = False

    def _token(self) -> str:
        return str(self.router.url.path.rstrip("/").rsplit("/", 1)[-1])

    @rx.event
    async def load(self):
        self.error, self.busy = "", False
        locale = await signed_out_locale(self)
        try:
            info = await run(invitations.peek, self._token())
        except PortalError as exc:
            self.link_ok, self.link_error = False, exc.message(locale)
            return
        self.link_ok, self.link_error = True, ""
        self.purpose, self.email, self.full_name = info.purpose, info.email, info.full_name

    @rx.event(background=True)
    async def submit(self, form: dict):
        async with self:
            if self.busy:
                return
            self.busy, self.error = True, ""
            locale = await signed_out_locale(self)
            token, ip, agent = self._token(), client_address.from_router(self.router), self.router.headers.user_agent
        try:
            result = await run(invitations.accept, token, str(form.get("password", "")),
                               str(form.get("confirm", "")), ip=ip, user_agent=agent)
        except PortalError as exc:
            async with self:
                self.error, self.busy = exc.message(locale), False
            return
        return sign_in_handoff(result.exchange_token, result.home_path)


def _form() -> rx.Component:
    return rx.vstack(
        rx.heading(rx.cond(SetPasswordState.purpose == "invite", t("setpw.welcome_title"), t("setpw.reset_title")),
                   size="7"),
        rx.text(t("setpw.for_account"), " ", rx.text.strong(SetPasswordState.email)),
        rx.text(t("setpw.rules"), size="2", color_scheme="gray"),
        error_callout(SetPasswordState.error),
        stacked_form(
            rx.input(type="email", name="username", value=SetPasswordState.email, auto_complete="username",
                     read_only=True, display="none"),
            field(t("setpw.password"), "password", type_="password", autocomplete="new-password"),
            field(t("setpw.confirm"), "confirm", type_="password", autocomplete="new-password"),
            submit_button(t("setpw.submit"), size="3", width="100%", loading=SetPasswordState.busy,
                          id="set-password"),
            on_submit=SetPasswordState.submit,
        ),
        spacing="4",
        width="100%",
    )


def _bad_link() -> rx.Component:
    return rx.vstack(
        rx.heading(t("setpw.link_problem"), size="6"),
        rx.callout(SetPasswordState.link_error, icon="triangle_alert", color_scheme="red", id="link-error"),
        rx.link(t("setpw.go_sign_in"), href="/login"),
        spacing="4",
    )


def set_password_page() -> rx.Component:
    return shell(rx.cond(SetPasswordState.link_ok, _form(), rx.cond(SetPasswordState.link_error != "", _bad_link(),
                                                                     rx.spinner())), narrow=True)


def register(app: rx.App) -> None:
    for route in ("/invitation/[token]", "/reset/[token]"):
        app.add_page(set_password_page, route=route, title=t("setpw.page_title"), on_load=SetPasswordState.load)
