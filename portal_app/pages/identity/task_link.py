"""The page a one-tap task link opens (/task/<token>): what the task is, and one button to start
it; then the task itself (the upload for that one item), and nothing else without signing in."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import notice_callout
from portal_app.pages.billing.task_pay import task_pay_view
from portal_app.pages.documents.task_upload import task_upload_view
from portal_app.pages.identity.task_link_state import TaskLinkState


def _what(with_title: bool = True) -> rx.Component:
    """The task in a heading; its title too before Continue (after it, the item's card names it)."""
    s = TaskLinkState
    return rx.vstack(
        rx.heading(rx.cond(s.info["kind"] == "pay", t("tasklink.pay_heading"), t("tasklink.upload_heading")),
                   size="6"),
        *([rx.text(rx.text.strong(s.info["title"]), id="task-title", dir="auto")] if with_title else []),
        rx.text(s.info["reference"], " · ", s.info["matter_title"], size="2", color_scheme="gray", dir="auto"),
        spacing="1", width="100%",
    )


def _intro() -> rx.Component:
    return rx.vstack(
        rx.text(rx.cond(TaskLinkState.info["kind"] == "pay", t("tasklink.intro_pay"), t("tasklink.intro_upload"))),
        rx.button(t("tasklink.continue"), on_click=TaskLinkState.use, type="button", size="3", width="100%",
                  loading=TaskLinkState.busy, id="task-continue"),
        spacing="3", width="100%",
    )


def _problem() -> rx.Component:
    return rx.vstack(
        rx.heading(t("tasklink.problem"), size="6"),
        notice_callout(TaskLinkState.notice),
        rx.callout(TaskLinkState.link_error, icon="triangle_alert", color_scheme="red", high_contrast=True,
                   role="alert", id="link-error", width="100%"),
        spacing="3", width="100%",
    )


def _sign_in() -> rx.Component:
    return rx.vstack(
        rx.text(t("tasklink.limited"), size="2", color_scheme="gray"),
        rx.link(t("tasklink.sign_in"), href="/login", id="task-sign-in"),
        spacing="2", width="100%",
    )


def task_link_page() -> rx.Component:
    s = TaskLinkState
    body = rx.cond(s.link_error != "", _problem(),
                   rx.cond(s.opened, rx.vstack(_what(with_title=False), rx.cond(s.info["kind"] == "pay", task_pay_view(),
                                                                 task_upload_view()), width="100%", spacing="4"),
                           rx.cond(s.info.contains("kind"), rx.vstack(_what(), _intro(), width="100%", spacing="4"),
                                   rx.center(rx.spinner(size="3"), padding="48px"))))
    return shell(rx.vstack(body, _sign_in(), spacing="5", width="100%"), narrow=True)


def register(app: rx.App) -> None:
    app.add_page(task_link_page, route="/task/[token]", title=t("tasklink.page_title"), on_load=TaskLinkState.load)
