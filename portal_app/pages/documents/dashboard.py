"""Staff checklist dashboard: every matter I may see with its document progress, what waits for
review, what is missing or overdue; filters by case type, attorney and status."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import SELECT_STYLE, data_table, gated, reference_cell, their_text
from portal_app.pages.documents.checklist_common import bar
from portal_app.services.documents import dashboard as checklist_dashboard
from portal_app.state import PageState, run


class ChecklistDashboardState(PageState, rx.State):
    rows: list[dict[str, str]] = []
    case_types: list[dict[str, str]] = []
    attorneys: list[dict[str, str]] = []
    case_type: str = ""
    attorney: str = ""
    status: str = ""

    async def _fill(self, actor) -> None:
        found = await run(checklist_dashboard.rows, actor, case_type=self.case_type, attorney=self.attorney,
                          status=self.status)
        options = await run(checklist_dashboard.filters, actor)
        self.rows = [{"id": r.matter_id, "reference": r.reference, "client": r.client, "case_type": r.case_type,
                      "attorney": r.attorney, "percent": str(r.percent_complete), "missing": str(r.missing),
                      "review": str(r.awaiting_review), "overdue": str(r.overdue), "total": str(r.total)}
                     for r in found]
        self.case_types = [{"value": c, "label": n} for c, n in options.case_types]
        self.attorneys = [{"value": i, "label": n} for i, n in options.attorneys]

    @rx.event
    async def load(self):
        self.case_type, self.attorney, self.status = "", "", ""
        return await self._load_page(self._fill)

    @rx.event
    async def set_filter(self, name: str, value: str):
        if name in ("case_type", "attorney", "status"):
            setattr(self, name, str(value)[:64])
        return await self._load_page(self._fill)


def _select(name: str, label: str, options, value) -> rx.Component:
    return rx.el.select(
        rx.el.option(label, value=""),
        rx.foreach(options, lambda o: rx.el.option(o["label"], value=o["value"])),
        value=value, on_change=lambda v: ChecklistDashboardState.set_filter(name, v), style=SELECT_STYLE,
        id=f"filter-{name}", aria_label=label,
    )


def _count(value, color: str) -> rx.Component:
    return rx.cond(value != "0", rx.badge(value, color_scheme=color), rx.text("0", color_scheme="gray", size="2"))


def _row(r) -> rx.Component:
    return rx.table.row(
        reference_cell(r["reference"], "/matters/" + r["id"] + "/checklist"),
        rx.table.cell(their_text(r["client"])), rx.table.cell(r["case_type"]), rx.table.cell(r["attorney"]),
        rx.table.cell(rx.hstack(rx.box(bar(r["percent"], label=r["reference"] + " · " + t("dashboard.col_complete")), width="80px"),
                                rx.text(r["percent"], "%", size="1"), align="center")),
        rx.table.cell(_count(r["review"], "blue")), rx.table.cell(_count(r["missing"], "gray")),
        rx.table.cell(_count(r["overdue"], "orange")),
        class_name="dashboard-row",
    )


def _content() -> rx.Component:
    s = ChecklistDashboardState
    statuses = [{"value": v, "label": t(f"dashboard.status.{v}")} for v in checklist_dashboard.STATUS_FILTERS]
    return rx.vstack(
        rx.hstack(rx.heading(t("dashboard.title"), size="7"), rx.spacer(),
                  rx.link(t("templates.title"), href="/staff/templates", size="2"), width="100%", align="center"),
        rx.hstack(_select("case_type", t("dashboard.all_case_types"), s.case_types, s.case_type),
                  _select("attorney", t("dashboard.all_attorneys"), s.attorneys, s.attorney),
                  _select("status", t("dashboard.any_status"), statuses, s.status), wrap="wrap", spacing="2"),
        data_table([t(f"dashboard.col_{k}") for k in ("reference", "client", "case_type", "attorney", "complete",
                                                      "review", "missing", "overdue")],
                   s.rows, _row, none=t("staff_home.none")),
        spacing="4", width="100%",
    )


def checklist_dashboard_page() -> rx.Component:
    return shell(gated(ChecklistDashboardState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(checklist_dashboard_page, route="/staff/checklists", title=t("dashboard.title"),
                 on_load=ChecklistDashboardState.load)
