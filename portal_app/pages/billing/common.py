"""Turning billing views into the small string dicts page states hold, and the pieces of UI the
client and staff invoice views share."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.ui import card
from portal_app.services.billing.invoices.views import InvoiceView
from portal_app.services.files import links as file_links
from portal_app.services.kernel import i18n, localtime, money
from portal_app.services.kernel.errors import PortalError
from portal_app.state import PageState, full_page_load, run

STATUS_COLOR = {"draft": "gray", "pending_approval": "amber", "sent": "blue", "partially_paid": "amber",
                "paid": "green", "void": "gray", "refunded": "gray"}
STATUSES = tuple(STATUS_COLOR)


class PdfPage(PageState, mixin=True):
    """The state of a page that offers a generated PDF (an invoice, a receipt)."""

    async def _open_pdf(self, version_id: str) -> rx.event.EventSpec:
        """The PDF opens through a short-lived link; until it has been made, a toast says so."""
        actor = await self._signed_in_actor()
        if actor is None or not version_id:
            return rx.toast.info(t("billing.pdf_not_ready"))
        try:
            link = await run(file_links.mint, actor, version_id)
        except PortalError:
            return rx.toast.error(t("billing.pdf_not_ready"))
        return full_page_load(link)


def invoice_dict(v: InvoiceView) -> dict[str, str]:
    fmt = lambda cents: money.format_money(cents, v.currency)  # noqa: E731
    return {"id": v.id, "number": v.number, "title": v.title, "kind": t(f"billing.kind.{v.kind}"),
            "status": v.status, "status_label": t(f"billing.status.{v.status}"),
            "color": STATUS_COLOR.get(v.status, "gray"), "matter_id": v.matter_id, "matter": v.matter_reference,
            "client": v.client_name, "total": fmt(v.total_cents), "paid": fmt(v.paid_cents),
            "refunded": fmt(v.refunded_cents) if v.refunded_cents else "", "owed": fmt(v.owed_cents),
            "payable": "yes" if v.status in ("sent", "partially_paid") and v.owed_cents > 0 else "",
            "due": localtime.shown_date(v.due_date, i18n.READER_LOCALE.get() or "en") if v.due_date else "", "to_trust": "yes" if v.to_trust else "",
            "pending": str(v.pending_approvals) if v.pending_approvals else "", "pdf": v.pdf_version_id,
            "voidable": "yes" if v.status not in ("void", "paid", "refunded") and v.paid_cents == 0 else ""}


def line_dicts(v: InvoiceView) -> list[dict[str, str]]:
    return [{"invoice_id": v.id, "id": line.id, "description": line.description, "quantity": str(line.quantity),
             "unit": line.unit, "amount": line.amount, "kind": t(f"billing.line_kind.{line.kind}"),
             "approval": line.approval} for line in v.lines]


def payment_dicts(v: InvoiceView) -> list[dict[str, str]]:
    return [{"invoice_id": v.id, "id": p.id, "date": p.date, "method": t(f"billing.method.{p.method}"),
             "destination": t(f"billing.account.{p.destination}"), "status": t(f"billing.payment_status.{p.status}"),
             "amount": p.amount, "refunded": p.refunded, "fee": p.fee, "reference": p.reference,
             "refundable": "yes" if p.refundable_cents > 0 else "", "posted": "yes" if p.status in (
                 "succeeded", "partially_refunded", "refunded", "disputed") else "",
             "pending": "yes" if p.status == "processing" else ""} for p in v.payments]


def money_row(label: str, value, strong: bool = False, id_: str = "") -> rx.Component:
    return rx.hstack(rx.text(label, size="2" if not strong else "3", weight="bold" if strong else "regular"),
                     rx.spacer(), rx.text(value, size="2" if not strong else "5", weight="bold" if strong else "regular",
                                          id=id_ or None), width="100%", align="center")


def status_badge(inv) -> rx.Component:
    return rx.badge(inv["status_label"], color_scheme=rx.match(inv["color"], ("green", "green"), ("amber", "amber"),
                                                               ("blue", "blue"), "gray"), class_name="invoice-status")


def sandbox_banner() -> rx.Component:
    """Orange, with its text in the scale's darkest step: the default (step 11) was 3.98:1 on it."""
    return rx.callout.root(rx.callout.icon(rx.icon("flask_conical")),
                           rx.callout.text(t("billing.sandbox_banner"), style={"color": "var(--orange-12)"}),
                           color_scheme="orange", width="100%", id="sandbox-banner")


def trust_card(amount, staff=False) -> rx.Component:
    """The money held in trust: "for you" to the client, "for the client" to staff on the matter's page."""
    held = rx.cond(staff, t("billing.trust_held_staff"), t("billing.trust_held"))
    explained = rx.cond(staff, t("billing.trust_explained_staff"), t("billing.trust_explained"))
    return card(rx.hstack(rx.icon("landmark", size=20), rx.text(held, weight="bold"), rx.spacer(),
                          rx.text(amount, size="5", weight="bold", id="trust-balance"), width="100%", align="center"),
                rx.text(explained, size="1", color_scheme="gray"), id="trust-card")
