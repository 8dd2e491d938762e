"""A matter's milestones that the firm's figures and retention read: filed with USCIS, closed, reopened.

Closing starts the retention clock (services/records); reopening stops it. Each change is audited.
"""
from __future__ import annotations

from datetime import datetime

from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.clock import utcnow
from portal_app.services.kernel.errors import Conflict, InvalidInput


def mark_filed(actor: Actor, matter_id: str, filed_at: datetime | None = None) -> None:
    """Record when the case was filed (sent to USCIS); it cannot be before the matter opened."""
    with db.write() as s:
        matter = policy.require_matter(s, actor, "matter.edit", matter_id)
        when = filed_at or utcnow()
        if not isinstance(when, datetime) or when.tzinfo is None:
            raise InvalidInput("matter.filed_time_invalid")
        if when < matter.opened_at or when > utcnow():
            raise InvalidInput("matter.filed_time_invalid")
        matter.filed_at = when
        if matter.status == "open":
            matter.status = "filed"
        audit.record(s, "matter.filed", actor=actor, object_type="matter", object_id=matter.id, matter_id=matter.id,
                     details={"filed_at": when.isoformat()})


def close(actor: Actor, matter_id: str, closed_at: datetime | None = None) -> None:
    """Close the matter: reminders stop, and the retention period starts from this moment."""
    with db.write() as s:
        matter = policy.require_matter(s, actor, "matter.edit", matter_id)
        if matter.status == "closed":
            raise Conflict("matter.already_closed")
        matter.status, matter.closed_at = "closed", closed_at or utcnow()
        audit.record(s, "matter.closed", actor=actor, object_type="matter", object_id=matter.id, matter_id=matter.id,
                     details={"closed_at": matter.closed_at.isoformat()})


def reopen(actor: Actor, matter_id: str) -> None:
    with db.write() as s:
        matter = policy.require_matter(s, actor, "matter.edit", matter_id)
        if matter.status != "closed":
            raise Conflict("matter.not_closed")
        matter.status, matter.closed_at = ("filed" if matter.filed_at else "open"), None
        audit.record(s, "matter.reopened", actor=actor, object_type="matter", object_id=matter.id,
                     matter_id=matter.id)
