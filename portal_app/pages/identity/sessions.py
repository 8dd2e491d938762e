"""My sessions: where I am signed in, sign out any of them, change my password."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import data_table, error_callout, field, gated, notice_callout, submit_button
from portal_app.services.identity import sessions
from portal_app.services.kernel import localtime
from portal_app.state import PageState, run


class SessionsState(PageState, rx.State):
    rows: list[dict[str, str]] = []

    async def _fill(self, actor) -> None:
        found = await run(sessions.list_own, actor)
        self.rows = [{"id": r.id, "started": localtime.shown_datetime(r.created_at, actor.timezone, actor.locale),
                      "seen": localtime.shown_datetime(r.last_seen_at, actor.timezone, actor.locale), "ip": r.ip,
                      "agent": r.user_agent[:80], "current": "yes" if r.current else ""} for r in found]

    @rx.event
    async def load(self):
        self.error, self.notice = "", ""
        return await self._load_page(self._fill)

    @rx.event
    async def revoke(self, session_id: str):
        return await self._act(sessions.revoke_own, str(session_id), notice=t("sessions.revoked"), then=self._fill)

    @rx.event
    async def change_password(self, form: dict):
        return await self._act(self._change_password, *(str(form.get(k, "")) for k in ("current", "password", "confirm")))

    async def _change_password(self, actor, current: str, password: str, confirm: str) -> None:
        count = await run(sessions.change_password, actor, current, password, confirm)
        self.notice = t("sessions.password_changed", count=count)
        await self._fill(actor)


def _row(r: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(r["started"]), rx.table.cell(r["seen"]), rx.table.cell(r["ip"]),
        rx.table.cell(rx.text(r["agent"], size="1")),
        rx.table.cell(rx.cond(r["current"] != "", rx.badge(t("sessions.this_device")),
                              rx.button(t("sessions.sign_out"), size="1", variant="soft", color_scheme="red",
                                        on_click=SessionsState.revoke(r["id"]), type="button"))),
        class_name="session-row",
    )


def _content() -> rx.Component:
    header = [t(k) for k in ("sessions.col_started", "sessions.col_seen", "sessions.col_ip", "sessions.col_device", "")]
    return rx.vstack(
        rx.heading(t("sessions.title"), size="7"),
        notice_callout(SessionsState.notice),
        error_callout(SessionsState.error),
        data_table(header, SessionsState.rows, _row),
        rx.heading(t("sessions.change_password"), size="5"),
        rx.form(
            rx.vstack(
                field(t("sessions.current_password"), "current", type_="password", autocomplete="current-password"),
                field(t("setpw.password"), "password", type_="password", autocomplete="new-password",
                      hint=t("setpw.rules")),
                field(t("setpw.confirm"), "confirm", type_="password", autocomplete="new-password"),
                submit_button(t("sessions.change_password"), size="3", id="change-password"),
                spacing="3", width="100%", max_width="420px",
            ),
            on_submit=SessionsState.change_password, reset_on_submit=True, method="post",
        ),
        spacing="4", width="100%",
    )


def sessions_page() -> rx.Component:
    return shell(gated(SessionsState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(sessions_page, route="/account/sessions", title=t("sessions.title"), on_load=SessionsState.load)
