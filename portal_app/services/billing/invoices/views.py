"""Reading invoices, lines, payments and balances for the people allowed to see them: clients
(their own, never drafts), HR contacts whose organization pays, and staff on the matter."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from models import Client, Invoice, InvoiceLine, Matter, Payment
from portal_app.services.billing.accounting import ledger
from portal_app.services.kernel import db, i18n, localtime, money, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import NotAllowed

CLIENT_HIDDEN = ("draft", "pending_approval")


@dataclass(frozen=True)
class LineView:
    id: str
    kind: str
    description: str
    quantity: int
    unit: str
    amount: str
    approval: str  # "" | pending | approved | declined


@dataclass(frozen=True)
class PaymentView:
    id: str
    date: str
    method: str
    destination: str
    status: str
    amount: str
    refunded: str
    fee: str
    reference: str
    refundable_cents: int


@dataclass(frozen=True)
class InvoiceView:
    id: str
    number: str
    title: str
    kind: str
    status: str
    matter_id: str
    matter_reference: str
    client_name: str
    currency: str
    total_cents: int
    paid_cents: int
    refunded_cents: int
    owed_cents: int
    due_date: date | None
    sent_at: datetime | None
    to_trust: bool
    allow_partial: bool
    pending_approvals: int
    lines: list[LineView] = field(default_factory=list)
    payments: list[PaymentView] = field(default_factory=list)
    pdf_version_id: str = ""
    void_reason: str = ""

    def money(self, cents: int) -> str:
        return money.format_money(cents, self.currency)


def _approval(line: InvoiceLine) -> str:
    if not line.requires_client_approval:
        return ""
    if line.client_declined_at:
        return "declined"
    return "approved" if line.client_approved_at else "pending"


def _line(line: InvoiceLine, currency: str, locale: str = "en") -> LineView:
    return LineView(str(line.id), line.kind, i18n.content_line(line.description, locale), line.quantity,
                    money.format_money(line.unit_amount_cents, currency),
                    money.format_money(line.amount_cents + line.tax_cents, currency), _approval(line))


def _payment(p: Payment) -> PaymentView:
    when = p.received_at or p.created_at
    refundable = p.amount_cents - p.refunded_cents if p.status in ("succeeded", "partially_refunded") else 0
    return PaymentView(str(p.id), localtime.local(when, None).date().isoformat(), p.method, p.destination, p.status,
                       money.format_money(p.amount_cents, p.currency), money.format_money(p.refunded_cents, p.currency),
                       money.format_money(p.fee_cents, p.currency), p.reference, refundable)


def _views(s: Session, rows, *, detail: bool, staff: bool, locale: str = "en") -> list[InvoiceView]:
    """Views of (invoice, matter, client) rows with a fixed number of statements, whatever the
    number of invoices: their lines and payments (detail) or pending-approval counts (a list) are
    read for all of them at once."""
    ids = [invoice.id for invoice, _m, _c in rows]
    lines, payments, pending = defaultdict(list), defaultdict(list), defaultdict(int)
    if ids and detail:
        for line in s.exec(select(InvoiceLine).where(InvoiceLine.invoice_id.in_(ids)).order_by(InvoiceLine.position)):
            lines[line.invoice_id].append(line)
            pending[line.invoice_id] += _approval(line) == "pending"
        for p in s.exec(select(Payment).where(Payment.invoice_id.in_(ids)).order_by(Payment.created_at)):
            if staff or p.posted_at or p.status == "processing":
                payments[p.invoice_id].append(p)
    elif ids:
        pending.update(s.exec(select(InvoiceLine.invoice_id, sa.func.count()).where(
            InvoiceLine.invoice_id.in_(ids), InvoiceLine.requires_client_approval,
            InvoiceLine.client_declined_at.is_(None), InvoiceLine.client_approved_at.is_(None))
            .group_by(InvoiceLine.invoice_id)).all())
    return [_view(invoice, matter, client, lines[invoice.id], payments[invoice.id], pending[invoice.id], locale)
            for invoice, matter, client in rows]


def _view(invoice: Invoice, matter: Matter, client: Client, lines: list[InvoiceLine], shown: list[Payment],
          pending: int, locale: str = "en") -> InvoiceView:
    return InvoiceView(
        id=str(invoice.id), number=invoice.number, title=invoice.title, kind=invoice.kind, status=invoice.status,
        matter_id=str(matter.id), matter_reference=matter.reference, client_name=client.full_name,
        currency=invoice.currency, total_cents=invoice.total_cents, paid_cents=invoice.paid_cents,
        refunded_cents=invoice.refunded_cents, owed_cents=max(invoice.total_cents - invoice.paid_cents, 0),
        due_date=invoice.due_date, sent_at=invoice.sent_at, to_trust=invoice.kind == "retainer",
        allow_partial=invoice.allow_partial, pending_approvals=pending,
        lines=[_line(line, invoice.currency, locale) for line in lines], payments=[_payment(p) for p in shown],
        pdf_version_id=str(invoice.pdf_version_id or ""), void_reason=invoice.void_reason)


def _query(actor: Actor):
    return (select(Invoice, Matter, Client).join(Matter, Matter.id == Invoice.matter_id)
            .join(Client, Client.id == Matter.client_id)
            .where(policy.matter_scope(actor, "invoice.view"), policy.invoice_scope(actor)))


def for_client(actor: Actor) -> list[InvoiceView]:
    """A client's (or paying employer's) invoices: open ones first, then the rest; never drafts."""
    policy.require(actor, "session.manage_own")
    with db.read() as s:
        rows = s.exec(_query(actor).where(Invoice.status.not_in(CLIENT_HIDDEN))
                      .order_by(Invoice.sent_at.desc())).all()
        views = _views(s, rows, detail=True, staff=False, locale=actor.locale)
    return sorted(views, key=lambda v: (v.status not in ("sent", "partially_paid"), v.status == "void"))


def for_matter(actor: Actor, matter_id: str) -> list[InvoiceView]:
    with db.read() as s:
        matter = policy.require_matter(s, actor, "invoice.view", matter_id)
        query = _query(actor).where(Invoice.matter_id == matter.id).order_by(Invoice.created_at.desc())
        if not policy.is_staff(actor):
            query = query.where(Invoice.status.not_in(CLIENT_HIDDEN))
        return _views(s, s.exec(query).all(), detail=True, staff=policy.is_staff(actor), locale=actor.locale)


def detail(actor: Actor, invoice_id: str) -> InvoiceView:
    with db.read() as s:
        row = s.exec(_query(actor).where(Invoice.id == policy.parse_uuid(invoice_id))).first()
        if row is None or (not policy.is_staff(actor) and row[0].status in CLIENT_HIDDEN):
            raise NotAllowed()
        return _views(s, [row], detail=True, staff=policy.is_staff(actor), locale=actor.locale)[0]


def staff_list(actor: Actor, status: str = "", limit: int = 200) -> list[InvoiceView]:
    policy.require(actor, "staff.dashboard")
    with db.read() as s:
        query = _query(actor).order_by(Invoice.created_at.desc()).limit(limit)
        if status:
            query = query.where(Invoice.status == status)
        return _views(s, s.exec(query).all(), detail=False, staff=True)


@dataclass(frozen=True)
class Balances:
    trust_cents: int
    owed_cents: int
    currency: str = "USD"


def balances_for_client(actor: Actor) -> Balances:
    """What the signed-in client has in trust, and owes across their invoices."""
    with db.read() as s:
        client_ids = set(s.exec(select(Matter.client_id).where(policy.matter_scope(actor, "invoice.view"))).all())
        trust = sum(ledger.trust_balance(s, cid) for cid in client_ids)
        owed = sum(max(i.total_cents - i.paid_cents, 0) for i, _m, _c in
                   s.exec(_query(actor).where(Invoice.status.in_(("sent", "partially_paid")))).all())
        return Balances(trust, owed)


def trust_for_matter(actor: Actor, matter_id: str) -> int:
    with db.read() as s:
        matter = policy.require_matter(s, actor, "invoice.view", matter_id)
        return ledger.trust_balance(s, matter.client_id)

