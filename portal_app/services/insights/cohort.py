"""The pilot cohort: matters tagged "pilot", which every figure shows beside the rest of the firm."""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import select

from models import Matter, MatterTag
from portal_app.services.insights.filters import PILOT_TAG
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput, NotAllowed

MAX_REFERENCE = 32


def _matter_id(s, actor: Actor, reference: str):
    reference = " ".join(str(reference or "").split()).upper()[:MAX_REFERENCE]
    if not reference:
        raise InvalidInput("insights.reference_required")
    found = s.exec(select(Matter.id).where(Matter.reference == reference)).first()
    if found is None:
        raise InvalidInput("insights.reference_unknown", reference=reference)
    return policy.require_matter(s, actor, "cohort.tag", found)


def set_pilot(actor: Actor, reference: str, in_pilot: bool) -> bool:
    """Put a matter (by its reference, e.g. MTR-2026-0001) in or out of the pilot cohort; True if it changed."""
    policy.require(actor, "insights.view")
    with db.write() as s:
        try:
            matter = _matter_id(s, actor, reference)
        except NotAllowed:
            raise InvalidInput("insights.reference_unknown", reference=str(reference or "").upper()[:32]) from None
        tag = s.get(MatterTag, (matter.id, PILOT_TAG))
        if (tag is not None) == in_pilot:
            return False
        if in_pilot:
            s.add(MatterTag(matter_id=matter.id, tag=PILOT_TAG, added_by_id=actor.user_id))
        else:
            s.execute(sa.delete(MatterTag).where(MatterTag.matter_id == matter.id, MatterTag.tag == PILOT_TAG))
        audit.record(s, "cohort.pilot_added" if in_pilot else "cohort.pilot_removed", actor=actor,
                     object_type="matter", object_id=matter.id, matter_id=matter.id)
        return True


def pilot_references(actor: Actor) -> list[str]:
    policy.require(actor, "insights.view")
    with db.read() as s:
        return list(s.exec(select(Matter.reference).join(MatterTag, MatterTag.matter_id == Matter.id)
                           .where(MatterTag.tag == PILOT_TAG).order_by(Matter.reference)).all())
