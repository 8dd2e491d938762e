"""Legal holds: while one is in force on a matter, nothing on it is listed for deletion, approved or
deleted. Placing and releasing a hold each need a reason, and both are audited."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from models import LegalHold, Matter, User
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.clock import utcnow
from portal_app.services.kernel.errors import Conflict, InvalidInput

MAX_REASON = 500


@dataclass(frozen=True)
class HoldRow:
    id: str
    matter_id: str
    reference: str
    reason: str
    placed_by: str
    placed_at: datetime


def _reason(text: str) -> str:
    reason = " ".join(str(text or "").split())
    if len(reason) < 5 or len(reason) > MAX_REASON:
        raise InvalidInput("retention.hold_reason_required", max=MAX_REASON)
    return reason


def active_clause() -> sa.ColumnElement[bool]:
    """True for matters with a hold in force (for set-based queries)."""
    return sa.exists().where(LegalHold.matter_id == Matter.id, LegalHold.released_at.is_(None))


def is_held(s: Session, matter_id: uuid.UUID) -> bool:
    return s.exec(select(LegalHold.id).where(LegalHold.matter_id == matter_id,
                                             LegalHold.released_at.is_(None))).first() is not None


def place(actor: Actor, matter_id: str, reason: str) -> str:
    with db.write() as s:
        matter = policy.require_matter(s, actor, "legal_hold.manage", matter_id)
        text = _reason(reason)
        if is_held(s, matter.id):
            raise Conflict("retention.already_held")
        hold = LegalHold(matter_id=matter.id, reason=text, placed_by_id=actor.user_id)
        s.add(hold)
        s.flush()
        audit.record(s, "legal_hold.placed", actor=actor, object_type="legal_hold", object_id=hold.id,
                     matter_id=matter.id, details={"reason": text})
        return str(hold.id)


def release(actor: Actor, hold_id: str, reason: str) -> None:
    with db.write() as s:
        hold = s.get(LegalHold, policy.parse_uuid(hold_id))
        if hold is None:
            raise InvalidInput("retention.hold_unknown")
        matter = policy.require_matter(s, actor, "legal_hold.manage", hold.matter_id)
        text = _reason(reason)
        if hold.released_at is not None:
            raise Conflict("retention.hold_released")
        hold.released_at, hold.released_by_id, hold.release_reason = utcnow(), actor.user_id, text
        audit.record(s, "legal_hold.released", actor=actor, object_type="legal_hold", object_id=hold.id,
                     matter_id=matter.id, details={"reason": text})


def in_force(actor: Actor) -> list[HoldRow]:
    """Holds in force on the matters this actor may manage holds on."""
    policy.require(actor, "legal_hold.manage")
    with db.read() as s:
        rows = s.exec(select(LegalHold, Matter.reference, User.full_name)
                      .join(Matter, Matter.id == LegalHold.matter_id)
                      .outerjoin(User, User.id == LegalHold.placed_by_id)
                      .where(LegalHold.released_at.is_(None), policy.matter_scope(actor, "legal_hold.manage"))
                      .order_by(LegalHold.placed_at.desc())).all()
    return [HoldRow(str(h.id), str(h.matter_id), ref, h.reason, name or "", h.placed_at) for h, ref, name in rows]
