"""Staff record payments that do not go through the processor (checks, bank transfers into the
trust or operating account) and start refunds. A processor refund is booked when its verified
event arrives; a manual one at once."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from sqlmodel import select

from models import Invoice, Payment, utcnow
from portal_app.services.billing.payments import posting as payment_posting
from portal_app.services.billing.payments.current import get_processor
from portal_app.services.kernel import audit, db, localtime, money, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import Conflict, InvalidInput, NotAllowed

MANUAL_METHODS = ("check", "bank_transfer")


def record_manual(actor: Actor, invoice_id: str, *, amount: str, method: str, reference: str,
                  received_on: date | None = None, now: datetime | None = None) -> str:
    """A check or bank transfer the firm received: posted now, to trust for a retainer."""
    policy.require(actor, "payment.record")
    if method not in MANUAL_METHODS:
        raise InvalidInput("billing.method_unknown", method=str(method)[:20])
    reference = text.line(reference, 80)
    if not reference:
        raise InvalidInput("billing.reference_required")
    received = received_at(received_on, now or utcnow())
    with db.write() as s:
        invoice = s.exec(select(Invoice).where(Invoice.id == policy.parse_uuid(invoice_id)).with_for_update()).first()
        if invoice is None:
            raise NotAllowed()
        matter = policy.require_matter(s, actor, "payment.record", invoice.matter_id)
        if invoice.status not in ("sent", "partially_paid"):
            raise Conflict("billing.invoice_not_payable", number=invoice.number)
        cents = money.parse(amount, invoice.currency)
        if cents > invoice.total_cents - invoice.paid_cents:
            raise InvalidInput("billing.amount_over_balance",
                               owed=money.format_money(invoice.total_cents - invoice.paid_cents, invoice.currency))
        destination = "trust" if invoice.kind == "retainer" else "operating"
        payment = Payment(invoice_id=invoice.id, matter_id=matter.id, client_id=matter.client_id, provider="manual",
                          method=method, destination=destination, account=destination, amount_cents=cents,
                          currency=invoice.currency, reference=reference, status="created", payer_user_id=None)
        s.add(payment)
        s.flush()
        payment_posting.post_success(s, payment, fee=0, received_at=received, actor=actor)
        return str(payment.id)


def received_at(received_on: date | None, now: datetime) -> datetime:
    """When money "received today" (or on a past day) arrived: "today" is the firm's local date, so
    a check entered in the morning is never "in the future"; a past day counts from its local noon."""
    firm_today = localtime.today(now, None)
    if received_on is None or received_on == firm_today:
        return now
    if received_on > firm_today:
        raise InvalidInput("billing.received_in_future")
    noon = datetime.combine(received_on, time(12), tzinfo=localtime.zone(None))
    return noon.astimezone(timezone.utc)


def refund(actor: Actor, payment_id: str, *, amount: str, reason: str) -> str:
    """Refund part or all of a payment. Returns "pending" (processor) or "posted" (manual)."""
    policy.require(actor, "payment.refund")
    reason = text.line(reason, 300)
    if not reason:
        raise InvalidInput("billing.refund_reason_required")
    with db.read() as s:
        payment = s.get(Payment, policy.parse_uuid(payment_id))
        if payment is None:
            raise NotAllowed()
        policy.require_matter(s, actor, "payment.refund", payment.matter_id)
        cents = _refundable(payment, amount)
    if payment.provider == "manual":
        with db.write() as s:
            payment = s.exec(select(Payment).where(Payment.id == payment.id).with_for_update()).one()
            _refundable(payment, amount)
            payment_posting.post_refund(s, payment, payment.refunded_cents + cents, actor=actor)
            audit.record(s, "payment.refund_requested", actor=actor, object_type="payment", object_id=payment.id,
                         matter_id=payment.matter_id, details={"amount_cents": cents, "reason": reason})
        return "posted"
    target = payment.refunded_cents + cents
    get_processor().refund(payment.account, payment.provider_ref, cents, f"portal-refund:{payment.id}:{target}")
    with db.write() as s:
        audit.record(s, "payment.refund_requested", actor=actor, object_type="payment", object_id=payment.id,
                     matter_id=payment.matter_id, details={"amount_cents": cents, "reason": reason,
                                                           "provider": payment.provider})
    return "pending"


def _refundable(payment: Payment, amount: str) -> int:
    if payment.posted_at is None or payment.status not in ("succeeded", "partially_refunded"):
        raise Conflict("billing.not_refundable")
    cents = money.parse(amount, payment.currency)
    left = payment.amount_cents - payment.refunded_cents
    if cents > left:
        raise InvalidInput("billing.refund_too_large", left=money.format_money(left, payment.currency))
    return cents

