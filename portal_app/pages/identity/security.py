"""My sign-in protection: whether an authenticator app guards my account; a client or HR contact
can add one here (staff set theirs up at their first sign-in). Recovery codes are shown once."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import error_callout, field, gated, notice_callout, stacked_form, submit_button
from portal_app.pages.identity.login import recovery_codes_view
from portal_app.services.identity import second_step
from portal_app.state import PageState, run


class SecurityState(PageState, rx.State):
    has_factor: bool = False
    adding: bool = False
    qr: str = ""
    secret: str = ""
    recovery_codes: list[str] = []
    _challenge: str = ""

    async def _fill(self, actor) -> None:
        self.has_factor = await run(second_step.has_own_factor, actor)

    @rx.event
    async def load(self):
        self.error, self.notice, self.adding, self.qr, self.secret, self.recovery_codes = "", "", False, "", "", []
        self._challenge = ""
        return await self._load_page(self._fill)

    @rx.event
    async def start(self):
        return await self._act(self._start)

    async def _start(self, actor) -> None:
        self._challenge, enrolment = await run(second_step.start_own, actor)
        self.adding, self.qr, self.secret = True, enrolment.qr_svg, enrolment.secret

    @rx.event
    async def confirm(self, form: dict):
        return await self._act(self._confirm, str(form.get("totp-code", "")))

    async def _confirm(self, actor, code: str) -> None:
        self.recovery_codes = await run(second_step.confirm_own, actor, self._challenge, code)
        self.adding, self.qr, self.secret, self._challenge = False, "", "", ""
        self.notice = t("security.added")
        await self._fill(actor)


def _adding() -> rx.Component:
    return rx.vstack(
        rx.text(t("mfa.enroll_intro"), size="2"),
        rx.image(src=SecurityState.qr, alt=t("mfa.qr_alt"), width="220px", height="220px", id="totp-qr"),
        rx.text(t("mfa.secret_label"), size="2"),
        rx.code(SecurityState.secret, id="totp-secret", style={"word-break": "break-all"}),
        stacked_form(
            field(t("mfa.code_label"), "totp-code", autocomplete="one-time-code", input_mode="numeric", max_length=20),
            submit_button(t("security.confirm"), size="3", width="100%", id="verify-code"),
            on_submit=SecurityState.confirm, reset_on_submit=True,
        ),
        spacing="3", width="100%",
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.heading(t("security.title"), size="7"),
        notice_callout(SecurityState.notice),
        error_callout(SecurityState.error),
        rx.cond(SecurityState.recovery_codes.length() > 0, recovery_codes_view(SecurityState.recovery_codes)),
        rx.cond(
            SecurityState.has_factor,
            rx.text(t("security.on"), id="factor-on"),
            rx.cond(SecurityState.adding, _adding(), rx.vstack(
                rx.text(t("security.off")),
                rx.button(t("security.add"), on_click=SecurityState.start, id="add-factor", type="button", size="3"),
                spacing="3")),
        ),
        spacing="4", width="100%", max_width="480px",
    )


def security_page() -> rx.Component:
    return shell(gated(SecurityState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(security_page, route="/account/security", title=t("security.title"), on_load=SecurityState.load)
