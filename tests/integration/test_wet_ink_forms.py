"""USCIS forms are not e-signed: a checklist item of kind "wet ink" tells the client to print, sign
in ink and upload the scan, and staff mark when the firm holds the paper original (audited, shown to
the client). The mark is staff's alone, only on such an item, and a refusal changes nothing."""
from __future__ import annotations

import pytest
from sqlmodel import func, select

from models import AuditEvent, DocumentRequest
from portal_app.services.documents import checklist_views, checklists, originals, review
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import InvalidInput, NotAllowed
from tests.world import build_world

FORM = {"title": "Form I-129, signed in ink", "why": "USCIS needs your handwritten signature.", "example": "",
        "accepted_types": ["pdf", "jpeg"], "max_mb": 10, "naming_convention": "", "provided_by": "beneficiary",
        "expires": False, "signing": "wet_ink"}


@pytest.fixture
def world(portal_db):
    w = build_world()
    with db.write() as s:
        checklists.instantiate(s, None, s.merge(w.matters["own"]))
    return w


def _item(w, request_id: str):
    view = checklist_views.matter_checklist(w.actor("client"), str(w.matters["own"].id))
    return next(i for i in view.items if i.id == request_id)


def _events() -> int:
    with db.read() as s:
        return s.exec(select(func.count()).select_from(AuditEvent)).one()


def test_a_wet_ink_item_is_shown_as_such_and_staff_mark_the_original_held(world):
    request_id = review.add_item(world.actor("paralegal"), str(world.matters["own"].id), FORM)
    item = _item(world, request_id)
    assert item.signing == "wet_ink" and not item.original_held
    assert originals.mark_original_held(world.actor("paralegal"), request_id, True) is True
    assert _item(world, request_id).original_held
    before = _events()
    assert originals.mark_original_held(world.actor("paralegal"), request_id, True) is True  # already so
    assert _events() == before
    originals.mark_original_held(world.actor("attorney"), request_id, False)
    assert not _item(world, request_id).original_held
    with db.read() as s:
        actions = [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.object_id == request_id)
                                            .order_by(AuditEvent.seq)).all()]
    assert actions[-2:] == ["document.original_held", "document.original_released"]


def test_only_staff_mark_and_only_a_wet_ink_item(world):
    request_id = review.add_item(world.actor("paralegal"), str(world.matters["own"].id), FORM)
    with db.read() as s:
        ordinary = str(s.exec(select(DocumentRequest.id).where(DocumentRequest.matter_id == world.matters["own"].id,
                                                               DocumentRequest.signing == "")).first())
    before = _events()
    for who in ("client", "hr", "billing", "other_attorney"):
        with pytest.raises(NotAllowed):
            originals.mark_original_held(world.actor(who), request_id, True)
    with pytest.raises(InvalidInput) as refused:
        originals.mark_original_held(world.actor("paralegal"), ordinary, True)
    assert "wet-ink" in refused.value.message("en")
    with pytest.raises(NotAllowed):
        originals.mark_original_held(world.actor("paralegal"), "not-an-id", True)
    assert _events() == before and not _item(world, request_id).original_held


def test_the_template_library_and_the_item_form_carry_the_kind(world):
    cleaned = checklists.clean_item_fields({**FORM, "signing": "something else"})
    assert cleaned["signing"] == ""
    assert checklists.clean_item_fields(FORM)["signing"] == "wet_ink"
    assert all(item["signing"] in ("", "wet_ink") for items in checklists.library().values() for item in items)
