"""One figure on the page: its title, a bar chart of the pilot cohort beside the rest, the numbers
as a table, and the one-sentence definition under it."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.ui import sideways
from portal_app.services.insights.report import CHARTED, COLUMNS

PILOT_COLOR, REST_COLOR = "#2563eb", "#9ca3af"


def chart(data) -> rx.Component:
    return rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
        rx.recharts.x_axis(data_key="label"),
        rx.recharts.y_axis(width=40),
        rx.recharts.graphing_tooltip(),
        rx.recharts.legend(),
        rx.recharts.bar(data_key="pilot", name=t("insights.cohort.pilot"), fill=PILOT_COLOR),
        rx.recharts.bar(data_key="rest", name=t("insights.cohort.rest"), fill=REST_COLOR),
        data=data, width="100%", height=220,
    )


def table(key: str, rows) -> rx.Component:
    columns = COLUMNS[key]
    return sideways(rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(t(f"insights.col.{c}")) for c in columns])),
        rx.table.body(rx.foreach(rows, lambda r: rx.table.row(*[rx.table.cell(r[c]) for c in columns],
                                                              class_name=f"figure-row-{key}"))),
        size="1", width="100%"))


def figure_section(key: str, rows, data, available=True) -> rx.Component:
    body = rx.cond(
        rows.length() > 0,
        rx.vstack(rx.text(t("insights.charted"), " ", t(f"insights.col.{CHARTED[key]}"), size="1",
                          color_scheme="gray"),
                  chart(data), table(key, rows), width="100%"),
        rx.text(t("insights.no_data"), size="2", color_scheme="gray"),
    )
    return rx.card(rx.vstack(
        rx.heading(t(f"insights.{key}.title"), size="4"),
        body if available is True else rx.callout(t("insights.support.unavailable"), icon="info", width="100%",
                                                  id="support-unavailable"),
        rx.text(t(f"insights.{key}.definition"), size="2", color_scheme="gray", class_name="figure-definition"),
        spacing="2", width="100%"), width="100%", id=f"figure-{key}")
