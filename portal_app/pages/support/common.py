"""What the support pages share: the topics as choices, a request as a small row of strings."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.ui import FORM_SELECT_STYLE
from portal_app.services.kernel import localtime
from portal_app.services.support.requests import RequestView
from portal_app.services.support.topics import TOPICS

STATUS_COLORS = {"open": "blue", "answered": "green", "closed": "gray"}


def topic_select(name: str = "topic") -> rx.Component:
    return rx.vstack(
        rx.el.label(t("support.topic_label"), html_for=name, style={"font-weight": "500", "font-size": "14px"}),
        rx.el.select(rx.el.option(t("support.topic_choose"), value=""),
                     *[rx.el.option(t(f"support.topic.{topic}"), value=topic) for topic in TOPICS],
                     name=name, id=name, required=True, style=FORM_SELECT_STYLE),
        spacing="1", width="100%")


def body_field() -> rx.Component:
    return rx.vstack(
        rx.el.label(t("support.body_label"), html_for="body", style={"font-weight": "500", "font-size": "14px"}),
        rx.text_area(name="body", id="body", rows="5", width="100%", max_length=3000,
                     placeholder=t("support.body_placeholder")),
        spacing="1", width="100%")


def row_of(r: RequestView, actor) -> dict[str, str]:
    tz, locale = actor.timezone or None, actor.locale
    return {"id": r.id, "reference": r.reference, "topic": t(f"support.topic.{r.topic}", locale), "body": r.body,
            "status": r.status, "status_label": t(f"support.status.{r.status}", locale),
            "color": STATUS_COLORS.get(r.status, "gray"), "answer": r.answer, "asked_by": r.asked_by,
            "email": r.contact_email, "assignee": r.assignee,
            "asked_at": localtime.shown_datetime(r.created_at, tz, locale),
            "due": localtime.shown_datetime(r.due_at, tz, locale), "overdue": "yes" if r.overdue else "",
            "signed_out": "yes" if r.signed_out else "", "file": r.attachment_name}
