"""'I need help' for a signed-in client: a short form (topic, what happened), then every request
they made with its status and the firm's answer."""
from __future__ import annotations

import reflex as rx

from portal_app.components.layout import shell
from portal_app.components.ui import card, empty, error_callout, gated, notice_callout, stacked_form, their_text
from portal_app.pages.support.common import body_field, row_of, topic_select
from portal_app.services.kernel import localtime
from portal_app.services.kernel.i18n import t
from portal_app.services.support import requests as support
from portal_app.state import PageState, run


class SupportState(PageState, rx.State):
    rows: list[dict[str, str]] = []

    async def _fill(self, actor) -> None:
        self.rows = [row_of(r, actor) for r in await run(support.mine, actor)]

    @rx.event
    async def load(self):
        self.error, self.notice = "", ""
        return await self._load_page(self._fill)

    @rx.event
    async def submit(self, form: dict):
        return await self._act(self._submit, form, then=self._fill)

    async def _submit(self, actor, form: dict) -> None:
        receipt = await run(support.submit, actor, str(form.get("topic", "")), str(form.get("body", "")))
        self.notice = t("support.received", actor.locale, reference=receipt.reference,
                        due=localtime.shown_datetime(receipt.due_at, actor.timezone or None, actor.locale))


def _request(r) -> rx.Component:
    return card(
        rx.hstack(rx.text(r["reference"], weight="bold", size="2"), rx.badge(r["topic"]),
                  rx.badge(r["status_label"], color_scheme=r["color"], class_name="support-status"),
                  wrap="wrap", spacing="2"),
        rx.text(their_text(r["body"]), size="2", white_space="pre-wrap"),
        rx.text(t("support.asked"), " ", r["asked_at"], size="1", color_scheme="gray"),
        rx.cond(r["answer"] != "", rx.callout(their_text(r["answer"]), icon="message_circle", color_scheme="green",
                                              size="1", width="100%", class_name="support-answer")),
        class_name="support-request",
    )


def _content() -> rx.Component:
    s = SupportState
    return rx.vstack(
        rx.heading(t("support.title"), size="7"),
        rx.text(t("support.intro"), color_scheme="gray"),
        notice_callout(s.notice), error_callout(s.error),
        stacked_form(topic_select(), body_field(),
                     rx.button(t("support.send"), type="submit", size="3", width="100%", id="support-send"),
                     on_submit=s.submit, reset_on_submit=True),
        rx.heading(t("support.mine"), size="4"),
        rx.cond(s.rows.length() > 0, rx.vstack(rx.foreach(s.rows, _request), width="100%", spacing="2"),
                empty(t("support.none_yet"))),
        spacing="4", width="100%",
    )


def support_page() -> rx.Component:
    return shell(gated(SupportState.access, _content()), narrow=True)


def register(app: rx.App) -> None:
    app.add_page(support_page, route="/support", title=t("support.title"), on_load=SupportState.load)
