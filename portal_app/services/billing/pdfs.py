"""Invoice and receipt PDFs, made by the background loop once an invoice is sent or a payment is
posted, and stored encrypted with the matter's documents (generated_files.store_generated).
Doing it in the loop keeps webhook handling quick; the receipt page shows at once, its PDF a few
seconds later."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Session, select

from models import Client, Invoice, InvoiceLine, Matter, Payment, User
from portal_app.services.billing import pdf_render as billing_pdf
from portal_app.services.billing.accounting import ledger
from portal_app.services.files.generated import store_generated
from portal_app.services.kernel import db, i18n, localtime, money
from portal_app.services.kernel.settings import get_settings

BATCH = 20


def reader_locale(s: Session, client: Client) -> str:
    """The language the client reads the portal in (their account's), for their PDFs."""
    user = s.get(User, client.user_id) if client.user_id else None
    return i18n.page_locale(user.locale if user else i18n.DEFAULT_LOCALE)


def _document(locale: str, **fields) -> billing_pdf.Document:
    headings = tuple(i18n.t(f"pdf.col_{c}", locale) for c in ("item", "qty", "unit", "amount"))
    return billing_pdf.Document(firm_name=get_settings().firm_name, locale=locale, headings=headings,
                                page_label=i18n.t("pdf.page", locale), **fields)


def _invoice_doc(s: Session, invoice: Invoice) -> billing_pdf.Document:
    matter = s.get(Matter, invoice.matter_id)
    client = s.get(Client, matter.client_id)
    loc = reader_locale(s, client)
    t = lambda key: i18n.t(key, loc)  # noqa: E731
    lines = s.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.position)).all()
    fmt = lambda cents: money.format_money(cents, invoice.currency, loc)  # noqa: E731
    rows = [(i18n.content_line(line.description, loc) + _approval_note(line, loc), str(line.quantity),
             fmt(line.unit_amount_cents), fmt(line.amount_cents + line.tax_cents)) for line in lines]
    notes = [invoice.terms] if invoice.terms else []
    if invoice.kind == "retainer":
        notes.append(t("pdf.retainer_note"))
    return _document(
        loc, title=t("pdf.invoice"), number=invoice.number,
        facts=[(t("pdf.client"), client.full_name), (t("pdf.matter"), f"{matter.reference} - {matter.title}"),
               (t("pdf.kind"), t(f"billing.kind.{invoice.kind}")), (t("pdf.description"), invoice.title),
               (t("pdf.date"), localtime.shown_date(localtime.local(invoice.sent_at or invoice.created_at, None).date(), loc)),
               (t("pdf.due"), localtime.shown_date(invoice.due_date, loc) if invoice.due_date else "")],
        lines=rows, totals=[(t("pdf.subtotal"), fmt(invoice.subtotal_cents)), (t("pdf.tax"), fmt(invoice.tax_cents)),
                            (t("pdf.total"), fmt(invoice.total_cents))], notes=notes)


def _approval_note(line: InvoiceLine, locale: str) -> str:
    if not line.requires_client_approval or line.client_approved_at:
        return ""
    return i18n.t("pdf.declined" if line.client_declined_at else "pdf.awaiting_approval", locale)


def receipt_doc(s: Session, payment: Payment) -> billing_pdf.Document:
    invoice = s.get(Invoice, payment.invoice_id)
    matter = s.get(Matter, payment.matter_id)
    client = s.get(Client, payment.client_id)
    loc = reader_locale(s, client)
    t = lambda key: i18n.t(key, loc)  # noqa: E731
    fmt = lambda cents: money.format_money(cents, payment.currency, loc)  # noqa: E731
    notes = [t("pdf.no_card_details")]
    if payment.destination == ledger.TRUST:
        notes.insert(0, t("pdf.trust_held"))
    return _document(
        loc, title=t("pdf.receipt"), number=f"{invoice.number}-{payment.attempt_no}",
        facts=[(t("pdf.received_from"), client.full_name), (t("pdf.matter"), f"{matter.reference} - {matter.title}"),
               (t("pdf.invoice"), invoice.number),
               (t("pdf.date"), localtime.shown_datetime(payment.received_at or payment.created_at, None, loc)),
               (t("pdf.method"), t(f"billing.method.{payment.method}")),
               (t("pdf.account"), t(f"billing.account.{payment.destination}")),
               (t("pdf.reference"), payment.provider_ref or payment.reference or str(payment.id))],
        totals=[(t("pdf.amount_received"), fmt(payment.amount_cents)),
                (t("pdf.still_owed"), fmt(max(invoice.total_cents - invoice.paid_cents, 0)))], notes=notes)


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
