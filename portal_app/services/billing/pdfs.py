"""Invoice and receipt PDFs, made by the background loop once an invoice is sent or a payment is
posted, and stored encrypted with the matter's documents (generated_files.store_generated).
Doing it in the loop keeps webhook handling quick; the receipt page shows at once, its PDF a few
seconds later."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Session, select

from models import Client, Invoice, InvoiceLine, Matter, Payment
from portal_app.services.billing import pdf_render as billing_pdf
from portal_app.services.billing.accounting import ledger
from portal_app.services.files.generated import store_generated
from portal_app.services.kernel import db, localtime, money
from portal_app.services.kernel.settings import get_settings

BATCH = 20
KIND_LABEL = {"retainer": "Retainer (advance fee deposit, held in trust)", "milestone": "Flat fee (case stage)",
              "expense": "Expenses and government filing fees"}


def _invoice_doc(s: Session, invoice: Invoice) -> billing_pdf.Document:
    matter = s.get(Matter, invoice.matter_id)
    client = s.get(Client, matter.client_id)
    lines = s.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.position)).all()
    fmt = lambda cents: money.format_money(cents, invoice.currency)  # noqa: E731
    rows = [(line.description + _approval_note(line), str(line.quantity), fmt(line.unit_amount_cents),
             fmt(line.amount_cents + line.tax_cents)) for line in lines]
    notes = [invoice.terms] if invoice.terms else []
    if invoice.kind == "retainer":
        notes.append("This advance fee is deposited in the firm's client trust account and stays your money "
                     "until it is earned. Card processing fees are never taken from trust.")
    return billing_pdf.Document(
        title="Invoice", number=invoice.number, firm_name=get_settings().firm_name,
        facts=[("Client", client.full_name), ("Matter", f"{matter.reference} - {matter.title}"),
               ("Kind", KIND_LABEL[invoice.kind]), ("Description", invoice.title),
               ("Date", localtime.local(invoice.sent_at or invoice.created_at, None).date().isoformat()),
               ("Due", invoice.due_date.isoformat() if invoice.due_date else "")],
        lines=rows, totals=[("Subtotal", fmt(invoice.subtotal_cents)), ("Tax", fmt(invoice.tax_cents)),
                            ("Total", fmt(invoice.total_cents))], notes=notes)


def _approval_note(line: InvoiceLine) -> str:
    if not line.requires_client_approval:
        return ""
    return " (declined)" if line.client_declined_at else ("" if line.client_approved_at else " (awaiting your approval)")


def receipt_doc(s: Session, payment: Payment) -> billing_pdf.Document:
    invoice = s.get(Invoice, payment.invoice_id)
    matter = s.get(Matter, payment.matter_id)
    client = s.get(Client, payment.client_id)
    fmt = lambda cents: money.format_money(cents, payment.currency)  # noqa: E731
    notes = ["No card or bank details are kept by the firm."]
    if payment.destination == ledger.TRUST:
        notes.insert(0, "This payment is held in the firm's client trust account until it is earned.")
    return billing_pdf.Document(
        title="Receipt", number=f"{invoice.number}-{payment.attempt_no}", firm_name=get_settings().firm_name,
        facts=[("Received from", client.full_name), ("Matter", f"{matter.reference} - {matter.title}"),
               ("Invoice", invoice.number), ("Date", localtime.shown_datetime(payment.received_at or payment.created_at, None, "en")),
               ("Method", payment.method.replace("_", " ")), ("Account", "Client trust" if payment.destination == "trust"
                                                             else "Operating"),
               ("Reference", payment.provider_ref or payment.reference or str(payment.id))],
        totals=[("Amount received", fmt(payment.amount_cents)),
                ("Still owed on the invoice", fmt(max(invoice.total_cents - invoice.paid_cents, 0)))], notes=notes)


def _safe_name(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text)


def make_due(now: datetime) -> dict:
    """Render and store the PDFs still missing; each in its own transaction."""
    made = {"invoices": 0, "receipts": 0}
    with db.read() as s:
        invoice_ids = s.exec(select(Invoice.id).where(Invoice.sent_at.is_not(None), Invoice.pdf_version_id.is_(None),
                                                      Invoice.status != "void").limit(BATCH)).all()
        payment_ids = s.exec(select(Payment.id).where(Payment.posted_at.is_not(None),
                                                      Payment.receipt_version_id.is_(None)).limit(BATCH)).all()
    for invoice_id in invoice_ids:
        with db.write() as s:
            invoice = s.get(Invoice, invoice_id)
            if invoice.pdf_version_id is None:
                data = billing_pdf.render(_invoice_doc(s, invoice))
                invoice.pdf_version_id = _store(s, invoice.matter_id, "invoice_pdf", f"Invoice-{invoice.number}", data)
                made["invoices"] += 1
    for payment_id in payment_ids:
        with db.write() as s:
            payment = s.get(Payment, payment_id)
            if payment.receipt_version_id is None:
                doc = receipt_doc(s, payment)
                payment.receipt_version_id = _store(s, payment.matter_id, "receipt_pdf", f"Receipt-{doc.number}",
                                                    billing_pdf.render(doc))
                made["receipts"] += 1
    return made


def _store(s: Session, matter_id, kind: str, name: str, data: bytes) -> uuid.UUID:
    version_id = store_generated(s, actor=None, matter_id=matter_id, kind=kind, display_name=f"{_safe_name(name)}.pdf",
                                 data=data, content_type="application/pdf")
    return uuid.UUID(version_id)
