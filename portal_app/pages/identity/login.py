"""Sign in. The password is checked in a thread; success hands a single-use token to the
exchange route, which sets the HttpOnly session cookie."""
from __future__ import annotations

import reflex as rx

from portal_app import client_address
from portal_app.components.layout import signed_out_page
from portal_app.components.ui import field, stacked_form, submit_button
from portal_app.services.identity import auth
from portal_app.services.kernel.errors import PortalError
from portal_app.services.kernel.i18n import t
from portal_app.session_cookie import safe_next
from portal_app.state import run, sign_in_handoff

NOTICES = {"signed_out": "login.notice_signed_out", "link_expired": "login.notice_link_expired",
           "session_ended": "login.notice_session_ended"}


class LoginState(rx.State):
    error: str = ""
    notice: str = ""
    busy: bool = False

    @rx.event
    def load(self):
        key = NOTICES.get(self.router.url.query_parameters.get("notice", ""))
        self.notice, self.error, self.busy = (t(key) if key else ""), "", False

    @rx.event(background=True)
    async def submit(self, form: dict):
        async with self:
            if self.busy:
                return
            self.busy, self.error, self.notice = True, "", ""
            ip, agent = client_address.from_router(self.router), self.router.headers.user_agent
            wanted = self.router.url.query_parameters.get("next", "")
        try:
            result = await run(auth.sign_in, str(form.get("email", "")), str(form.get("password", "")),
                               ip=ip, user_agent=agent)
        except PortalError as exc:
            async with self:
                self.error, self.busy = exc.message(), False
            return
        target = safe_next(wanted, result.home_path)
        if target in ("/", "/login"):
            target = result.home_path
        return sign_in_handoff(result.exchange_token, target)


def login_page() -> rx.Component:
    return signed_out_page(t("login.title"), t("login.subtitle"), LoginState, stacked_form(
        field(t("login.email"), "email", type_="email", autocomplete="username"),
        field(t("login.password"), "password", type_="password", autocomplete="current-password"),
        submit_button(t("login.submit"), size="3", width="100%", loading=LoginState.busy, id="sign-in"),
        on_submit=LoginState.submit,
    ), rx.link(t("login.forgot"), href="/reset", size="2"))


def register(app: rx.App) -> None:
    app.add_page(login_page, route="/login", title=t("login.title"), on_load=LoginState.load)
