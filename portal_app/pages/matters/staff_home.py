"""Staff home: the matters I may see, with search."""
from __future__ import annotations

import reflex as rx

from portal_app.components.deadline_views import staff_deadlines_panel
from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import data_table, gated, reference_cell, their_text
from portal_app.pages.conversations.widgets import staff_messages_panel
from portal_app.services.matters import records as matters
from portal_app.state import PageState, run


class StaffHomeState(PageState, rx.State):
    search: str = ""
    rows: list[dict[str, str]] = []

    async def _fill(self, actor) -> None:
        self.rows = []
        found = await run(matters.staff_dashboard, actor, self.search)
        self.rows = [
            {"id": m.id, "reference": m.reference, "title": m.title, "client": m.client_name,
             "case_type": m.case_type, "status": t(f"matter.status.{m.status}"), "attorney": m.attorney_name}
            for m in found
        ]

    @rx.event
    async def load(self):
        self.search = ""
        return await self._load_page(self._fill)

    @rx.event
    async def set_search(self, value: str):
        self.search = str(value)[:100]
        return await self._load_page(self._fill)


def _row(m: dict) -> rx.Component:
    return rx.table.row(
        reference_cell(m["reference"], "/matters/" + m["id"]),
        rx.table.cell(their_text(m["client"])),
        rx.table.cell(m["case_type"]),
        rx.table.cell(m["status"]),
        rx.table.cell(m["attorney"]),
        class_name="matter-row",
    )


def _content() -> rx.Component:
    return rx.vstack(
        staff_deadlines_panel(),
        staff_messages_panel(),
        rx.heading(t("staff_home.title"), size="7"),
        rx.input(placeholder=t("staff_home.search"), value=StaffHomeState.search,
                 on_change=StaffHomeState.set_search.debounce(300), width="100%", size="3", id="matter-search",
                 type="search"),
        data_table([t(f"staff_home.col_{k}") for k in ("reference", "client", "case_type", "status", "attorney")],
                   StaffHomeState.rows, _row, none=t("staff_home.none")),
        spacing="4",
        width="100%",
    )


def staff_home_page() -> rx.Component:
    return shell(gated(StaffHomeState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(staff_home_page, route="/staff", title=t("staff_home.title"), on_load=StaffHomeState.load)
