"""The page frame: the firm's brand (name, logo and colour from settings), navigation, content."""
from __future__ import annotations

import reflex as rx

from portal_app.services.i18n import t
from portal_app.services.settings import get_settings
from portal_app.state import SessionState


def brand() -> rx.Component:
    cfg = get_settings()
    return rx.link(
        rx.hstack(
            rx.image(src=cfg.firm_logo, alt="", height="32px", width="32px"),
            rx.text(cfg.firm_name, weight="bold", size="4", color="white"),
            align="center",
            spacing="2",
        ),
        href="/",
        underline="none",
    )


def nav_link(label: str, href: str) -> rx.Component:
    return rx.link(label, href=href, color="white", size="2", weight="medium")


def navigation() -> rx.Component:
    return rx.cond(
        SessionState.user_role != "",
        rx.hstack(
            rx.cond(SessionState.is_staff, nav_link(t("nav.matters"), "/staff"), nav_link(t("nav.home"), "/client")),
            rx.cond(SessionState.is_staff, nav_link(t("nav.new_matter"), "/staff/matters/new")),
            rx.cond(SessionState.is_staff, nav_link(t("nav.documents"), "/staff/checklists")),
            rx.cond(SessionState.is_staff, nav_link(t("nav.invite"), "/staff/invite")),
            rx.cond(SessionState.is_staff, nav_link(t("nav.billing"), "/billing")),
            rx.cond(SessionState.is_staff, nav_link(t("nav.tasks"), "/tasks")),
            rx.cond(SessionState.user_role == "admin", nav_link(t("nav.people"), "/admin/users")),
            rx.cond(SessionState.user_role == "admin", nav_link(t("nav.jobs"), "/admin/jobs")),
            nav_link(t("nav.mail_settings"), "/account/mail"),
            nav_link(t("nav.sessions"), "/account/sessions"),
            rx.button(t("nav.sign_out"), on_click=SessionState.sign_out, size="1", variant="outline",
                      color="white", style={"box-shadow": "inset 0 0 0 1px white"},
                      id="sign-out", type="button"),
            spacing="4",
            align="center",
            wrap="wrap",
        ),
    )


def header() -> rx.Component:
    return rx.box(
        rx.hstack(brand(), rx.spacer(), navigation(), align="center", wrap="wrap", spacing="3",
                  max_width="1000px", margin="0 auto"),
        background=get_settings().firm_color,
        padding="12px 16px",
        as_="header",
    )


def shell(*children: rx.Component, narrow: bool = False) -> rx.Component:
    return rx.box(
        header(),
        rx.box(
            *children,
            as_="main",
            max_width="480px" if narrow else "1000px",
            margin="0 auto",
            padding=["16px", "24px"],
            width="100%",
        ),
        rx.box(
            rx.text(t("footer.secure"), size="1", color_scheme="gray"),
            as_="footer", text_align="center", padding="24px 16px",
        ),
        min_height="100vh",
    )
