"""USCIS receipt numbers on a matter: validated, tracked for status polling, with their history.

A receipt number is 13 characters: a known three-letter service-centre code and 10 digits
(`EAC9999103402`). Spaces and dashes typed by people are ignored. Matter.receipt_numbers stays the
list shown on the matter; `tracked_receipt` holds what the poller needs and the status history.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from models import Matter, ReceiptStatusEvent, TrackedReceipt, utcnow
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import Conflict, InvalidInput

CENTRES = {"EAC": "Vermont", "WAC": "California", "LIN": "Nebraska", "SRC": "Texas", "NBC": "National Benefits Center",
           "MSC": "Missouri (NBC)", "IOE": "USCIS Electronic Immigration System", "YSC": "Potomac"}
SHAPE = re.compile(r"^[A-Z]{3}\d{10}$")


def normalize(raw: str) -> str:
    """The receipt number as USCIS writes it, or InvalidInput saying what is wrong."""
    text = re.sub(r"[\s\-]", "", str(raw or "")).upper()
    if not text:
        raise InvalidInput("receipt.required")
    if not SHAPE.match(text):
        raise InvalidInput("receipt.invalid_format", receipt=text[:20])
    if text[:3] not in CENTRES:
        raise InvalidInput("receipt.unknown_centre", centre=text[:3], known=", ".join(sorted(CENTRES)))
    return text


@dataclass(frozen=True)
class StatusEntry:
    status: str
    category: str
    status_date: date | None
    observed_at: datetime


@dataclass(frozen=True)
class ReceiptView:
    receipt_number: str
    form_type: str
    current_status: str
    category: str
    last_checked_at: datetime | None
    last_error: str
    history: list[StatusEntry] = field(default_factory=list)


def track(s: Session, matter_id, receipt: str, now: datetime) -> TrackedReceipt:
    tracked = s.exec(select(TrackedReceipt).where(TrackedReceipt.receipt_number == receipt)).first()
    if tracked is not None and tracked.matter_id != matter_id:
        raise Conflict("receipt.on_other_matter", receipt=receipt)
    if tracked is None:
        tracked = TrackedReceipt(matter_id=matter_id, receipt_number=receipt, next_check_at=now, created_at=now)
        s.add(tracked)
    tracked.is_active = True
    return tracked


def add(actor: Actor, matter_id: str, raw: str, now: datetime | None = None) -> str:
    policy.require(actor, "matter.edit")
    receipt, now = normalize(raw), now or utcnow()
    with db.write() as s:
        matter = policy.require_matter(s, actor, "matter.edit", matter_id)
        track(s, matter.id, receipt, now)
        if receipt not in (matter.receipt_numbers or []):
            matter.receipt_numbers = [*(matter.receipt_numbers or []), receipt]
        audit.record(s, "receipt.added", actor=actor, object_type="matter", object_id=matter.id, matter_id=matter.id,
                     details={"receipt": receipt})
    return receipt


def remove(actor: Actor, matter_id: str, raw: str) -> None:
    policy.require(actor, "matter.edit")
    receipt = normalize(raw)
    with db.write() as s:
        matter = policy.require_matter(s, actor, "matter.edit", matter_id)
        matter.receipt_numbers = [r for r in (matter.receipt_numbers or []) if r != receipt]
        tracked = s.exec(select(TrackedReceipt).where(TrackedReceipt.receipt_number == receipt,
                                                      TrackedReceipt.matter_id == matter.id)).first()
        if tracked is not None:
            tracked.is_active = False
        audit.record(s, "receipt.removed", actor=actor, object_type="matter", object_id=matter.id, matter_id=matter.id,
                     details={"receipt": receipt})


def sync_from_matters(now: datetime) -> int:
    """Track every valid receipt number found on an open matter (set by any part of the portal)."""
    with db.write() as s:
        known = set(s.exec(select(TrackedReceipt.receipt_number)).all())
        added = 0
        for matter_id, numbers in s.exec(select(Matter.id, Matter.receipt_numbers).where(Matter.status != "closed")).all():
            for raw in numbers or []:
                try:
                    receipt = normalize(raw)
                except InvalidInput:
                    continue
                if receipt not in known:
                    s.add(TrackedReceipt(matter_id=matter_id, receipt_number=receipt, next_check_at=now, created_at=now))
                    known.add(receipt)
                    added += 1
        return added


def for_matter(actor: Actor, matter_id: str) -> list[ReceiptView]:
    with db.read() as s:
        matter = policy.require_matter(s, actor, "matter.view", matter_id)
        tracked = s.exec(select(TrackedReceipt).where(TrackedReceipt.matter_id == matter.id, TrackedReceipt.is_active)
                         .order_by(TrackedReceipt.receipt_number)).all()
        out = []
        for receipt in tracked:
            events = s.exec(select(ReceiptStatusEvent).where(ReceiptStatusEvent.receipt_id == receipt.id)
                            .order_by(ReceiptStatusEvent.observed_at.desc())).all()
            out.append(ReceiptView(
                receipt.receipt_number, receipt.form_type, receipt.current_status, receipt.status_category,
                receipt.last_checked_at, receipt.last_error or "" if policy.is_staff(actor) else "",
                [StatusEntry(e.status, e.category, e.status_date, e.observed_at) for e in events]))
        return out
