"""The invoices sections of the client's home and of the matter page: each invoice's lines, what is
owed, what was paid, and, apart from them, the money held in trust. "Pay" is one tap away."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.ui import card, empty, error_callout
from portal_app.pages.billing.common import invoice_dict, line_dicts, money_row, payment_dicts, status_badge, trust_card
from portal_app.services.billing.invoices import lifecycle as invoice_lifecycle
from portal_app.services.billing.invoices import views as invoice_views
from portal_app.services.kernel import money
from portal_app.state import WidgetState, run


class InvoicesState(WidgetState, rx.State):
    """The client's invoices (home page) or one matter's (matter page)."""

    matter_id: str = ""
    staff: bool = False
    invoices: list[dict[str, str]] = []
    lines: list[dict[str, str]] = []
    payments: list[dict[str, str]] = []
    trust: str = ""
    has_trust: bool = False

    async def _fill(self, actor) -> None:
        path = self.router.url.path.rstrip("/")
        self.matter_id = self._url_segment() if path.startswith("/matters/") else ""
        self.staff = actor.is_staff
        if self.matter_id:
            views = await run(invoice_views.for_matter, actor, self.matter_id)
            trust = await run(invoice_views.trust_for_matter, actor, self.matter_id)
        else:
            views = await run(invoice_views.for_client, actor)
            trust = (await run(invoice_views.balances_for_client, actor)).trust_cents
        self.invoices = [invoice_dict(v) for v in views]
        self.lines = [line for v in views for line in line_dicts(v)]
        self.payments = [p for v in views for p in payment_dicts(v) if p["posted"] or p["pending"]]
        self.trust, self.has_trust = money.format_money(trust), trust > 0

    @rx.event
    async def load(self):
        return await self._load_page(self._fill)

    @rx.event
    async def decide(self, line_id: str, approve: bool):
        return await self._act(self._decide, str(line_id), bool(approve))

    async def _decide(self, actor, line_id: str, approve: bool):
        await run(invoice_lifecycle.decide_expense, actor, line_id, approve)
        await self._fill(actor)
        return rx.toast.success(t("billing.expense_approved") if approve else t("billing.expense_declined"))


def _line(line, inv) -> rx.Component:
    s = InvoicesState
    return rx.cond(line["invoice_id"] == inv["id"], rx.vstack(
        rx.hstack(rx.text(line["description"], size="2", flex="1"), rx.text(line["amount"], size="2"),
                  width="100%", align="start"),
        rx.cond(line["approval"] == "pending", rx.cond(~s.staff, rx.hstack(
            rx.text(t("billing.needs_your_approval"), size="1", color_scheme="amber"),
            rx.button(t("billing.approve"), size="2", type="button", class_name="approve-expense",
                      on_click=s.decide(line["id"], True)),
            rx.button(t("billing.decline"), size="2", variant="soft", color_scheme="gray", type="button",
                      on_click=s.decide(line["id"], False)), wrap="wrap", align="center"),
            rx.text(t("billing.waiting_for_client"), size="1", color_scheme="amber"))),
        rx.cond(line["approval"] == "declined", rx.text(t("billing.declined_line"), size="1", color_scheme="gray")),
        width="100%", spacing="1", class_name="invoice-line"))


def _payment(p, inv) -> rx.Component:
    return rx.cond(p["invoice_id"] == inv["id"], rx.hstack(
        rx.cond(p["posted"] != "", rx.link(p["date"] + " · " + p["method"], href="/receipts/" + p["id"], size="1"),
                rx.text(p["date"] + " · " + p["method"] + " · " + p["status"], size="1", color_scheme="amber")),
        rx.spacer(), rx.text(p["amount"], size="1"), width="100%", class_name="invoice-payment"))


def invoice_card(inv) -> rx.Component:
    s = InvoicesState
    return card(
        rx.hstack(rx.text(inv["number"], weight="bold"), status_badge(inv), rx.spacer(),
                  rx.text(inv["matter"], size="1", color_scheme="gray"), width="100%", wrap="wrap", align="center"),
        rx.text(inv["title"], size="3"),
        rx.cond(inv["to_trust"] != "", rx.text(t("billing.retainer_note"), size="1", color_scheme="gray")),
        rx.foreach(s.lines, lambda line: _line(line, inv)),
        rx.divider(),
        money_row(t("billing.total"), inv["total"]),
        money_row(t("billing.paid"), inv["paid"]),
        rx.cond(inv["refunded"] != "", money_row(t("billing.refunded"), inv["refunded"])),
        money_row(t("billing.owed"), inv["owed"], strong=True),
        rx.cond(inv["due"] != "", rx.text(t("billing.due_on"), " ", inv["due"], size="1", color_scheme="gray")),
        rx.foreach(s.payments, lambda p: _payment(p, inv)),
        rx.cond((inv["payable"] != "") & ~s.staff, rx.link(
            rx.button(t("billing.pay"), " ", inv["owed"], size="4", width="100%", type="button"),
            href="/pay/" + inv["id"], width="100%", class_name="pay-button", underline="none")),
        rx.cond(s.staff, rx.link(t("billing.open_invoice"), href="/billing/invoices/" + inv["id"], size="2")),
        class_name="invoice-card",
    )


def invoices_section() -> rx.Component:
    """Replaces the "Invoices" placeholders of the client home and the matter page."""
    s = InvoicesState
    return rx.cond(s.access == "denied", rx.fragment(), rx.vstack(
        error_callout(s.error),
        rx.cond(s.has_trust | (s.matter_id != ""), trust_card(s.trust, staff=s.staff)),
        rx.cond(s.invoices.length() > 0, rx.vstack(rx.foreach(s.invoices, invoice_card), width="100%", spacing="3"),
                empty(t("client_home.no_invoices"))),
        rx.cond(s.staff & (s.matter_id != ""), rx.hstack(
            rx.link(rx.button(t("billing.new_invoice"), type="button", size="2"),
                    href="/billing/new/" + s.matter_id, id="new-invoice"),
            rx.link(rx.button(t("billing.ledger"), type="button", size="2", variant="outline"),
                    href="/billing/trust", id="open-ledger"), spacing="2")),
        width="100%", spacing="3", on_mount=s.load, id="invoices-section"))
