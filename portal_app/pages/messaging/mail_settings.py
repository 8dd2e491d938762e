"""Mail settings for everyone: reminders about documents and invoices on or off (legal-deadline
notices always go), time zone and language of their mail."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import error_callout, gated, notice_callout
from portal_app.services.kernel import i18n
from portal_app.services.messaging import preferences
from portal_app.state import PageState, run


class MailSettingsState(PageState, rx.State):
    reminders_on: bool = True
    timezone: str = ""
    locale: str = "en"
    zones: list[str] = []
    locales: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        self.error, self.notice = "", ""
        return await self._load_page(self._fill)

    async def _fill(self, actor) -> None:
        got = await run(preferences.get, actor)
        self.reminders_on, self.timezone, self.locale = not got.reminders_off, got.timezone, got.locale
        self.zones = list(got.zones)
        self.locales = [{"code": code, "label": i18n.language(code).name} for code in got.locales]

    @rx.event
    def set_reminders_on(self, value: bool):
        self.reminders_on = bool(value)

    @rx.event
    def set_timezone(self, value: str):
        self.timezone = str(value)[:64]

    @rx.event
    def set_locale(self, value: str):
        self.locale = str(value)[:16]

    @rx.event
    async def save(self, _form: dict):
        """Saves what the controls' own change events put in the state, each sent before this one on
        the same socket. The form's copy of a select can still hold the old value, which React puts
        back while the change is on its way: a language chosen and Save tapped at once saved English."""
        return await self._act(self._save, notice=t("prefs.saved"))

    async def _save(self, actor) -> None:
        await run(preferences.update, actor, reminders_off=not self.reminders_on, timezone=self.timezone,
                  locale=self.locale)


def _content() -> rx.Component:
    return rx.vstack(
        rx.heading(t("prefs.title"), size="7"),
        notice_callout(MailSettingsState.notice), error_callout(MailSettingsState.error),
        rx.form(rx.vstack(
            rx.checkbox(t("prefs.reminders"), checked=MailSettingsState.reminders_on,
                        on_change=MailSettingsState.set_reminders_on, name="reminders", size="3"),
            rx.text(t("prefs.reminders_hint"), size="2", color_scheme="gray"),
            rx.el.label(t("prefs.timezone"), html_for="timezone", style={"font-weight": "500"}),
            rx.el.select(rx.foreach(MailSettingsState.zones, lambda z: rx.el.option(z, value=z)), name="timezone",
                         id="timezone", value=MailSettingsState.timezone, style={"padding": "8px", "max-width": "100%"},
                         on_change=MailSettingsState.set_timezone),
            rx.el.label(t("prefs.language"), html_for="locale", style={"font-weight": "500"}),
            rx.el.select(rx.foreach(MailSettingsState.locales, lambda lang: rx.el.option(lang["label"], value=lang["code"])),
                         name="locale", id="locale", value=MailSettingsState.locale, style={"padding": "8px", "max-width": "100%"},
                         on_change=MailSettingsState.set_locale),
            rx.text(t("prefs.quiet"), size="2", color_scheme="gray"),
            rx.button(t("prefs.save"), type="submit", size="3", id="save-mail-settings"),
            spacing="3", width="100%", max_width="480px"),
            on_submit=MailSettingsState.save),
        spacing="4", width="100%",
    )


def mail_settings_page() -> rx.Component:
    return shell(gated(MailSettingsState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(mail_settings_page, route="/account/mail", title=t("prefs.title"), on_load=MailSettingsState.load)
