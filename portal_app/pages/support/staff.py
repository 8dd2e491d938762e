"""Staff: support requests, those past their SLA first, routed to me or to anyone; answer one (the
person who asked sees the answer on their support page; the mail carries only a link)."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import card, empty, error_callout, file_link, gated, notice_callout, their_text, views
from portal_app.pages.support.common import row_of
from portal_app.services.support import files as support_files
from portal_app.services.support import requests as support
from portal_app.state import PageState, run

VIEWS = ("open", "mine", "done")


class StaffSupportState(PageState, rx.State):
    view: str = "open"
    rows: list[dict[str, str]] = []
    link: dict[str, str] = {}

    async def _fill(self, actor) -> None:
        self.rows = [row_of(r, actor) for r in await run(support.for_staff, actor, self.view)]

    @rx.event
    async def load(self):
        self.view, self.error, self.notice, self.link = "open", "", "", {}
        return await self._load_page(self._fill, staff=True)

    @rx.event
    async def show(self, view: str | list[str]):
        view = view[0] if isinstance(view, list) and view else view
        self.view, self.notice = (view if view in VIEWS else "open"), ""
        return await self._load_page(self._fill, staff=True)

    @rx.event
    async def get_file(self, request_id: str, reference: str):
        return await self._act(self._get_file, str(request_id), str(reference))

    async def _get_file(self, actor, request_id: str, reference: str) -> None:
        self.link = {"reference": reference, "url": await run(support_files.mint, actor, request_id)}

    @rx.event
    async def answer(self, form: dict):
        return await self._act(support.answer, str(form.get("request", "")), str(form.get("answer", "")),
                               notice=t("support.answer_sent"), then=self._fill)


def _answer_form(r) -> rx.Component:
    return rx.form(rx.vstack(
        rx.el.input(type="hidden", name="request", value=r["id"]),
        rx.text_area(name="answer", rows="3", width="100%", aria_label=t("support.answer_label"),
                     placeholder=t("support.answer_label"), class_name="answer-text"),
        rx.button(t("support.answer_send"), type="submit", size="2", class_name="answer-send"),
        spacing="2", width="100%"), on_submit=StaffSupportState.answer, reset_on_submit=True, width="100%")


def _request(r) -> rx.Component:
    return card(
        rx.hstack(rx.text(r["reference"], weight="bold"), rx.badge(r["topic"]),
                  rx.badge(r["status_label"], color_scheme=r["color"]),
                  rx.cond(r["overdue"] == "yes", rx.badge(t("support.overdue"), color_scheme="red",
                                                          class_name="support-overdue")),
                  rx.cond(r["signed_out"] == "yes", rx.badge(t("support.signed_out"), color_scheme="gray")),
                  wrap="wrap", spacing="2"),
        rx.text(rx.cond(r["asked_by"] != "", rx.fragment(their_text(r["asked_by"]), " · ")), their_text(r["email"]),
                " · ", r["asked_at"], size="1", color_scheme="gray"),
        rx.text(t("support.due"), " ", r["due"], " · ", t("support.routed_to"), " ", r["assignee"], size="1"),
        rx.text(their_text(r["body"]), size="2", white_space="pre-wrap"),
        rx.cond(r["file"] != "", rx.hstack(
            rx.icon("paperclip", size=14), rx.text(their_text(r["file"]), size="2"),
            rx.button(t("support.get_file"), size="1", variant="outline", type="button", class_name="get-file",
                      on_click=StaffSupportState.get_file(r["id"], r["reference"])), spacing="2", align="center")),
        rx.cond(r["answer"] != "", rx.text(rx.text.strong(t("support.answer")), " ", their_text(r["answer"]), size="2"),
                _answer_form(r)),
        class_name="staff-support-request",
    )


def _content() -> rx.Component:
    s = StaffSupportState
    return rx.vstack(
        rx.heading(t("support.staff_title"), size="7"),
        views({v: t(f"support.view_{v}") for v in VIEWS}, value=s.view, on_change=s.show, id="support-views"),
        notice_callout(s.notice), error_callout(s.error),
        rx.cond(s.link.contains("url"), rx.callout(rx.hstack(
            rx.text(s.link["reference"], ": ", t("review.links_valid")),
            file_link(t("review.download"), s.link["url"], download=True, id="support-file-download"), wrap="wrap", spacing="3"),
            icon="link", width="100%")),
        rx.cond(s.rows.length() > 0, rx.vstack(rx.foreach(s.rows, _request), width="100%", spacing="2"),
                empty(t("support.staff_none"))),
        spacing="4", width="100%",
    )


def staff_support_page() -> rx.Component:
    return shell(gated(StaffSupportState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(staff_support_page, route="/staff/support", title=t("support.staff_title"),
                 on_load=StaffSupportState.load)
