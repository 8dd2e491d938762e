"""One invoice for staff: its lines and payments, and what can be done next: send (or ask an
attorney), approve, return to draft, void, record a check or transfer, pay from trust, refund."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import card, confirm_button, empty, error_callout, gated, notice_callout, sideways, their_text
from portal_app.pages.billing.common import PdfPage, invoice_dict, line_dicts, money_row, payment_dicts, status_badge
from portal_app.services.billing.accounting import trust
from portal_app.services.billing.invoices import lifecycle as invoice_lifecycle
from portal_app.services.billing.invoices import views as invoice_views
from portal_app.services.billing.payments import staff as staff_payments
from portal_app.services.kernel.errors import NotAllowed
from portal_app.state import run


class InvoiceStaffState(PdfPage, rx.State):
    invoice: dict[str, str] = {}
    lines: list[dict[str, str]] = []
    payments: list[dict[str, str]] = []
    near: str = "send"  # where the last action was pressed: its message is drawn there

    async def _fill(self, actor) -> None:
        if not actor.is_staff:
            raise NotAllowed()
        view = await run(invoice_views.detail, actor, self._url_segment())
        self.invoice, self.lines, self.payments = invoice_dict(view), line_dicts(view), payment_dicts(view)
        self.invoice["void_reason"] = view.void_reason

    @rx.event
    async def load(self):
        self.access, self.error, self.notice, self.near = "checking", "", "", "send"
        return await self._load_page(self._fill)

    async def _change(self, fn, *args, notice: str = "", near: str = "send", **kwargs):
        self.near = near  # the action's message is drawn beside its own button or form
        return await self._act(fn, self._url_segment(), *args, notice=notice, then=self._fill, **kwargs)

    @rx.event
    async def send(self):
        return await self._change(self._send)

    async def _send(self, actor, invoice_id: str) -> None:
        status = await run(invoice_lifecycle.send, actor, invoice_id)
        await self._say_sent(actor, invoice_id, status)

    @rx.event
    async def approve(self):
        return await self._change(self._approve)

    async def _approve(self, actor, invoice_id: str) -> None:
        await run(invoice_lifecycle.approve, actor, invoice_id)
        await self._say_sent(actor, invoice_id, "sent")

    async def _say_sent(self, actor, invoice_id: str, status: str) -> None:
        """Not "Done.": to whom it went and how, or who must approve it first."""
        if status == "pending_approval":
            self.notice = t("billing.sent_for_approval")
            return
        to = await run(invoice_lifecycle.recipients, actor, invoice_id)
        self.notice = t("billing.sent_to", who=t("billing.and").join(f"{name} ({address})" for name, address in to))

    @rx.event
    async def return_to_draft(self, form: dict):
        return await self._change(invoice_lifecycle.return_to_draft, str(form.get("reason", "")), near="return")

    @rx.event
    async def void(self, form: dict):
        return await self._change(invoice_lifecycle.void, str(form.get("reason", "")), near="void")

    @rx.event
    async def record(self, form: dict):
        return await self._change(staff_payments.record_manual, amount=str(form.get("amount", "")),
                                  method=str(form.get("method", "")), reference=str(form.get("reference", "")),
                                  notice=t("billing.recorded_notice"), near="record")

    @rx.event
    async def from_trust(self, form: dict):
        return await self._change(trust.transfer_earned, str(form.get("amount", "")),
                                  notice=t("billing.transferred_notice"), near="trust")

    @rx.event
    async def refund(self, form: dict):
        self.near = "payments"
        return await self._act(staff_payments.refund, str(form.get("payment_id", "")),
                               amount=str(form.get("amount", "")), reason=str(form.get("reason", "")),
                               notice=t("billing.refund_notice"), then=self._fill)

    @rx.event
    async def pdf(self):
        return await self._open_pdf(self.invoice.get("pdf", ""))


def _small_form(handler, *fields, label: str, id_: str) -> rx.Component:
    return rx.form(rx.hstack(*fields, rx.button(label, type="submit", variant="soft"), wrap="wrap", align="center"),
                   on_submit=handler, reset_on_submit=True, id=id_)


def _actions() -> rx.Component:
    s, inv = InvoiceStaffState, InvoiceStaffState.invoice
    return rx.vstack(
        _feedback("send"),
        rx.cond(inv["status"] == "draft", rx.button(t("billing.send"), type="button", on_click=s.send, id="send")),
        rx.cond(inv["status"] == "pending_approval", rx.hstack(
            rx.button(t("billing.approve_and_send"), type="button", on_click=s.approve, id="approve"),
            _small_form(s.return_to_draft, rx.input(name="reason", placeholder=t("billing.reason")),
                        label=t("billing.return_to_draft"), id_="return-form")), _feedback("return")),
        rx.cond(inv["payable"] != "", rx.vstack(
            _small_form(s.record, rx.input(name="amount", placeholder=t("billing.amount"), width="120px"),
                        rx.el.select(rx.el.option(t("billing.method.check"), value="check"),
                                     rx.el.option(t("billing.method.bank_transfer"), value="bank_transfer"), name="method",
                                     aria_label=t("billing.method_label")),
                        rx.input(name="reference", placeholder=t("billing.reference")),
                        label=t("billing.record_payment"), id_="record-form"), _feedback("record"),
            rx.cond(inv["to_trust"] == "", _small_form(
                s.from_trust, rx.input(name="amount", placeholder=t("billing.amount"), width="120px"),
                label=t("billing.pay_from_trust"), id_="trust-form")), _feedback("trust"), width="100%")),
        rx.cond(inv["voidable"] != "", rx.form(rx.hstack(
            rx.input(name="reason", placeholder=t("billing.reason"), aria_label=t("billing.reason")),
            confirm_button(rx.button(t("billing.void"), type="button", variant="soft", id="void"),
                           title=t("confirm.void_title"), body=t("confirm.void_body"), confirm_label=t("billing.void"),
                           form_id="void-form", confirm_id="confirm-void"),
            wrap="wrap", align="center"), on_submit=s.void, reset_on_submit=True, id="void-form")), _feedback("void"),
        rx.button(t("billing.download_pdf"), type="button", variant="outline", on_click=s.pdf, id="invoice-pdf"),
        spacing="3", width="100%")


def _payment(p) -> rx.Component:
    return rx.table.row(
        rx.table.cell(p["date"]), rx.table.cell(p["method"]), rx.table.cell(p["destination"]),
        rx.table.cell(p["status"]), rx.table.cell(p["amount"]), rx.table.cell(p["fee"]), rx.table.cell(p["refunded"]),
        rx.table.cell(rx.cond(p["refundable"] != "", rx.form(rx.hstack(
            rx.input(name="payment_id", type="hidden", value=p["id"]),
            rx.input(name="amount", placeholder=t("billing.amount"), width="100px", aria_label=t("billing.amount")),
            rx.input(name="reason", placeholder=t("billing.reason"), width="140px", aria_label=t("billing.reason")),
            confirm_button(rx.button(t("billing.refund"), type="button", variant="soft", class_name="refund"),
                           title=t("confirm.refund_title"), body=t("confirm.refund_body"),
                           confirm_label=t("billing.refund"), form_id="refund-" + p["id"]),
            wrap="wrap", align="center"), on_submit=InvoiceStaffState.refund, reset_on_submit=True,
            id="refund-" + p["id"]))), class_name="staff-payment")


def _content() -> rx.Component:
    s, inv = InvoiceStaffState, InvoiceStaffState.invoice
    return rx.vstack(
        rx.hstack(rx.heading(inv["number"], size="7"), status_badge(inv), align="center"),
        rx.link(inv["matter"], " · ", their_text(inv["client"]), href="/matters/" + inv["matter_id"]),
        rx.text(inv["kind"], " · ", inv["title"]),
        rx.cond(inv["void_reason"] != "", rx.text(t("billing.void_reason"), ": ", inv["void_reason"])),
        card(rx.foreach(s.lines, lambda line: rx.hstack(
            rx.text(line["description"], flex="1", size="2"), rx.text(line["quantity"], " × ", line["unit"], size="2"),
            rx.text(line["amount"], size="2"), rx.cond(line["approval"] != "", rx.badge(line["approval"])),
            width="100%", class_name="staff-line")),
            rx.divider(), money_row(t("billing.total"), inv["total"]), money_row(t("billing.paid"), inv["paid"]),
            money_row(t("billing.owed"), inv["owed"], strong=True)),
        _actions(),
        rx.heading(t("billing.payments"), size="4"),
        rx.cond(s.payments.length() > 0,
                sideways(rx.table.root(rx.table.body(rx.foreach(s.payments, _payment)), width="100%")),
                empty(t("billing.payments_none"))),
        _feedback("payments"),
        spacing="4", width="100%")


def _feedback(where: str) -> rx.Component:
    """The message of an action, under the buttons that were pressed (not at the top of the page)."""
    s = InvoiceStaffState
    return rx.cond(s.near == where, rx.vstack(error_callout(s.error), notice_callout(s.notice), width="100%"))


def invoice_staff_page() -> rx.Component:
    return shell(gated(InvoiceStaffState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(invoice_staff_page, route="/billing/invoices/[invoice_id]", title=t("billing.invoice"),
                 on_load=InvoiceStaffState.load)
