"""The front door (/ sends each person to their home), the sign-out page, and the 404 page.

/logout never signs anyone out by being opened (a link on another site, a prefetch, a mail
scanner could): it shows a button, and the button POSTs from this page."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.state import PageState, SessionState


class EntryState(PageState, rx.State):
    @rx.event
    async def route_home(self):
        actor = await self._signed_in_actor()
        return rx.redirect(actor.home_path if actor else "/login", replace=True)


def index_page() -> rx.Component:
    return shell(rx.center(rx.spinner(size="3"), padding="48px"))


def logout_page() -> rx.Component:
    return shell(rx.vstack(
        rx.heading(t("nav.sign_out"), size="7"),
        rx.text(t("logout.intro")),
        rx.button(t("nav.sign_out"), on_click=SessionState.sign_out, id="confirm-sign-out", size="3", type="button"),
        rx.link(t("access.go_home"), href="/"),
        spacing="3", padding_y="32px",
    ), narrow=True)


def not_found_page() -> rx.Component:
    return shell(rx.vstack(
        rx.heading(t("notfound.title"), size="7", id="not-found"),
        rx.text(t("notfound.body")),
        rx.link(t("access.go_home"), href="/"),
        spacing="3", padding_y="32px",
    ))


def register(app: rx.App) -> None:
    app.add_page(index_page, route="/", title=t("app.title"), on_load=EntryState.route_home)
    app.add_page(logout_page, route="/logout", title=t("nav.sign_out"))
    app.add_page(not_found_page, route="404", title=t("notfound.title"))
