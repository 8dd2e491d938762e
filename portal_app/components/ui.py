"""Small building blocks shared by pages."""
from __future__ import annotations

import reflex as rx

from portal_app.services.kernel.i18n import t


def field(label: str, name: str, *, type_: str = "text", autocomplete: str = "", required: bool = True,
          hint: str = "", **props) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=name, style={"font-weight": "500", "font-size": "14px"}),
        rx.input(name=name, id=name, type=type_, auto_complete=autocomplete or "off", required=required,
                 size="3", width="100%", **props),
        rx.cond(hint != "", rx.text(hint, size="1", color_scheme="gray")),
        spacing="1",
        width="100%",
    )


def error_callout(message) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle_alert", color_scheme="red", role="alert", width="100%", id="form-error"),
    )


def notice_callout(message) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(message, icon="info", color_scheme="green", role="status", width="100%", id="form-notice"),
    )


def not_allowed_view() -> rx.Component:
    return rx.vstack(
        rx.heading(t("access.not_allowed_title"), size="6", id="not-allowed"),
        rx.text(t("access.not_allowed_body")),
        rx.link(t("access.go_home"), href="/"),
        spacing="3",
        padding_y="32px",
    )


def loading_view() -> rx.Component:
    return rx.center(rx.spinner(size="3"), padding="48px")


def gated(access, content: rx.Component) -> rx.Component:
    """Show content only once the page's load handler has said the actor may see it."""
    return rx.match(
        access,
        ("ok", content),
        ("denied", not_allowed_view()),
        loading_view(),
    )


def card(*children, **props) -> rx.Component:
    return rx.card(rx.vstack(*children, spacing="2", width="100%"), width="100%", **props)


def empty(text: str) -> rx.Component:
    return rx.text(text, color_scheme="gray", size="2")
