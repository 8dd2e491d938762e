"""The client's home: what to do next, in the order to do it (questionnaire, documents with their
due dates, dates to keep, invoices), then my matters."""
from __future__ import annotations

import reflex as rx

from portal_app.components.deadline_views import upcoming_dates
from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import card, empty, gated
from portal_app.pages.billing.widgets import invoices_section
from portal_app.pages.conversations.widgets import client_messages_section
from portal_app.pages.documents.intake_widget import intake_todo_section
from portal_app.pages.engagement.widgets import engagement_todo_section
from portal_app.pages.documents.widgets import documents_needed_section
from portal_app.pages.onboarding.next_steps import next_steps_section
from portal_app.services.kernel import i18n
from portal_app.services.matters import records as matters
from portal_app.state import PageState, run


class ClientHomeState(PageState, rx.State):
    greeting_name: str = ""
    matters: list[dict[str, str]] = []

    @rx.event
    async def load(self):
        return await self._load_page(self._fill, staff=False)

    async def _fill(self, actor):
        if actor.home_path != "/client":  # an employer's HR contact has a home of their own
            return rx.redirect(actor.home_path, replace=True)
        rows = await run(matters.list_visible, actor)
        self.greeting_name = actor.full_name.split(" ")[0]
        self.matters = [
            {"id": m.id, "reference": m.reference, "title": m.title, "case_type": i18n.content(m.case_type, actor.locale),
             "status": t(f"matter.status.{m.status}")}
            for m in rows
        ]


def _matter_card(m: dict) -> rx.Component:
    return rx.link(
        card(
            rx.text(m["title"], weight="bold", size="4"),
            rx.hstack(rx.badge(m["case_type"]), rx.badge(m["status"], color_scheme="green"), wrap="wrap"),
            rx.text(m["reference"], size="1", color_scheme="gray"),
        ),
        href="/matters/" + m["id"],
        underline="none",
        class_name="matter-card",
    )


def _section(title: str, body: rx.Component) -> rx.Component:
    return rx.vstack(rx.heading(title, size="4"), body, spacing="2", width="100%")


def _content() -> rx.Component:
    return rx.vstack(
        rx.heading(t("client_home.hello_name", name=ClientHomeState.greeting_name), size="7"),  # 您好，María: no space
        rx.text(t("client_home.intro"), color_scheme="gray"),
        next_steps_section(),  # the first visits: three steps from where the case stands, until put away
        # in the order a client should act: the questionnaire (it decides which documents are needed),
        # the documents (sent back first, then by due date), messages, the dates to keep, the invoices to pay
        intake_todo_section(),
        engagement_todo_section(),  # the fee agreement to sign, until it is
        _section(t("client_home.documents_needed"), documents_needed_section()),
        _section(t("conversations.home_heading"), client_messages_section()),
        _section(t("client_home.deadlines"), upcoming_dates()),
        _section(t("client_home.invoices"), invoices_section()),
        _section(t("client_home.my_matters"), rx.cond(
            ClientHomeState.matters.length() > 0,
            rx.vstack(rx.foreach(ClientHomeState.matters, _matter_card), width="100%", id="my-matters"),
            empty(t("client_home.no_matters")),
        )),
        rx.link(t("onboarding.guide_link"), href="/help/quick-start", size="2", id="quick-start-link"),
        spacing="5",
        width="100%",
    )


def client_home_page() -> rx.Component:
    return shell(gated(ClientHomeState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(client_home_page, route="/client", title=t("client_home.title"), on_load=ClientHomeState.load)
