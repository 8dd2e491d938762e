"""Making invoices: a draft with validated lines (from typed lines, a template or the fee
schedule), numbered when created, with totals and taxes in integer cents."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from models import Invoice, InvoiceLine, Matter, utcnow
from portal_app.services.billing import config as billing_config
from portal_app.services.kernel import audit, db, localtime, money, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import Conflict, InvalidInput

KINDS = ("retainer", "milestone", "expense")
LINE_KINDS_FOR = {
    "retainer": ("legal_fee",),
    "milestone": ("legal_fee", "disbursement"),
    "expense": ("filing_fee", "disbursement"),
}
MAX_LINES = 50
MAX_QUANTITY = 1000


@dataclass(frozen=True)
class LineInput:
    kind: str
    description: str = ""
    unit_amount_cents: int = 0
    quantity: int = 1
    fee_code: str | None = None
    tax_rate_bp: int = 0
    requires_client_approval: bool = False


@dataclass(frozen=True)
class DraftInput:
    kind: str
    title: str
    lines: list[LineInput] = field(default_factory=list)
    terms: str | None = None
    due_date: date | None = None
    allow_partial: bool = True


def _clean_line(s: Session, kind: str, line: LineInput, position: int) -> InvoiceLine:
    if line.kind not in LINE_KINDS_FOR[kind]:
        raise InvalidInput("billing.line_kind_not_allowed", line=position, kind=kind)
    description, unit = text.line(line.description), _cents(line.unit_amount_cents, position)
    if line.kind == "filing_fee":
        fee = billing_config.fee_by_code(s, (line.fee_code or "").strip().upper())
        description, unit = description or f"{fee.form}: {fee.description}", fee.amount_cents
    if not description or len(description) > 300:
        raise InvalidInput("billing.line_description_invalid", line=position)
    if not 0 < unit <= money.MAX_CENTS:
        raise InvalidInput("billing.line_amount_invalid", line=position)
    quantity = text.whole_number(line.quantity, low=1, high=MAX_QUANTITY, key="billing.line_quantity_invalid",
                                 line=position, max=MAX_QUANTITY)
    tax_bp = 0 if line.kind == "filing_fee" else text.whole_number(line.tax_rate_bp, low=0, high=5000,
                                                                   key="billing.line_tax_invalid", line=position)
    if line.requires_client_approval and kind != "expense":
        raise InvalidInput("billing.approval_only_expenses", line=position)
    amount = unit * quantity
    return InvoiceLine(position=position, kind=line.kind, description=description, quantity=quantity,
                       unit_amount_cents=unit, amount_cents=amount, tax_rate_bp=tax_bp,
                       tax_cents=money.percent_of(amount, tax_bp), fee_code=line.fee_code if line.kind == "filing_fee" else None,
                       requires_client_approval=bool(line.requires_client_approval))


def _cents(value: object, position: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput("billing.line_amount_invalid", line=position)
    return value


def validate(s: Session, data: DraftInput) -> tuple[list[InvoiceLine], str]:
    if data.kind not in KINDS:
        raise InvalidInput("billing.kind_unknown", kind=str(data.kind)[:20])
    title = text.line(data.title)
    if not title or len(title) > 200:
        raise InvalidInput("billing.title_invalid")
    if not data.lines:
        raise InvalidInput("billing.lines_required")
    if len(data.lines) > MAX_LINES:
        raise InvalidInput("billing.too_many_lines", max=MAX_LINES)
    if data.due_date is not None and data.due_date < localtime.firm_today():
        raise InvalidInput("billing.due_date_past")
    return [_clean_line(s, data.kind, line, n) for n, line in enumerate(data.lines, start=1)], title


def line_counts(line: InvoiceLine) -> bool:
    """Whether a line is part of what the client owes (expenses awaiting approval are not yet)."""
    if line.client_declined_at is not None:
        return False
    return not line.requires_client_approval or line.client_approved_at is not None


def recalculate(s: Session, invoice: Invoice) -> None:
    lines = s.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)).all()
    counted = [line for line in lines if line_counts(line)]
    invoice.subtotal_cents = sum(line.amount_cents for line in counted)
    invoice.tax_cents = sum(line.tax_cents for line in counted)
    invoice.total_cents = invoice.subtotal_cents + invoice.tax_cents


def create(actor: Actor, matter_id: str, data: DraftInput) -> str:
    """A new draft invoice on a matter; returns its id."""
    with db.write() as s:
        matter = policy.require_matter(s, actor, "invoice.edit", matter_id)
        invoice = new_invoice(s, actor, matter, data)
        audit.record(s, "invoice.created", actor=actor, object_type="invoice", object_id=invoice.id,
                     matter_id=matter.id, details={"number": invoice.number, "kind": invoice.kind,
                                                   "total_cents": invoice.total_cents})
        return str(invoice.id)


def new_invoice(s: Session, actor: Actor | None, matter: Matter, data: DraftInput) -> Invoice:
    lines, title = validate(s, data)
    firm = billing_config.current(s)
    invoice = Invoice(number=billing_config.next_invoice_number(s, utcnow().year), matter_id=matter.id,
                      kind=data.kind, title=title, currency=firm.currency, allow_partial=bool(data.allow_partial),
                      terms=(data.terms if data.terms is not None else firm.default_terms).strip()[:500],
                      due_date=data.due_date, created_by_id=actor.user_id if actor else None)
    s.add(invoice)
    s.flush()
    for line in lines:
        line.invoice_id = invoice.id
        s.add(line)
    s.flush()
    recalculate(s, invoice)
    return invoice


def replace(actor: Actor, invoice_id: str, data: DraftInput) -> None:
    """Change a draft: its kind, title, lines, terms and due date. Sent invoices cannot change."""
    with db.write() as s:
        invoice = load_for(s, actor, "invoice.edit", invoice_id)
        if invoice.status != "draft":
            raise Conflict("billing.not_a_draft", number=invoice.number)
        lines, title = validate(s, data)
        for old in s.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id)).all():
            s.delete(old)
        s.flush()
        for line in lines:
            line.invoice_id = invoice.id
            s.add(line)
        invoice.kind, invoice.title, invoice.due_date = data.kind, title, data.due_date
        invoice.allow_partial = bool(data.allow_partial)
        if data.terms is not None:
            invoice.terms = data.terms.strip()[:500]
        s.flush()
        recalculate(s, invoice)
        audit.record(s, "invoice.edited", actor=actor, object_type="invoice", object_id=invoice.id,
                     matter_id=invoice.matter_id, details={"lines": len(lines), "total_cents": invoice.total_cents})


def load_for(s: Session, actor: Actor, action: str, invoice_id: str | uuid.UUID) -> Invoice:
    """The invoice, if the actor may take `action` on its matter (row-locked for writes)."""
    invoice = s.exec(select(Invoice).where(Invoice.id == policy.parse_uuid(invoice_id)).with_for_update()).first()
    if invoice is None:
        policy.require_matter(s, actor, action, uuid.uuid4())  # same answer as for another's invoice
    policy.require_matter(s, actor, action, invoice.matter_id)
    return invoice
