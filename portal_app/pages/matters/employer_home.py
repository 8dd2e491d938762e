"""The employer's portal (/employer), where an HR contact lands: the roster of the organization's
sponsored employees, then each case the firm shared with it - what the employer still has to send
(status and the reason one was sent back; sending goes through the same documents page and upload
path as a client's, which the employer-items-only rule limits to the employer's items), the dates
that concern the employer, and the link to the case's messages - and the invoices the organization
pays, paid through the same /pay flow. Only what the firm shared ever reaches this page: every list
comes from a service scoped by the permission table."""
from __future__ import annotations

import reflex as rx

from portal_app.components.deadline_views import rows as date_rows
from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import card, empty, gated, their_text
from portal_app.pages.billing.widgets import invoices_section
from portal_app.pages.documents import checklist_common as common
from portal_app.pages.documents.widgets import due_label
from portal_app.pages.matters.roster_view import DEADLINE_LABELS, roster_section
from portal_app.services.conversations import summaries
from portal_app.services.documents import checklist_views
from portal_app.services.matters import deadlines, roster
from portal_app.state import PageState, run


class EmployerHomeState(PageState, rx.State):
    organization: str = ""
    matters: list[dict[str, str]] = []
    items: list[dict[str, str]] = []
    dates: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        return await self._load_page(self._fill, staff=False)

    async def _fill(self, actor) -> None:
        found = await run(roster.roster, actor)  # an HR contact's only: anyone else is "not allowed"
        unread = {m.matter_id: m.unread for m in await run(summaries.by_matter, actor)}
        items = await run(checklist_views.every_item, actor)
        dates = await run(deadlines.upcoming, actor, within_days=365)
        self.organization = found.organization_name
        self.matters = [{"id": r.matter_id, "employee": r.employee, "reference": r.reference, "case_type": r.case_type,
                         "status": t(f"matter.status.{r.status}", actor.locale),
                         "unread": str(unread.get(r.matter_id, 0) or ""),
                         "items": str(sum(i.matter_id == r.matter_id for i in items)),
                         "dates": str(sum(d.matter_id == r.matter_id for d in dates))}
                        for r in sorted(found.rows, key=lambda r: r.employee.casefold())]
        self.items = [{"matter_id": i.matter_id, "title": i.title, "status": i.status, "reason": i.rejection_reason,
                       "status_label": t(f"checklist.status.{i.status}", actor.locale),
                       "color": common.STATUS_COLORS.get(i.status, "gray"), "due": due_label(i, actor.locale),
                       "overdue": "yes" if i.overdue else ""} for i in items]
        shown = date_rows(dates, actor.locale)
        for row, found in zip(shown, dates):
            if found.kind in DEADLINE_LABELS:
                row["title"] = t(DEADLINE_LABELS[found.kind], actor.locale)
        self.dates = shown


def _item(i, m) -> rx.Component:
    return rx.cond(i["matter_id"] == m["id"], rx.hstack(
        rx.vstack(rx.text(i["title"], size="2", weight="medium"),
                  rx.cond(i["due"] != "", rx.text(i["due"], size="1", color_scheme=rx.cond(i["overdue"] != "", "red",
                                                                                              "gray"))),
                  rx.cond(i["reason"] != "", rx.text(i["reason"], size="1", color_scheme="red", dir="auto",
                                                     class_name="item-reason")),
                  spacing="0", flex="1"),
        common.status_badge(i), align="center", width="100%", class_name="employer-item"))


def _date(d, m) -> rx.Component:
    return rx.cond(d["matter_id"] == m["id"], rx.hstack(
        rx.text(d["title"], size="2", flex="1"), rx.text(d["date"], size="2"),
        rx.badge(d["when"], color_scheme=rx.match(d["tone"], ("red", "red"), ("orange", "orange"), "gray")),
        align="center", width="100%", wrap="wrap", class_name="employer-date"))


def _matter_card(m) -> rx.Component:
    s = EmployerHomeState
    return card(
        rx.hstack(rx.heading(their_text(m["employee"]), size="4", as_="h3"), rx.badge(m["case_type"]),
                  rx.badge(m["status"], color_scheme="green"), rx.spacer(),
                  rx.text(m["reference"], size="1", color_scheme="gray"), wrap="wrap", align="center", width="100%"),
        rx.text(t("employer.items_heading"), weight="bold", size="2"),
        rx.cond(m["items"] != "0", rx.foreach(s.items, lambda i: _item(i, m)), empty(t("employer.no_items"))),
        rx.hstack(
            rx.link(rx.button(t("employer.send_documents"), type="button", size="2"),
                    href="/matters/" + m["id"] + "/documents", class_name="employer-upload"),
            rx.link(rx.hstack(rx.icon("message_circle", size=16), rx.text(t("employer.messages"), size="2"),
                              rx.cond(m["unread"] != "", rx.badge(m["unread"], " ", t("conversations.new"),
                                                                  color_scheme="blue", class_name="unread-count")),
                              align="center", spacing="1"),
                    href="/matters/" + m["id"] + "/messages", class_name="employer-messages"),
            wrap="wrap", spacing="2", align="center"),
        rx.text(t("employer.dates_heading"), weight="bold", size="2"),
        rx.cond(m["dates"] != "0", rx.foreach(s.dates, lambda d: _date(d, m)), empty(t("employer.no_dates"))),
        class_name="employer-matter",
    )


def _content() -> rx.Component:
    s = EmployerHomeState
    return rx.vstack(
        rx.heading(their_text(s.organization), size="7", id="employer-name"),
        rx.text(t("employer.intro"), color_scheme="gray"),
        roster_section(),
        rx.heading(t("employer.cases_heading"), size="5"),
        rx.cond(s.matters.length() > 0,
                rx.vstack(rx.foreach(s.matters, _matter_card), width="100%", spacing="3", id="employer-matters"),
                empty(t("employer.no_employees"))),
        rx.heading(t("employer.invoices_heading"), size="5"),
        invoices_section(),
        rx.text(t("employer.privacy_note"), size="1", color_scheme="gray"),
        spacing="5", width="100%",
    )


def employer_home_page() -> rx.Component:
    return shell(gated(EmployerHomeState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(employer_home_page, route="/employer", title=t("employer.title"), on_load=EmployerHomeState.load)
