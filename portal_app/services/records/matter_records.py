"""What a matter's page shows about its records: may this person export it, hold it, close it; is it
under a hold; has retention deleted its documents."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from models import LegalHold, RetentionReview
from portal_app.services.kernel import db, policy
from portal_app.services.kernel.actor import Actor


@dataclass(frozen=True)
class MatterRecords:
    status: str
    filed_at: datetime | None
    closed_at: datetime | None
    may_export: bool
    may_edit: bool
    may_hold: bool
    hold_id: str
    hold_reason: str
    deleted_at: datetime | None
    certificate_seq: int | None


def for_matter(actor: Actor, matter_id: str) -> MatterRecords:
    with db.read() as s:
        matter = policy.require_matter(s, actor, "matter.view", matter_id)
        may_hold = policy.can_on_matter(s, actor, "legal_hold.manage", matter.id)
        hold = s.exec(select(LegalHold).where(LegalHold.matter_id == matter.id, LegalHold.released_at.is_(None))
                      ).first() if may_hold else None
        deleted = s.exec(select(RetentionReview).where(RetentionReview.matter_id == matter.id,
                                                       RetentionReview.status == "deleted")
                         .order_by(RetentionReview.deleted_at.desc())).first()
        return MatterRecords(
            status=matter.status, filed_at=matter.filed_at, closed_at=matter.closed_at,
            may_export=policy.can_on_matter(s, actor, "matter.export", matter.id),
            may_edit=policy.can_on_matter(s, actor, "matter.edit", matter.id), may_hold=may_hold,
            hold_id=str(hold.id) if hold else "", hold_reason=hold.reason if hold else "",
            deleted_at=deleted.deleted_at if deleted and actor.is_staff else None,
            certificate_seq=deleted.certificate_seq if deleted and actor.is_staff else None,
        )
