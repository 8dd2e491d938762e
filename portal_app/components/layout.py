"""The page frame: the firm's brand (name, logo and colour from settings), navigation, content."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import language_switch, t
from portal_app.components.ui import error_callout, notice_callout
from portal_app.services.kernel.settings import get_settings
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


MENU_ID = "account-menu-list"
MENU_STYLE = {"inset": "auto", "top": "56px", "inset_inline_end": "12px", "margin": "0", "min_width": "14em",
              "max_height": "calc(100vh - 72px)", "overflow_y": "auto", "padding": "6px 0",
              "border": "1px solid var(--gray-a6)", "border_radius": "var(--radius-3)",
              "background": "var(--color-panel-solid)", "box_shadow": "var(--shadow-5)", "color": "var(--gray-12)"}
ITEM_STYLE = {"display": "block", "padding": "8px 14px", "color": "var(--gray-12)", "text_decoration": "none",
              "font_size": "14px", "line_height": "20px"}


def menu_link(label: str, href: str) -> rx.Component:
    return rx.link(label, href=href, underline="none", style=ITEM_STYLE, class_name="account-menu-item")


def _rule() -> rx.Component:
    return rx.el.hr(style={"border": "none", "border_top": "1px solid var(--gray-a5)", "margin": "6px 0"})


def account_menu() -> rx.Component:
    """Everything that is not daily work sits in one menu, so the header stays one line on a phone.
    The browser's own popover (a button with popovertarget): the browser opens it, closes it on Escape
    or a tap outside and tells assistive technology whether it is open; no script of ours. Radix's
    dropdown menu cost every page 95 KB of script, 24.5 KB on the wire (issue 15). Its entries are
    links; a browser without popovers shows them under the button instead."""
    return rx.fragment(
        rx.el.button(t("nav.menu"), rx.icon("chevron_down", size=14), id="account-menu", type="button",
                     custom_attrs={"popoverTarget": MENU_ID},
                     style={"display": "inline-flex", "align_items": "center", "gap": "4px", "height": "24px",
                            "padding": "0 8px", "font_size": "12px", "font_weight": "500", "color": "white",
                            "background": "transparent", "border": "none", "border_radius": "var(--radius-2)",
                            "box_shadow": "inset 0 0 0 1px white", "cursor": "pointer"}),
        rx.el.nav(
            rx.el.div(SessionState.user_name, style={**ITEM_STYLE, "font_size": "12px", "color": "var(--gray-11)"}),
            rx.cond(SessionState.is_staff, rx.fragment(
                menu_link(t("nav.new_matter"), "/staff/matters/new"),
                menu_link(t("nav.invite"), "/staff/invite"),
                _rule(),
            )),
            rx.cond(SessionState.is_staff, menu_link(t("nav.support_requests"), "/staff/support")),
            rx.cond(SessionState.may_see_insights, menu_link(t("nav.insights"), "/staff/insights")),
            rx.cond(SessionState.may_administer, rx.fragment(
                menu_link(t("nav.records"), "/staff/records"),
                menu_link(t("nav.support_settings"), "/admin/support"),
                menu_link(t("nav.people"), "/admin/users"),
                menu_link(t("nav.jobs"), "/admin/jobs"),
                menu_link(t("nav.outbox"), "/admin/outbox"),
                _rule(),
            )),
            menu_link(t("nav.mail_settings"), "/account/mail"),
            menu_link(t("nav.sessions"), "/account/sessions"),
            menu_link(t("security.title"), "/account/security"),
            _rule(),
            rx.el.button(t("nav.sign_out"), on_click=SessionState.sign_out, id="sign-out", type="button",
                         class_name="account-menu-item",
                         style={**ITEM_STYLE, "width": "100%", "text_align": "start", "background": "none",
                                "border": "none", "cursor": "pointer", "color": "var(--red-11)"}),
            id=MENU_ID, custom_attrs={"popover": "auto"}, aria_label=t("nav.menu"), style=MENU_STYLE,
        ),
    )


def navigation() -> rx.Component:
    return rx.cond(
        SessionState.user_role != "",
        rx.hstack(
            rx.cond(
                SessionState.is_staff,
                rx.fragment(
                    nav_link(t("nav.matters"), "/staff"),
                    nav_link(t("nav.documents"), "/staff/checklists"),
                    nav_link(t("nav.tasks"), "/tasks"),
                    nav_link(t("nav.messages"), "/staff/messages"),
                    nav_link(t("nav.billing"), "/billing"),
                ),
                rx.fragment(nav_link(t("nav.home"), "/client"), nav_link(t("nav.help"), "/support")),
            ),
            account_menu(),
            spacing="4",
            align="center",
            wrap="wrap",
        ),
    )


def header() -> rx.Component:
    # rx.el.* (real <header>, <main>, <footer> landmarks): a Radix box's `as_` only became a CSS key
    return rx.el.header(
        rx.hstack(brand(), rx.spacer(), navigation(), language_switch(), align="center", wrap="wrap", spacing="3",
                  max_width="1000px", margin="0 auto"),
        style={"background": get_settings().firm_color, "padding": "12px 16px"},
    )


def shell(*children: rx.Component, narrow: bool = False) -> rx.Component:
    return rx.box(
        header(),
        rx.el.main(
            *children,
            id="main",
            style={"max-width": "480px" if narrow else "1000px", "margin": "0 auto", "width": "100%",
                   "padding": "16px", "box-sizing": "border-box", "overflow-wrap": "anywhere"},
        ),
        rx.el.footer(
            rx.text(t("footer.secure"), size="1", color_scheme="gray"),
            style={"text-align": "center", "padding": "24px 16px"},
        ),
        min_height="100vh",
    )


def signed_out_page(title: str, intro: str, state, form: rx.Component, way_on: rx.Component,
                    help_link: bool = True) -> rx.Component:
    """A page for someone not signed in (sign in, ask for a reset link): narrow, one form, a link on,
    and "I need help" (the help page itself leaves it out)."""
    need_help = [rx.link(t("nav.help_signed_out"), href="/help", size="2", id="need-help")] if help_link else []
    return shell(rx.vstack(rx.heading(title, size="7"), rx.text(intro, color_scheme="gray"),
                           notice_callout(state.notice), error_callout(state.error), form, way_on, *need_help,
                           spacing="4", width="100%"), narrow=True)
