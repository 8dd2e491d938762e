"""Sign in: the password, then (for a person with a second factor, and for every staff member) the
authenticator's code, or for staff without one yet its set-up and recovery codes. Every check runs
in a thread; success hands a single-use token to the exchange route (POST), which sets the
HttpOnly session cookie. The challenge between the steps stays on the server (a backend var)."""
from __future__ import annotations

import reflex as rx

from portal_app import client_address
from portal_app.components.i18n import t
from portal_app.components.layout import signed_out_page
from portal_app.components.ui import field, stacked_form, submit_button
from portal_app.services.identity import auth, second_step
from portal_app.services.kernel.errors import InvalidLink, PortalError
from portal_app.session_cookie import device_from_header, safe_next
from portal_app.state import run, sign_in_handoff, signed_out_locale

NOTICES = {"signed_out": "login.notice_signed_out", "link_expired": "login.notice_link_expired",
           "session_ended": "login.notice_session_ended"}


class LoginState(rx.State):
    error: str = ""
    notice: str = ""
    busy: bool = False
    step: str = ""  # "" (password) | "verify" | "enroll" | "codes"
    qr: str = ""
    secret: str = ""
    recovery_codes: list[str] = []
    _challenge: str = ""
    _handoff: tuple[str, str] = ("", "")

    def _start_over(self) -> None:
        self.step, self.qr, self.secret, self.recovery_codes = "", "", "", []
        self._challenge, self._handoff = "", ("", "")

    @rx.event
    async def load(self):
        await signed_out_locale(self)
        key = NOTICES.get(self.router.url.query_parameters.get("notice", ""))
        self.notice, self.error, self.busy = (t(key) if key else ""), "", False
        self._start_over()

    @rx.event
    def start_over(self):
        self.error, self.notice = "", ""
        self._start_over()

    def _target(self, home_path: str) -> str:
        target = safe_next(self.router.url.query_parameters.get("next", ""), home_path)
        return home_path if target in ("/", "/login") else target

    @rx.event(background=True)
    async def submit(self, form: dict):
        async with self:
            if self.busy:
                return
            self.busy, self.error, self.notice = True, "", ""
            locale = await signed_out_locale(self)
            ip, agent = client_address.from_router(self.router), self.router.headers.user_agent
            device = device_from_header(self.router.headers.cookie)
        try:
            result = await run(auth.sign_in, str(form.get("email", "")), str(form.get("password", "")),
                               ip=ip, user_agent=agent, device=device)
            enrolment = await run(second_step.enrolment, result.challenge) if result.step == "enroll" else None
        except PortalError as exc:
            async with self:
                self.error, self.busy = exc.message(locale), False
            return
        async with self:
            self.busy = False
            if not result.step:
                return sign_in_handoff(result.exchange_token, self._target(result.home_path))
            self.step, self._challenge = result.step, result.challenge
            if enrolment is not None:
                self.qr, self.secret = enrolment.qr_svg, enrolment.secret

    @rx.event(background=True)
    async def submit_code(self, form: dict):
        async with self:
            if self.busy:
                return
            self.busy, self.error = True, ""
            step, challenge = self.step, self._challenge
            locale = await signed_out_locale(self)
        code = str(form.get("totp-code", ""))
        try:
            if step == "enroll":
                enrolled = await run(second_step.finish_enrolment, challenge, code)
                signed = enrolled.sign_in
            else:
                enrolled, signed = None, await run(second_step.verify, challenge, code)
        except PortalError as exc:
            async with self:
                self.error, self.busy = exc.message(locale), False
                if isinstance(exc, InvalidLink):
                    self._start_over()
            return
        async with self:
            self.busy, self._challenge, self.qr, self.secret = False, "", "", ""
            if enrolled is None:
                self.step = ""
                return sign_in_handoff(signed.exchange_token, self._target(signed.home_path))
            self.step, self.recovery_codes = "codes", enrolled.recovery_codes
            self._handoff = (signed.exchange_token, self._target(signed.home_path))

    @rx.event
    def codes_kept(self):
        token, target = self._handoff
        self._start_over()  # nothing of this stays in the tab's state
        return sign_in_handoff(token, target)


def _password_form() -> rx.Component:
    return stacked_form(
        field(t("login.email"), "email", type_="email", autocomplete="username"),
        field(t("login.password"), "password", type_="password", autocomplete="current-password"),
        submit_button(t("login.submit"), size="3", width="100%", loading=LoginState.busy, id="sign-in"),
        on_submit=LoginState.submit,
    )


def _code_form(button: str) -> rx.Component:
    return stacked_form(
        field(t("mfa.code_label"), "totp-code", autocomplete="one-time-code", input_mode="numeric", max_length=20),
        submit_button(button, size="3", width="100%", loading=LoginState.busy, id="verify-code"),
        on_submit=LoginState.submit_code, reset_on_submit=True,
    )


def _verify() -> rx.Component:
    return rx.vstack(rx.heading(t("mfa.verify_title"), size="5"), rx.text(t("mfa.verify_intro"), size="2"),
                     _code_form(t("mfa.verify_submit")), spacing="3", width="100%")


def _enroll() -> rx.Component:
    return rx.vstack(
        rx.heading(t("mfa.enroll_title"), size="5"), rx.text(t("mfa.enroll_intro"), size="2"),
        rx.image(src=LoginState.qr, alt=t("mfa.qr_alt"), width="220px", height="220px", id="totp-qr"),
        rx.text(t("mfa.secret_label"), size="2"),
        rx.code(LoginState.secret, id="totp-secret", style={"word-break": "break-all"}),
        _code_form(t("mfa.enroll_submit")), spacing="3", width="100%",
    )


def recovery_codes_view(codes) -> rx.Component:
    return rx.vstack(
        rx.heading(t("mfa.codes_title"), size="5"), rx.text(t("mfa.codes_intro"), size="2"),
        rx.el.ul(rx.foreach(codes, lambda c: rx.el.li(rx.code(c), class_name="recovery-code")),
                 id="recovery-codes", style={"list-style": "none", "padding": "0", "margin": "0", "columns": "2"}),
        spacing="3", width="100%",
    )


def _steps() -> rx.Component:
    """The password form stays mounted (only hidden) while a later step shows: a tab coming back to
    /login first shows its last step until the page's load starts over, and a form put back then
    would drop what the person had typed meanwhile (the browser then refuses the empty e-mail)."""
    later = rx.match(
        LoginState.step,
        ("verify", _verify()),
        ("enroll", _enroll()),
        ("codes", rx.vstack(recovery_codes_view(LoginState.recovery_codes),
                            rx.button(t("mfa.codes_continue"), on_click=LoginState.codes_kept, size="3", width="100%",
                                      id="codes-continue", type="button"), width="100%")),
        rx.fragment(),
    )
    return rx.fragment(rx.box(_password_form(), display=rx.cond(LoginState.step == "", "block", "none"),
                              width="100%"), later)


def login_page() -> rx.Component:
    again = rx.match(LoginState.step,
                     ("", rx.link(t("login.forgot"), href="/reset", size="2")),
                     ("codes", rx.fragment()),  # the authenticator is on: only "continue" leads on
                     rx.link(t("mfa.start_over"), on_click=LoginState.start_over, size="2", href="#", id="start-over"))
    return signed_out_page(t("login.title"), t("login.subtitle"), LoginState, _steps(), again)


def register(app: rx.App) -> None:
    app.add_page(login_page, route="/login", title=t("login.title"), on_load=LoginState.load)
