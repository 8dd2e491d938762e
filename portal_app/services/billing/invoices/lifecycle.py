"""An invoice's life: draft -> (pending_approval ->) sent -> partially_paid -> paid, or void;
refunds are recorded on payments. Invoices over the firm's threshold wait for an attorney's
approval before they go out. Sending posts the receivable (the operating book) for what the client
owes; a retainer is a request for an advance deposit into trust and posts nothing until paid.
Expense lines can wait for the client's approval in the portal before the firm incurs them."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlmodel import Session, select

from models import Client, Invoice, InvoiceLine, Matter, Organization, User, utcnow
from portal_app.services.billing import config as billing_config
from portal_app.services.billing.accounting import ledger
from portal_app.services.billing.invoices.drafts import line_counts, load_for, recalculate
from portal_app.services.engagement import letters as engagement
from portal_app.services.kernel import audit, db, localtime, money, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import Conflict
from portal_app.services.kernel.settings import get_settings
from portal_app.services.messaging import mail
from portal_app.services.tasks import lifecycle as tasks

INCOME_ACCOUNT = {"legal_fee": "fee_income", "filing_fee": "expense_recovery", "disbursement": "expense_recovery"}


def receivable_legs(lines: list[InvoiceLine], client_id: uuid.UUID, sign: int = 1) -> list[ledger.Leg]:
    legs: dict[str, int] = {}
    for line in lines:
        legs[INCOME_ACCOUNT[line.kind]] = legs.get(INCOME_ACCOUNT[line.kind], 0) - line.amount_cents
        legs["tax_payable"] = legs.get("tax_payable", 0) - line.tax_cents
    total = -sum(legs.values())
    out = [ledger.Leg("accounts_receivable", sign * total, client_id)]
    return out + [ledger.Leg(account, sign * amount) for account, amount in legs.items()]


def _refs(invoice: Invoice, client_id: uuid.UUID, actor: Actor | None) -> ledger.Refs:
    return ledger.Refs(client_id=client_id, matter_id=invoice.matter_id, invoice_id=invoice.id,
                       created_by_id=actor.user_id if actor else None)


def _lines(s: Session, invoice: Invoice) -> list[InvoiceLine]:
    return list(s.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)
                       .order_by(InvoiceLine.position)).all())


def send(actor: Actor, invoice_id: str) -> str:
    """Send a draft to the client, or ask an attorney first when it is over the threshold.
    Returns the new status."""
    with db.write() as s:
        invoice = load_for(s, actor, "invoice.edit", invoice_id)
        if invoice.status != "draft":
            raise Conflict("billing.not_a_draft", number=invoice.number)
        _engagement_signed_first(s, invoice)
        threshold = billing_config.current(s).approval_threshold_cents
        if invoice.total_cents > threshold and invoice.approved_at is None:
            return _request_approval(s, actor, invoice, threshold)
        issue(s, actor, invoice)
        return invoice.status


def _engagement_signed_first(s: Session, invoice: Invoice) -> None:
    """Where the firm wants it, a retainer goes out only once the client has signed the engagement letter."""
    if (invoice.kind == "retainer" and billing_config.current(s).retainer_needs_engagement
            and not engagement.is_signed(s, invoice.matter_id)):
        raise Conflict("billing.engagement_unsigned", number=invoice.number)


def _request_approval(s: Session, actor: Actor, invoice: Invoice, threshold: int) -> str:
    invoice.status, invoice.approval_requested_at = "pending_approval", utcnow()
    tasks.open_task(s, matter_id=invoice.matter_id, kind="approve_invoice", role_on_matter="attorney",
                    title=f"Approve invoice {invoice.number} ({money.format_money(invoice.total_cents, invoice.currency)})",
                    subject_type="invoice", subject_id=invoice.id)
    audit.record(s, "invoice.approval_requested", actor=actor, object_type="invoice", object_id=invoice.id,
                 matter_id=invoice.matter_id, details={"total_cents": invoice.total_cents, "threshold_cents": threshold})
    return invoice.status


def approve(actor: Actor, invoice_id: str) -> None:
    """An attorney approves an invoice over the threshold; it goes out at once."""
    with db.write() as s:
        invoice = load_for(s, actor, "invoice.approve", invoice_id)
        if invoice.status != "pending_approval":
            raise Conflict("billing.not_awaiting_approval", number=invoice.number)
        _engagement_signed_first(s, invoice)
        invoice.approved_by_id, invoice.approved_at = actor.user_id, utcnow()
        tasks.close_tasks_for(s, subject_type="invoice", subject_id=invoice.id, kind="approve_invoice")
        audit.record(s, "invoice.approved", actor=actor, object_type="invoice", object_id=invoice.id,
                     matter_id=invoice.matter_id, details={"total_cents": invoice.total_cents})
        issue(s, actor, invoice)


def return_to_draft(actor: Actor, invoice_id: str, reason: str) -> None:
    """An attorney sends an invoice awaiting approval back to billing with a reason."""
    with db.write() as s:
        invoice = load_for(s, actor, "invoice.approve", invoice_id)
        if invoice.status != "pending_approval":
            raise Conflict("billing.not_awaiting_approval", number=invoice.number)
        invoice.status, invoice.approval_requested_at = "draft", None
        tasks.close_tasks_for(s, subject_type="invoice", subject_id=invoice.id, kind="approve_invoice")
        audit.record(s, "invoice.returned_to_draft", actor=actor, object_type="invoice", object_id=invoice.id,
                     matter_id=invoice.matter_id, details={"reason": text.line(reason, 300)})


def issue(s: Session, actor: Actor | None, invoice: Invoice) -> None:
    """Mark sent, post the receivable, and tell the client (and a paying employer)."""
    matter = s.get(Matter, invoice.matter_id)
    now = utcnow()
    invoice.status, invoice.sent_at = "sent", now
    if invoice.due_date is None:
        invoice.due_date = localtime.firm_today(now) + timedelta(days=billing_config.current(s).default_due_days)
    if invoice.kind != "retainer":
        counted = [line for line in _lines(s, invoice) if line_counts(line)]
        ledger.post(s, posting_key=f"invoice:{invoice.id}:issued", book=ledger.OPERATING, kind="invoice_issued",
                    legs=receivable_legs(counted, matter.client_id), refs=_refs(invoice, matter.client_id, actor),
                    memo=f"Invoice {invoice.number}", currency=invoice.currency)
    _mail_issued(s, invoice, matter)
    audit.record(s, "invoice.sent", actor=actor, object_type="invoice", object_id=invoice.id, matter_id=matter.id,
                 details={"number": invoice.number, "total_cents": invoice.total_cents, "kind": invoice.kind})


def _payer_organization(s: Session, matter: Matter) -> Organization | None:
    org = s.get(Organization, matter.organization_id) if matter.organization_pays and matter.organization_id else None
    return org if org is not None and org.billing_email else None


def _mail_issued(s: Session, invoice: Invoice, matter: Matter) -> None:
    client = s.get(Client, matter.client_id)
    params = {"number": invoice.number, "title": invoice.title, "matter": matter.reference,
              "amount": money.format_money(invoice.total_cents, invoice.currency),
              "due": invoice.due_date.isoformat() if invoice.due_date else "",
              "link": f"{get_settings().public_url}/pay/{invoice.id}"}
    user = s.get(User, client.user_id) if client.user_id else None
    mail.enqueue(s, to_address=client.email, template="invoice_issued", locale=client.preferred_language,
                 user_id=user.id if user else None, matter_id=matter.id, name=client.full_name, **params)
    org = _payer_organization(s, matter)
    if org is not None:
        mail.enqueue(s, to_address=org.billing_email, template="invoice_issued", locale="en", matter_id=matter.id,
                     name=org.name, **params)


def recipients(actor: Actor, invoice_id: str) -> list[tuple[str, str]]:
    """Who an invoice is mailed to when it is sent, as (name, address): the client, and a paying employer."""
    with db.read() as s:
        invoice = load_for(s, actor, "invoice.view", invoice_id)
        matter = s.get(Matter, invoice.matter_id)
        client = s.get(Client, matter.client_id)
        org = _payer_organization(s, matter)
        return [(client.full_name, client.email)] + ([(org.name, org.billing_email)] if org is not None else [])


def void(actor: Actor, invoice_id: str, reason: str) -> None:
    """Void an invoice nothing has been paid on (refund payments first); reverses the receivable."""
    policy.require(actor, "invoice.edit")
    reason = text.line(reason, 300)
    if not reason:
        raise Conflict("billing.void_reason_required")
    with db.write() as s:
        invoice = load_for(s, actor, "invoice.edit", invoice_id)
        if invoice.status in ("void", "paid", "refunded") or invoice.paid_cents > 0:
            raise Conflict("billing.cannot_void", number=invoice.number)
        client_id = s.get(Matter, invoice.matter_id).client_id
        if invoice.sent_at is not None and invoice.kind != "retainer":
            counted = [line for line in _lines(s, invoice) if line_counts(line)]
            ledger.post(s, posting_key=f"invoice:{invoice.id}:void", book=ledger.OPERATING, kind="invoice_void",
                        legs=receivable_legs(counted, client_id, sign=-1), refs=_refs(invoice, client_id, actor),
                        memo=f"Void {invoice.number}: {reason}", currency=invoice.currency)
        invoice.status, invoice.voided_at, invoice.void_reason = "void", utcnow(), reason
        tasks.close_tasks_for(s, subject_type="invoice", subject_id=invoice.id)
        audit.record(s, "invoice.voided", actor=actor, object_type="invoice", object_id=invoice.id,
                     matter_id=invoice.matter_id, details={"reason": reason})


def decide_expense(actor: Actor, line_id: str, approve: bool) -> None:
    """The client approves (or declines) an expense before the firm incurs it."""
    with db.write() as s:
        line = s.get(InvoiceLine, _uuid(line_id))
        invoice = load_for(s, actor, "invoice.approve_expense", line.invoice_id if line else uuid.uuid4())
        if invoice.status not in ("sent", "partially_paid", "paid") or not line.requires_client_approval \
                or line.client_approved_at or line.client_declined_at:
            raise Conflict("billing.expense_already_decided")
        now = utcnow()
        line.client_decided_by_id = actor.user_id
        if approve:
            line.client_approved_at = now
            client_id = s.get(Matter, invoice.matter_id).client_id
            ledger.post(s, posting_key=f"invoice_line:{line.id}:approved", book=ledger.OPERATING,
                        kind="expense_approved", legs=receivable_legs([line], client_id),
                        refs=_refs(invoice, client_id, actor), memo=line.description, currency=invoice.currency)
        else:
            line.client_declined_at = now
        s.flush()
        recalculate(s, invoice)
        _after_decision(s, invoice, line, approve)
        audit.record(s, "invoice.expense_approved" if approve else "invoice.expense_declined", actor=actor,
                     object_type="invoice_line", object_id=line.id, matter_id=invoice.matter_id,
                     details={"invoice": invoice.number, "amount_cents": line.amount_cents + line.tax_cents})


def _after_decision(s: Session, invoice: Invoice, line: InvoiceLine, approved: bool) -> None:
    tasks.open_task(s, matter_id=invoice.matter_id, kind="expense_decision", role_on_matter="billing",
                    title=f"Client {'approved' if approved else 'declined'}: {line.description}"[:200],
                    subject_type="invoice_line", subject_id=line.id)
    if invoice.paid_cents >= invoice.total_cents and invoice.paid_cents > 0:
        invoice.status = "paid"
    elif invoice.paid_cents > 0:
        invoice.status = "partially_paid"


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return uuid.uuid4()
