"""The receipt a client (or staff) sees in the portal as soon as a payment is confirmed."""
from __future__ import annotations

from dataclasses import dataclass

from models import Client, Invoice, Payment
from portal_app.services.billing.accounting import ledger
from portal_app.services.kernel import db, localtime, money, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import NotAllowed
from portal_app.services.kernel.settings import get_settings


@dataclass(frozen=True)
class Receipt:
    payment_id: str
    invoice_id: str
    number: str
    firm_name: str
    client_name: str
    matter: str
    invoice_number: str
    amount: str
    method: str
    to_trust: bool
    received_at: str
    reference: str
    still_owed: str
    trust_balance: str
    status: str
    pdf_version_id: str


def view(actor: Actor, payment_id: str) -> Receipt:
    with db.read() as s:
        payment = s.get(Payment, policy.parse_uuid(payment_id))
        if payment is None or payment.posted_at is None:
            raise NotAllowed()
        matter = policy.require_matter(s, actor, "invoice.view", payment.matter_id)
        policy.require_task_object(actor, payment.invoice_id)
        invoice, client = s.get(Invoice, payment.invoice_id), s.get(Client, payment.client_id)
        return Receipt(
            payment_id=str(payment.id), invoice_id=str(invoice.id), number=f"{invoice.number}-{payment.attempt_no}",
            firm_name=get_settings().firm_name, client_name=client.full_name,
            matter=f"{matter.reference} · {matter.title}", invoice_number=invoice.number,
            amount=money.format_money(payment.amount_cents, payment.currency), method=payment.method,
            to_trust=payment.destination == ledger.TRUST,
            received_at=localtime.shown_datetime(payment.received_at, actor.timezone, actor.locale),
            reference=payment.provider_ref or payment.reference, status=payment.status,
            still_owed=money.format_money(max(invoice.total_cents - invoice.paid_cents, 0), invoice.currency),
            trust_balance=money.format_money(ledger.trust_balance(s, client.id), payment.currency),
            pdf_version_id=str(payment.receipt_version_id or ""))

