"""One matter: its header and the sections later work fills (checklist, intake, deadlines, invoices)."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.matter_activity import matter_mail_section, matter_receipts_section
from portal_app.components.matter_deadlines import matter_deadlines_section
from portal_app.components.ui import card, gated, their_text
from portal_app.pages.billing.widgets import invoices_section
from portal_app.pages.documents.widgets import matter_checklist_section
from portal_app.pages.matters.sharing_card import sharing_section
from portal_app.pages.onboarding.matter_section import matter_onboarding_section
from portal_app.pages.records.matter_section import MatterRecordsState, matter_records_section
from portal_app.services.kernel import policy
from portal_app.services.matters import records as matters
from portal_app.state import PageState, run


class MatterState(PageState, rx.State):
    matter: dict[str, str] = {}
    receipts: list[str] = []
    team: list[dict[str, str]] = []
    may_view_invoices: bool = False
    may_view_engagement: bool = False

    @rx.event
    async def load(self):
        self.matter, self.receipts, self.team, self.access = {}, [], [], "checking"
        return await self._load_page(self._fill)

    async def _fill(self, actor) -> None:
        detail = await run(matters.get, actor, self._url_segment())
        m = detail.summary
        self.matter = {"id": m.id, "reference": m.reference, "title": m.title, "case_type": m.case_type,
                       "client": m.client_name, "status": t(f"matter.status.{m.status}"),
                       "attorney": m.attorney_name, "organization": m.organization_name}
        self.receipts = detail.receipt_numbers
        self.team = [{"name": name, "role": t(f"role.{role}")} for name, role in detail.team]
        self.may_view_invoices = detail.may_view_invoices
        self.may_view_engagement = policy.role_allows(actor.role, "engagement.view")  # the matter is checked above


def _facts() -> rx.Component:
    def fact(label: str, value) -> rx.Component:
        return rx.hstack(rx.text(label, weight="medium", min_width="140px"), rx.text(value), wrap="wrap")

    return card(
        fact(t("matter.client"), their_text(MatterState.matter["client"])),
        fact(t("matter.case_type"), MatterState.matter["case_type"]),
        fact(t("matter.status"), MatterState.matter["status"]),
        fact(t("matter.attorney"), MatterState.matter["attorney"]),
        rx.cond(MatterState.matter["organization"] != "", fact(t("matter.employer"), MatterState.matter["organization"])),
        rx.cond(MatterState.receipts.length() > 0,
                fact(t("matter.receipts"), rx.hstack(rx.foreach(MatterState.receipts, rx.badge), wrap="wrap"))),
    )


def _team() -> rx.Component:
    return rx.cond(
        MatterState.team.length() > 0,
        rx.vstack(
            rx.heading(t("matter.team"), size="4"),
            rx.foreach(MatterState.team, lambda m: rx.text(their_text(m["name"]), " · ", m["role"])),
            spacing="1",
        ),
    )


def _content() -> rx.Component:
    return rx.vstack(
        rx.text(MatterState.matter["reference"], size="2", color_scheme="gray"),
        rx.heading(their_text(MatterState.matter["title"]), size="7", id="matter-title"),
        _facts(),
        _team(),
        sharing_section(),
        rx.link(rx.hstack(rx.icon("message_circle", size=16), rx.text(t("conversations.open_thread"))),
                href="/matters/" + MatterState.matter["id"] + "/messages", id="open-messages"),
        rx.cond(MatterState.may_view_engagement,
                rx.link(rx.hstack(rx.icon("signature", size=16), rx.text(t("engagement.matter_link"))),
                        href="/matters/" + MatterState.matter["id"] + "/engagement", id="open-engagement")),
        rx.heading(t("matter.checklist"), size="4"), matter_checklist_section(),
        rx.heading(t("matter.deadlines"), size="4"), matter_deadlines_section(),
        matter_receipts_section(),
        rx.cond(MatterState.may_view_invoices,
                rx.vstack(rx.heading(t("matter.invoices"), size="4"), invoices_section(), width="100%")),
        matter_mail_section(),
        matter_onboarding_section(),  # the legal team's view of the client's getting-started mails
        matter_records_section(),
        spacing="4",
        width="100%",
    )


def matter_page() -> rx.Component:
    return shell(gated(MatterState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(matter_page, route="/matters/[matter_id]", title=t("matter.page_title"), on_load=[MatterState.load, MatterRecordsState.load])
