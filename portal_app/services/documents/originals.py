"""Wet-ink USCIS forms: USCIS takes handwritten signatures on its paper forms, so the portal never
signs them online. Such an item asks the client to print, sign in ink and upload the scan; once the
paper itself reaches the office, staff mark that the firm holds the original (audited), and the
client sees it."""
from __future__ import annotations

from models import utcnow
from portal_app.services.documents.checklists import WET_INK
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput


def mark_original_held(actor: Actor, request_id: str, held: bool) -> bool:
    """Staff record whether the firm holds the signed paper original; returns the new mark."""
    with db.write() as s:
        request, matter = policy.require_item(s, actor, "document.review", request_id)
        if request.signing != WET_INK:
            raise InvalidInput("checklist.not_wet_ink")
        if (request.original_held_at is not None) == bool(held):
            return bool(held)  # already so: nothing to record
        request.original_held_at = utcnow() if held else None
        request.original_held_by_id = actor.user_id if held else None
        request.updated_at = utcnow()
        audit.record(s, "document.original_held" if held else "document.original_released", actor=actor,
                     object_type="document_request", object_id=request.id, matter_id=matter.id,
                     details={"request": request.key})
        return bool(held)
