"""What each verified payment event does (the inbox, payments/inbox.py, stores an event when it
arrives and calls these handlers afterwards, inside the transaction that marks it processed).

Events may arrive in any order: a payment's status never moves
backwards, and when an event cannot be placed (same rank, same second; a refund or a dispute before
the success) the intent is fetched again from the processor. When the processor does not report the
success yet either (its view lags its own events), the handler raises NotPlaceableYet: nothing is
booked, and the inbox tries the event again later (with back-off, for three days, as Stripe would
redeliver it) until it is placed once the success is known. Unknown types are stored and ignored.
Only a verified event marks an invoice paid; the browser's return never does."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from sqlmodel import Session, select

from models import Payment
from portal_app.services.billing.payments import posting as payment_posting
from portal_app.services.billing.payments.current import get_processor
from portal_app.services.billing.payments.processor import Intent
from portal_app.services.kernel.errors import NotFound

RANK = {"created": 0, "requires_payment_method": 0, "requires_action": 1, "processing": 2, "failed": 2,
        "succeeded": 5, "partially_refunded": 6, "refunded": 6, "disputed": 6}
STATUS_OF_EVENT = {"payment_intent.succeeded": "succeeded", "payment_intent.processing": "processing",
                   "payment_intent.payment_failed": "failed"}


class NotPlaceableYet(Exception):
    """The event depends on a success the processor does not report yet: roll back, store nothing."""


def success_fee(obj: dict, account: str) -> int | None:
    """The fee of a succeeded intent, asked for before the write lock is taken (events do not carry
    it); None while the processor does not report the success yet (or does not know the intent)."""
    charge = obj.get("latest_charge")
    if isinstance(charge, dict) and isinstance(charge.get("balance_transaction"), dict):
        return int(charge["balance_transaction"].get("fee") or 0)
    try:
        intent = _refetch(account, obj["id"])
    except NotFound:  # not an intent this portal knows; the handler will ignore the event
        return None
    return int(intent.fee or 0) if intent.status == "succeeded" else None


def _created(event: dict) -> datetime:
    return datetime.fromtimestamp(int(event.get("created") or 0), tz=timezone.utc)


def _payment_for(s: Session, intent_id: str, metadata: dict) -> Payment | None:
    payment = s.exec(select(Payment).where(Payment.provider_ref == intent_id).with_for_update()).first()
    if payment is None and metadata.get("portal_payment_id"):  # the intent id was never stored (a crash)
        payment = s.exec(select(Payment).where(Payment.id == _uuid(metadata["portal_payment_id"]),
                                               Payment.provider_ref.is_(None)).with_for_update()).first()
        if payment is not None:
            payment.provider_ref = intent_id
    return payment


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _refetch(account: str, intent_id: str) -> Intent:
    return get_processor().retrieve_intent(account, intent_id)


def _apply_intent(s: Session, payment: Payment, intent: Intent, account: str) -> bool:
    """Bring the payment to the intent's current status (the processor's word, fetched again)."""
    status = {"requires_payment_method": "failed" if intent.error_message else "requires_payment_method"}.get(
        intent.status, intent.status)
    if intent.status == "succeeded":
        fee = intent.fee if intent.fee is not None else 0
        return payment_posting.post_success(s, payment, fee=fee, received_at=datetime.now(timezone.utc))
    if RANK.get(status, 0) < RANK.get(payment.status, 0) or status == payment.status:
        return False
    return _set_status(s, payment, status, intent.error_message)


def _set_status(s: Session, payment: Payment, status: str, message: str) -> bool:
    if status == "failed":
        payment_posting.mark_failed(s, payment, message)
    else:
        payment.status = status
    return True


def on_intent(s: Session, event: dict, account: str, fee_hint: int | None = None) -> bool:
    obj = event["data"]["object"]
    payment = _payment_for(s, obj["id"], obj.get("metadata") or {})
    if payment is None:
        return False
    status, created = STATUS_OF_EVENT[event["type"]], _created(event)
    current, last = RANK.get(payment.status, 0), payment.status_at
    if payment.status in payment_posting.POST_SUCCESS or RANK[status] < current:
        return False  # never backwards (a late 'processing' or 'failed' after success)
    if RANK[status] == current and status != payment.status:
        if last is not None and created < last:
            return False  # an older event of the same rank: what is known is newer (a lagging re-fetch would undo it)
        if last is None or created == last:
            return _apply_intent(s, payment, _refetch(account, obj["id"]), account)  # unsure: ask again
    payment.status_at = max(created, last) if last else created
    if status == "succeeded":
        fee = fee_hint if fee_hint is not None else success_fee(obj, account)
        if fee is None:  # the processor does not report the success yet: its fee is unknown
            raise NotPlaceableYet()
        return payment_posting.post_success(s, payment, fee=fee, received_at=created)
    error = (obj.get("last_payment_error") or {}).get("message", "")
    return _set_status(s, payment, status, error)


def on_refunded(s: Session, event: dict, account: str, fee_hint: int | None = None) -> bool:
    charge = event["data"]["object"]
    intent_id = charge.get("payment_intent")
    payment = _payment_for(s, str(intent_id), {}) if intent_id else None
    if payment is None:
        return False
    _place_success_first(s, payment, account, str(intent_id))
    return payment_posting.post_refund(s, payment, int(charge.get("amount_refunded") or 0)) > 0


def _place_success_first(s: Session, payment: Payment, account: str, intent_id: str) -> None:
    """A refund or a dispute overtook the success: post the success first, from the processor's
    current word; while it does not report the success yet, the event waits (not consumed)."""
    if payment.posted_at is None:
        _apply_intent(s, payment, _refetch(account, intent_id), account)
        if payment.posted_at is None:
            raise NotPlaceableYet()


def on_dispute(s: Session, event: dict, account: str, fee_hint: int | None = None) -> bool:
    dispute = event["data"]["object"]
    intent_id = dispute.get("payment_intent")
    payment = _payment_for(s, str(intent_id), {}) if intent_id else None
    if payment is None:
        return False
    _place_success_first(s, payment, account, str(intent_id))
    payment_posting.record_dispute(s, payment, dispute)
    return True


HANDLERS = {
    "payment_intent.succeeded": on_intent,
    "payment_intent.processing": on_intent,
    "payment_intent.payment_failed": on_intent,
    "charge.refunded": on_refunded,
    "charge.dispute.created": on_dispute,
}
