"""Verified payment events in: `POST /api/stripe/webhook` hands the raw body and signature to
`accept`, which checks the signature (stripe SDK, each account's secret; a bad one changes nothing)
and stores the event: one insert, unique on the event id, so a replay changes nothing. The books
are posted afterwards by `process_due` (the route starts it right after answering, and the job
loop runs it every few seconds), each event in a transaction of its own that also marks it
processed, so an event is posted exactly once whoever runs it and however often.

An event that cannot be placed yet (a refund or a dispute before a success the processor does not
report yet) is not consumed: it stays "deferred", nothing is booked, and it is tried again with
back-off for three days, as Stripe would redeliver it. It is tried again at once when another event
was posted in the same pass (the success it waited for may have just arrived). An event whose
handler fails stays pending and is tried again the same way. The sandbox hands its events to
`receive`, which accepts and posts at once (the client's page shows the result straight away)."""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlmodel import select

from models import ProviderEvent, utcnow
from portal_app.services.billing.payments import events as handlers
from portal_app.services.billing.payments import stripe_gateway
from portal_app.services.kernel import bulk, db

log = logging.getLogger("portal.stripe")
OPEN = ("pending", "deferred")
GIVE_UP_AFTER = timedelta(days=3)  # Stripe's own redelivery window
FIRST_RETRY, LONGEST_RETRY = timedelta(seconds=30), timedelta(hours=1)
BATCH = 200


@dataclass(frozen=True)
class Outcome:
    event_id: str
    event_type: str
    result: str  # accepted | duplicate; after processing: applied | ignored | deferred | pending | failed


def _row(payload: bytes, signature: str | None) -> dict:
    processor = handlers.get_processor()
    event, account = stripe_gateway.verify_event(payload, signature, processor.webhook_secrets())
    created = datetime.fromtimestamp(int(event.get("created") or 0), tz=timezone.utc)
    now = utcnow()
    return {"id": uuid.uuid4(), "provider": processor.name, "event_id": str(event.get("id", ""))[:120],
            "event_type": str(event.get("type", ""))[:80], "payload": event, "received_at": now, "status": "pending",
            "account": account[:16], "event_created_at": created, "attempts": 0, "next_attempt_at": now,
            "last_error": ""}


def accept(payload: bytes, signature: str | None) -> Outcome:
    """Verify and store; raises SignatureInvalid (nothing stored) on a bad signature."""
    row = _row(payload, signature)
    with db.one_statement() as conn:  # one insert: committed as it runs
        new = bulk.insert_once(conn, ProviderEvent.__table__, row, ["provider", "event_id"])
    return Outcome(row["event_id"], row["event_type"], "accepted" if new else "duplicate")


def receive(payload: bytes, signature: str | None) -> Outcome:
    """Accept, then post this event at once (the sandbox's delivery; tests)."""
    accepted = accept(payload, signature)
    if accepted.result == "duplicate":
        return accepted
    provider = handlers.get_processor().name
    return Outcome(accepted.event_id, accepted.event_type, process_one(provider, accepted.event_id, utcnow()))


def _due(now: datetime, waiting_too: bool, limit: int) -> list[tuple[str, str]]:
    with db.read() as s:
        query = select(ProviderEvent.provider, ProviderEvent.event_id).where(ProviderEvent.status.in_(OPEN))
        if not waiting_too:
            query = query.where(ProviderEvent.next_attempt_at <= now)
        rows = s.exec(query.order_by(ProviderEvent.event_created_at, ProviderEvent.received_at).limit(limit)).all()
        return [(provider, event_id) for provider, event_id in rows]


def process_due(now: datetime, limit: int | None = None) -> dict[str, int]:
    """Post the stored events that are due (at most `limit`), oldest by the provider's clock first;
    counts by outcome."""
    counts: dict[str, int] = {}
    posted, budget = False, [limit if limit is not None else 1 << 30]
    while budget[0] > 0 and (batch := _due(now, False, min(BATCH, budget[0]))):  # each leaves or waits past `now`
        posted = _process(batch, now, counts, budget) or posted
    while posted and budget[0] > 0:  # what waited may be placeable now: again, waiting or not (posts one or stops)
        posted = _process(_due(now, True, min(BATCH, budget[0])), now, counts, budget)
    return counts


def _process(keys: list[tuple[str, str]], now: datetime, counts: dict[str, int], budget: list[int]) -> bool:
    posted = False
    for provider, event_id in keys:
        result = process_one(provider, event_id, now)
        counts[result] = counts.get(result, 0) + 1
        posted, budget[0] = posted or result == "applied", budget[0] - 1
    return posted


def process_one(provider: str, event_id: str, now: datetime) -> str:
    """Post one stored event if it is still open; returns its status afterwards."""
    with db.read() as s:
        event = s.exec(select(ProviderEvent).where(ProviderEvent.provider == provider,
                                                   ProviderEvent.event_id == event_id)).one()
    if event.status not in OPEN:
        return event.status
    try:
        fee_hint = None  # the fee is asked for outside the write lock
        if event.event_type == "payment_intent.succeeded":
            fee_hint = handlers.success_fee(event.payload["data"]["object"], event.account)
        return _post(event, fee_hint, now)
    except handlers.NotPlaceableYet:
        return _retry_later(event, now, "deferred", "")
    except Exception as exc:  # noqa: BLE001 - rolled back; tried again later, the others still run
        log.exception("posting payment event %s (%s) failed; it will be tried again", event_id, event.event_type)
        return _retry_later(event, now, "pending", f"{type(exc).__name__}: {exc}")


def _locked(s, seen: ProviderEvent) -> ProviderEvent | None:
    """The row, locked; None when another worker handled it since it was read (posted it, or tried
    it and set it waiting: trying again now would only double its back-off)."""
    event = s.exec(select(ProviderEvent).where(ProviderEvent.id == seen.id).with_for_update()).one()
    return event if event.status in OPEN and event.attempts == seen.attempts else None


def _post(seen: ProviderEvent, fee_hint: int | None, now: datetime) -> str:
    with db.write() as s:
        event = _locked(s, seen)
        if event is None:
            return _status(s, seen)
        handler = handlers.HANDLERS.get(event.event_type)
        applied = handler(s, event.payload, event.account, fee_hint) if handler else False
        event.status, event.processed_at, event.last_error = ("applied" if applied else "ignored"), now, ""
        event.attempts += 1
        return event.status


def _status(s, seen: ProviderEvent) -> str:
    return s.exec(select(ProviderEvent.status).where(ProviderEvent.id == seen.id)).one()


def _retry_later(seen: ProviderEvent, now: datetime, status: str, error: str) -> str:
    with db.write() as s:
        event = _locked(s, seen)
        if event is None:
            return _status(s, seen)
        event.attempts += 1
        event.last_error = error[:300]
        if now - event.received_at >= GIVE_UP_AFTER:
            log.error("payment event %s (%s) could not be placed in %s; given up", event.event_id, event.event_type,
                      GIVE_UP_AFTER)
            event.status, event.processed_at, event.next_attempt_at = "failed", now, None
            return event.status
        event.status = status
        event.next_attempt_at = now + min(FIRST_RETRY * 2 ** min(event.attempts - 1, 10), LONGEST_RETRY)
        return event.status
