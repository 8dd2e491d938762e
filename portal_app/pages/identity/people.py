"""Administrators: everyone's role, and deactivating an account."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import data_table, error_callout, gated, notice_callout, their_text
from portal_app.services.identity import second_step, users
from portal_app.services.kernel import policy
from portal_app.state import PageState, run


class AdminUsersState(PageState, rx.State):
    rows: list[dict[str, str]] = []

    async def _fill(self, actor) -> None:
        self.rows = []
        found = await run(users.list_users, actor)
        self.rows = [{"id": u.id, "name": u.full_name, "email": u.email, "role": u.role,
                      "active": "yes" if u.is_active else ""} for u in found]

    @rx.event
    async def load(self):
        self.error, self.notice = "", ""
        return await self._load_page(self._fill)

    async def _change(self, fn, *args, done: str):
        # the list is read again whether or not it worked: it shows what is true now
        return await self._act(fn, *args, notice=done) or await self._load_page(self._fill)

    @rx.event
    async def change_role(self, user_id: str, role: str):
        return await self._change(users.change_role, str(user_id), str(role), done=t("admin.role_changed"))

    @rx.event
    async def reset_second_factor(self, user_id: str):
        return await self._change(second_step.reset_for, str(user_id), done=t("admin.factor_reset_done"))

    @rx.event
    async def toggle_active(self, user_id: str, active: str):
        return await self._change(users.set_active, str(user_id), active != "yes", done=t("admin.saved"))


def _row(u: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(their_text(u["name"])),
        rx.table.cell(u["email"]),
        rx.table.cell(rx.el.select(
            *[rx.el.option(t(f"role.{r}"), value=r) for r in policy.ROLES],
            value=u["role"], on_change=lambda role: AdminUsersState.change_role(u["id"], role),
            aria_label=t("admin.role"),
        )),
        rx.table.cell(rx.button(rx.cond(u["active"] == "yes", t("admin.deactivate"), t("admin.reactivate")),
                                size="1", variant="soft", type="button",
                                color_scheme=rx.cond(u["active"] == "yes", "red", "green"),
                                on_click=AdminUsersState.toggle_active(u["id"], u["active"]))),
        rx.table.cell(rx.button(t("admin.reset_factor"), size="1", variant="soft", type="button", color_scheme="gray",
                                on_click=AdminUsersState.reset_second_factor(u["id"]), class_name="reset-factor")),
        class_name="user-row",
    )


def _content() -> rx.Component:
    headers = [t("admin.col_name"), t("admin.col_email"), t("admin.role"), "", ""]
    return rx.vstack(
        rx.heading(t("admin.users_title"), size="7"),
        notice_callout(AdminUsersState.notice),
        error_callout(AdminUsersState.error),
        data_table(headers, AdminUsersState.rows, _row),
        spacing="4", width="100%",
    )


def admin_users_page() -> rx.Component:
    return shell(gated(AdminUsersState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(admin_users_page, route="/admin/users", title=t("admin.users_title"), on_load=AdminUsersState.load)
