"""The tamper-evident audit log.

`record` appends one event in the caller's transaction, so an event exists exactly when the change
it describes was committed. Appends lock the one-row chain head first (an UPDATE ... RETURNING:
a row lock on PostgreSQL, the write lock on SQLite), so two writers can never fork the chain.
Each event carries the SHA-256 chain hash and a MAC over (seq, hash) keyed from the master keys
(keys.py), which are never in the database: someone who can rewrite the table can recompute
hashes but not MACs. Deleting the newest events or wiping the table leaves a chain that is
consistent in itself; signed checkpoints of the head kept outside the database
(checkpoints.py, services/auditing) catch that.

`verify` walks the chain from the start (or from a checkpoint) and names the first event that does
not fit: missing, out of place, edited, re-hashed, unsigned and not covered by a checkpoint, or a
chain shorter than a checkpoint says it was.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from models import AuditEvent, AuditHead, utcnow
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.audit.checkpoints import Checkpoint, signature_ok
from portal_app.services.kernel.audit.keys import AuditKeyring, keyring

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
    if actor is not None and actor.task is not None:  # done through a one-tap task link's limited session
        details = {**(details or {}), "task_link_id": str(actor.task.link_id)}
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
    event.mac_key, event.mac = keyring().sign_event(seq, event.entry_hash)
    db.add(event)
    db.execute(sa.update(AuditHead).where(AuditHead.id == 1).values(last_hash=event.entry_hash))
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""
    notes: tuple[str, ...] = ()
    checkpoint: Checkpoint | None = None  # the newest valid checkpoint the chain was compared with
    head: tuple[int, str] = (0, GENESIS_HASH)  # the head that was verified (seq, hash)


class _Broken(Exception):
    def __init__(self, seq: int, reason: str) -> None:
        super().__init__(reason)
        self.seq, self.reason = seq, reason


def _span(first: int, last: int) -> str:
    return f"event #{first} is" if first == last else f"events #{first}\u2013#{last} are"


class _Walk:
    """One pass over the chain, event by event; raises _Broken at the first event that does not fit."""

    def __init__(self, ring: AuditKeyring, checkpoints: Sequence[Checkpoint], start: tuple[int, str],
                 allow_unsigned: bool = False) -> None:
        self.ring, self.by_seq, self.allow_unsigned = ring, {}, allow_unsigned
        for checkpoint in checkpoints:
            self.by_seq.setdefault(checkpoint.seq, []).append(checkpoint)
        self.covered_to = max(self.by_seq, default=0)
        self.expected, self.prev_hash = start[0] + 1, start[1]
        self.checked, self.unchecked_from, self.unchecked = 0, None, 0

    def step(self, event: AuditEvent) -> None:
        seq = event.seq
        if seq != self.expected:
            raise _Broken(self.expected, f"{_span(self.expected, seq - 1)} missing (the chain jumps from "
                                         f"#{self.expected - 1} to #{seq})")
        if event.prev_hash != self.prev_hash:
            raise _Broken(seq, f"event #{seq} does not follow event #{seq - 1}: its previous-hash does not match")
        if compute_hash(self.prev_hash, event) != event.entry_hash:
            raise _Broken(seq, f"event #{seq} was changed: its contents do not match its hash (edited)")
        self._signature(event)
        for checkpoint in self.by_seq.get(seq, []):
            if checkpoint.entry_hash != event.entry_hash:
                among = f"; the change is among #{self.unchecked_from}\u2013#{seq}, which carry no signature " \
                        "a configured key can check" if self.unchecked_from else ""
                raise _Broken(seq, f"event #{seq} is not the one the checkpoint of {checkpoint.when} recorded: "
                                   f"events up to #{seq} were rewritten{among}")
            self.unchecked_from = None
        self.prev_hash, self.expected, self.checked = event.entry_hash, seq + 1, self.checked + 1

    def _signature(self, event: AuditEvent) -> None:
        seq = event.seq
        ok = self.ring.event_ok(event.mac_key, seq, event.entry_hash, event.mac) if event.mac else None
        if ok is False:
            raise _Broken(seq, f"event #{seq} was changed: its signature does not match (the chain was re-hashed "
                               "to hide the change)")
        if ok is None:
            if seq > self.covered_to and not self.allow_unsigned:
                raise _Broken(seq, f"event #{seq} carries no signature a configured master key can check, and no "
                                   "checkpoint covers it (run `audit checkpoint` after upgrading; keep old master "
                                   "keys until `keys rotate` has written a checkpoint)")
            self.unchecked_from = self.unchecked_from or seq
            self.unchecked += 1


@dataclass(frozen=True)
class SortedCheckpoints:
    valid: list[Checkpoint]  # signed with a configured key, and the signature matches
    retired: list[Checkpoint]  # signed with a key that is no longer configured: cannot be checked
    forged: list[Checkpoint]  # claims a configured key, but the signature does not match


def sort_checkpoints(checkpoints: Sequence[Checkpoint], ring: AuditKeyring | None = None) -> SortedCheckpoints:
    ring, out = ring or keyring(), SortedCheckpoints([], [], [])
    for checkpoint in checkpoints:
        ok = signature_ok(checkpoint, ring)
        (out.valid if ok else out.forged if ok is False else out.retired).append(checkpoint)
    return out


def verify(db: Session, checkpoints: Sequence[Checkpoint] = (), *, start: Checkpoint | None = None,
           allow_unsigned: bool = False, batch: int = 2000) -> VerifyResult:
    """Walk the chain (from `start`, a checkpoint already trusted, or from the first event) up to the
    head, checking links, hashes, MACs and every checkpoint given. `allow_unsigned` accepts events no
    configured key can check even where no checkpoint covers them (only for the very first checkpoint
    after an upgrade)."""
    head = db.get(AuditHead, 1)
    head_seq, head_hash = (head.last_seq, head.last_hash) if head else (0, GENESIS_HASH)
    ring, newest, walk = keyring(), None, None
    sorted_ = sort_checkpoints(checkpoints, ring)
    notes = [f"{len(sorted_.retired)} checkpoint(s) signed with a master key that is no longer configured "
             "were skipped"] if sorted_.retired else []
    try:
        if sorted_.forged:
            forged = sorted_.forged[0]
            raise _Broken(forged.seq, f"the checkpoint of {forged.when} ({forged.source}) was altered: its "
                                      "signature does not match")
        if head is None and db.exec(select(AuditEvent.seq).limit(1)).first() is not None:
            raise _Broken(1, "the chain head row is missing")
        newest = max(sorted_.valid, key=lambda c: (c.seq, c.at), default=None)
        walk = _Walk(ring, sorted_.valid, (start.seq, start.entry_hash) if start else (0, GENESIS_HASH),
                     allow_unsigned)
        rows = db.exec(select(AuditEvent).where(AuditEvent.seq >= walk.expected, AuditEvent.seq <= head_seq)
                       .order_by(AuditEvent.seq).execution_options(yield_per=batch))
        for event in rows:
            walk.step(event)
        _check_end(walk, newest, head_seq, head_hash)
    except _Broken as broken:
        return VerifyResult(False, walk.checked if walk else 0, broken.seq, broken.reason, tuple(notes), newest)
    if walk.unchecked:
        notes.append(f"{walk.unchecked} event(s) carry no signature a configured key can check; "
                     + ("this first checkpoint vouches for them" if allow_unsigned else
                        "the checkpoints that cover them vouch for them"))
    return VerifyResult(True, walk.checked, notes=tuple(notes), checkpoint=newest, head=(head_seq, head_hash))


def _check_end(walk: _Walk, newest: Checkpoint | None, head_seq: int, head_hash: str) -> None:
    last = walk.expected - 1
    if newest is not None and last < newest.seq:
        raise _Broken(last + 1, f"{_span(last + 1, newest.seq)} missing: the checkpoint of {newest.when} "
                                f"says the head was #{newest.seq}")
    if last != head_seq or walk.prev_hash != head_hash:
        raise _Broken(last + 1, f"the chain head says {head_seq} events; events after #{last} are missing")


def verify_stored(batch: int = 2000) -> VerifyResult:
    """The stored chain: links, hashes and every signature a configured key can check, without the
    checkpoints kept outside the database (a restored backup's own check, where events from before
    signing began are vouched for only by a checkpoint; `audit verify` reads the checkpoints too)."""
    from portal_app.services.kernel import db

    with db.read() as s:
        return verify(s, allow_unsigned=True, batch=batch)
