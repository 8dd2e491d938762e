"""/staff/insights, for partners and admins: the firm's figures for a period, a case type and an
attorney, the pilot cohort beside the rest, as charts and tables, and the same figures as CSV."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import error_callout, gated, notice_callout
from portal_app.pages.insights.cells import cell, chart_label
from portal_app.pages.insights.figures_view import figure_section
from portal_app.services.insights import cohort, filters, report
from portal_app.services.kernel.clock import utcnow
from portal_app.state import PageState, run

KEYS = ("adoption", "completeness", "payment", "support", "filing", "reminders")


class InsightsState(PageState, rx.State):
    form: dict[str, str] = {}
    rows: dict[str, list[dict[str, str]]] = {}
    charts: dict[str, list[dict[str, str | float]]] = {}
    case_types: list[list[str]] = []
    attorneys: list[list[str]] = []
    pilot: list[str] = []
    computed: str = ""
    _csv: str = ""

    async def _compute(self, actor, f: filters.Filters) -> None:
        r = await run(report.compute, actor, f)
        locale = actor.locale
        self.rows = {k: [{c: cell(c, row.get(c), locale) for c in r.figure(k).columns} for row in r.figure(k).rows]
                     for k in KEYS}
        self.charts = {k: [{**point, "label": chart_label(k, point["label"], locale)} for point in r.figure(k).chart]
                       for k in KEYS}
        self.case_types = [[code, name] for code, name in r.case_types]
        self.attorneys = [[uid, name] for uid, name in r.attorneys]
        self.pilot = await run(cohort.pilot_references, actor)
        self.form = {"start": f.start.isoformat(), "end": f.end.isoformat(), "case_type": f.case_type,
                     "attorney": f.attorney_id}
        self.computed = t("insights.computed", matters=r.pilot_matters)
        self._csv = report.to_csv(r)

    @rx.event
    async def load(self):
        self.access, self.error, self.notice = "checking", "", ""
        return await self._load_page(self._default_period)

    async def _default_period(self, actor) -> None:
        await self._compute(actor, filters.default_period(utcnow()))

    @rx.event
    async def apply(self, form: dict):
        return await self._act(self._apply, form)

    async def _apply(self, actor, form: dict) -> None:
        chosen = filters.parse(form.get("start", ""), form.get("end", ""), form.get("case_type", ""),
                               form.get("attorney", ""))
        await self._compute(actor, chosen)

    @rx.event
    async def tag(self, form: dict):
        return await self._act(self._tag, form)

    async def _tag(self, actor, form: dict) -> None:
        adding = form.get("action", "add") != "remove"
        await run(cohort.set_pilot, actor, str(form.get("reference", "")), adding)
        await self._compute(actor, filters.parse(self.form["start"], self.form["end"], self.form["case_type"],
                                                 self.form["attorney"]))
        self.notice = t("insights.pilot_added" if adding else "insights.pilot_removed")

    @rx.event
    def download_csv(self):
        return rx.download(data=self._csv, filename=f"insights_{self.form.get('start', '')}_{self.form.get('end', '')}.csv")


def _filters() -> rx.Component:
    s = InsightsState
    label = lambda text, child: rx.vstack(rx.text(text, size="1", weight="medium"), child, spacing="1")  # noqa: E731
    select_style = {"padding": "6px", "border-radius": "6px", "border": "1px solid #ccc", "min-width": "160px"}
    return rx.form(rx.hstack(
        label(t("insights.from"), rx.input(name="start", type="date", default_value=s.form["start"], id="from",
                                           aria_label=t("insights.from"))),
        label(t("insights.to"), rx.input(name="end", type="date", default_value=s.form["end"], id="to",
                                         aria_label=t("insights.to"))),
        label(t("insights.case_type"), rx.el.select(
            rx.el.option(t("insights.all"), value=""),
            rx.foreach(s.case_types, lambda c: rx.el.option(c[1], value=c[0])),
            name="case_type", id="case-type", style=select_style, aria_label=t("insights.case_type"))),
        label(t("insights.attorney"), rx.el.select(
            rx.el.option(t("insights.all"), value=""),
            rx.foreach(s.attorneys, lambda a: rx.el.option(a[1], value=a[0])),
            name="attorney", id="attorney", style=select_style, aria_label=t("insights.attorney"))),
        rx.button(t("insights.apply"), type="submit", id="apply-filters"),
        wrap="wrap", align="end", spacing="3"), on_submit=s.apply, width="100%")


def _pilot() -> rx.Component:
    s = InsightsState
    return rx.card(rx.vstack(
        rx.heading(t("insights.pilot_heading"), size="3"),
        rx.text(t("insights.pilot_explained"), size="2", color_scheme="gray"),
        rx.hstack(rx.foreach(s.pilot, lambda ref: rx.badge(ref, variant="soft")), wrap="wrap", id="pilot-list"),
        rx.form(rx.hstack(
            rx.input(name="reference", placeholder="MTR-2026-0001", aria_label=t("insights.reference"), id="pilot-ref"),
            rx.el.select(rx.el.option(t("insights.pilot_add"), value="add"),
                         rx.el.option(t("insights.pilot_remove"), value="remove"), name="action",
                         style={"padding": "6px", "border-radius": "6px", "border": "1px solid #ccc"},
                         aria_label=t("insights.pilot_action")),
            rx.button(t("insights.pilot_save"), type="submit", variant="soft", id="pilot-save"),
            wrap="wrap"), on_submit=s.tag, reset_on_submit=True),
        spacing="2", width="100%"), width="100%")


def _content() -> rx.Component:
    s = InsightsState
    return rx.vstack(
        rx.heading(t("insights.title"), size="7"),
        rx.text(t("insights.intro"), size="2", color_scheme="gray"),
        _filters(),
        rx.hstack(rx.text(s.computed, size="2"),
                  rx.button(rx.icon("download", size=14), t("insights.csv"), on_click=s.download_csv, variant="outline",
                            size="2", id="download-csv", type="button"),
                  wrap="wrap", align="center", spacing="3"),
        error_callout(s.error), notice_callout(s.notice),
        figure_section("adoption", s.rows["adoption"], s.charts["adoption"]),
        figure_section("completeness", s.rows["completeness"], s.charts["completeness"]),
        figure_section("payment", s.rows["payment"], s.charts["payment"]),
        figure_section("support", s.rows["support"], s.charts["support"]),
        figure_section("filing", s.rows["filing"], s.charts["filing"]),
        figure_section("reminders", s.rows["reminders"], s.charts["reminders"]),
        _pilot(),
        spacing="4", width="100%")


def insights_page() -> rx.Component:
    return shell(gated(InsightsState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(insights_page, route="/staff/insights", title=t("insights.title"), on_load=InsightsState.load)
