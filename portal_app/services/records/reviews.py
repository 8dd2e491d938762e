"""What the records page shows: the retention reviews (waiting, done, cancelled), newest first."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import select

from models import CaseType, Matter, RetentionReview, User
from portal_app.services.kernel import db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.records import holds

SHOWN = 200


@dataclass(frozen=True)
class ReviewRow:
    id: str
    matter_id: str
    reference: str
    case_type: str
    status: str
    policy_scope: str
    keep_months: int
    closed_on: date
    due_on: date
    files_due: int
    bytes_due: int
    held: bool
    decided_by: str
    deleted_at: datetime | None
    certificate_seq: int | None


def listing(actor: Actor, status: str = "") -> list[ReviewRow]:
    policy.require(actor, "retention.view")
    query = (select(RetentionReview, Matter.reference, CaseType.name, User.full_name, holds.active_clause())
             .join(Matter, Matter.id == RetentionReview.matter_id)
             .join(CaseType, CaseType.id == Matter.case_type_id)
             .outerjoin(User, User.id == RetentionReview.decided_by_id))
    if status:
        query = query.where(RetentionReview.status == status)
    with db.read() as s:
        rows = s.exec(query.order_by(RetentionReview.listed_at.desc()).limit(SHOWN)).all()
    return [ReviewRow(str(r.id), str(r.matter_id), ref, kind, r.status, r.policy_scope, r.keep_months, r.closed_on,
                      r.due_on, r.files_due, r.bytes_due, bool(held), by or "", r.deleted_at, r.certificate_seq)
            for r, ref, kind, by, held in rows]
