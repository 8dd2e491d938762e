"""The tamper-evident audit log.

`record` appends one event in the caller's transaction, so an event exists exactly when the change
it describes was committed. Appends lock the one-row chain head first (an UPDATE ... RETURNING:
a row lock on PostgreSQL, the write lock on SQLite), so two writers can never fork the chain.
`verify` walks the chain from the start and names the first event that does not fit.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from models import AuditEvent, AuditHead, utcnow
from portal_app.services.kernel.actor import Actor

GENESIS_HASH = "0" * 64


def _jsonable(details: dict[str, Any] | None) -> dict[str, Any]:
    return json.loads(json.dumps(details or {}, default=str, sort_keys=True))


def timestamp(value: datetime) -> str:
    """An event time exactly as it enters the hash (exports write it the same way)."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_ts = timestamp


def compute_hash(prev_hash: str, event: AuditEvent) -> str:
    body = {
        "seq": event.seq,
        "occurred_at": _ts(event.occurred_at),
        "actor_id": str(event.actor_id) if event.actor_id else None,
        "actor_role": event.actor_role,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "matter_id": str(event.matter_id) if event.matter_id else None,
        "ip": event.ip,
        "details": event.details,
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _lock_head(db: Session) -> tuple[int, str]:
    bump = (
        sa.update(AuditHead)
        .where(AuditHead.id == 1)
        .values(last_seq=AuditHead.last_seq + 1)
        .returning(AuditHead.last_seq, AuditHead.last_hash)
    )
    row = db.execute(bump).first()
    if row is None:  # a database created without the migration's seed row
        db.add(AuditHead(id=1, last_seq=0, last_hash=GENESIS_HASH))
        db.flush()
        row = db.execute(bump).first()
    return row[0], row[1]


def record(
    db: Session,
    action: str,
    *,
    actor: Actor | None = None,
    object_type: str = "",
    object_id: object = "",
    matter_id: uuid.UUID | None = None,
    ip: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    seq, prev_hash = _lock_head(db)
    event = AuditEvent(
        seq=seq,
        occurred_at=utcnow(),
        actor_id=actor.user_id if actor else None,
        actor_role=actor.role if actor else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        matter_id=matter_id,
        ip=ip or (actor.ip if actor else ""),
        details=_jsonable(details),
        prev_hash=prev_hash,
        entry_hash="",
    )
    event.entry_hash = compute_hash(prev_hash, event)
    db.add(event)
    db.execute(sa.update(AuditHead).where(AuditHead.id == 1).values(last_hash=event.entry_hash))
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify(db: Session, batch: int = 2000) -> VerifyResult:
    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    rows = db.exec(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch))
    for event in rows:
        if event.seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, f"event {expected_seq} is missing (next is {event.seq})")
        if event.prev_hash != prev_hash:
            return VerifyResult(False, checked, event.seq, "its previous-hash does not match the event before it")
        if compute_hash(prev_hash, event) != event.entry_hash:
            return VerifyResult(False, checked, event.seq, "its contents do not match its hash (edited)")
        prev_hash, expected_seq, checked = event.entry_hash, expected_seq + 1, checked + 1
    head = db.get(AuditHead, 1)
    last_seq = expected_seq - 1
    if head is not None and (head.last_seq != last_seq or head.last_hash != prev_hash):
        return VerifyResult(False, checked, last_seq + 1, f"the chain head says {head.last_seq} events; events after {last_seq} are missing")
    return VerifyResult(True, checked)


def verify_stored(batch: int = 2000) -> VerifyResult:
    """Verify the whole stored chain (the CLI's `audit verify`)."""
    from portal_app.services.kernel import db

    with db.read() as s:
        return verify(s, batch)
