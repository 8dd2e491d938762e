"""Issue 11, hole 5: the HR contact of the employer acts on the employee's own items.

The penetration tester, signed in as the HR contact of the organization a matter is shared with,
changed the expiry date on the employee's own passport item (set_expiry checked only
"document.upload" on the matter); a changed date would reopen the item and mail the employee.
Here the same contact tries every document action on the employee's passport, and each must be
refused and leave the item, its files, the audit trail and the outbox as they were; the same
actions on an item the employer provides still work, so the refusals are the rule, not a
broken setup.
"""
from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlmodel import func, select

from models import AuditEvent, DocumentRequest, DocumentVersion, OutboxMessage
from portal_app.services.documents import checklist_views, checklists, review, uploads
from portal_app.services.files import links as file_links
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import InvalidInput, NotAllowed
from tests import sample_files
from tests.world import build_world

PASSPORT_EXPIRES = date(2031, 3, 14)
EMPLOYER_LICENCE = {"title": "Employer business licence", "accepted_types": ["pdf"], "max_mb": 5,
                    "provided_by": "employer", "expires": True}


@pytest.fixture
def case(portal_db):
    """The "own" matter (shared with the HR contact's organization, which pays) with its H-1B
    checklist; the employee has uploaded a passport (accepted with its expiry date), and the HR
    contact an item the employer provides."""
    world = build_world()
    matter_id = str(world.matters["own"].id)
    with db.write() as s:
        checklists.instantiate(s, None, s.merge(world.matters["own"]))
        passport = s.exec(select(DocumentRequest).where(DocumentRequest.matter_id == world.matters["own"].id,
                                                        DocumentRequest.key == "passport_bio")).one()
    passport_id = str(passport.id)
    passport_file = uploads.upload_bytes(world.actor("client"), passport_id, "passport.pdf", sample_files.pdf())
    review.accept(world.actor("paralegal"), passport_file.version_id, expiry_date=PASSPORT_EXPIRES)
    licence_id = review.add_item(world.actor("attorney"), matter_id, EMPLOYER_LICENCE)
    licence_file = uploads.upload_bytes(world.actor("hr"), licence_id, "licence.pdf", sample_files.pdf(pages=2))
    return world, passport_id, passport_file.version_id, licence_id, licence_file.version_id


def _passport_state(passport_id: str) -> tuple:
    with db.read() as s:
        request = s.get(DocumentRequest, uuid.UUID(passport_id))
        versions = s.exec(select(func.count()).select_from(DocumentVersion)).one()
        audit = s.exec(select(func.count()).select_from(AuditEvent)).one()
        mail = s.exec(select(func.count()).select_from(OutboxMessage)).one()
        return request.expiry_date, request.status, request.updated_at, versions, audit, mail


ATTACKS = {
    "set expiry": lambda hr, item, version: review.set_expiry(hr, item, "2026-01-01"),
    "clear expiry": lambda hr, item, version: review.set_expiry(hr, item, ""),
    "set expiry to nonsense": lambda hr, item, version: review.set_expiry(hr, item, "31/02/2026"),
    "set expiry as a date": lambda hr, item, version: review.set_expiry(hr, item, date(2026, 1, 1)),
    "ask to upload": lambda hr, item, version: uploads.target_for(hr, item),
    "upload a replacement": lambda hr, item, version: uploads.upload_bytes(hr, item, "fake.pdf", sample_files.pdf()),
    "view the file": lambda hr, item, version: file_links.mint(hr, version, "inline"),
    "download the file": lambda hr, item, version: file_links.mint(hr, version, "attachment"),
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_the_hr_contact_cannot_touch_the_employees_own_item(case, attack):
    world, passport_id, passport_version, _licence, _licence_version = case
    before = _passport_state(passport_id)
    with pytest.raises(NotAllowed):
        ATTACKS[attack](world.actor("hr"), passport_id, passport_version)
    assert _passport_state(passport_id) == before


def test_the_employees_items_are_in_no_list_the_hr_contact_sees(case):
    world, passport_id, _version, licence_id, _licence_version = case
    hr = world.actor("hr")
    listed = {i.id for i in checklist_views.matter_checklist(hr, str(world.matters["own"].id)).items}
    assert licence_id in listed and passport_id not in listed
    assert all(i.provided_by == "employer" for i in checklist_views.matter_checklist(hr, str(world.matters["own"].id))
               .items)
    needed, _progress = checklist_views.needed_for_me(hr)
    assert passport_id not in {n.request_id for n in needed}
    assert {n.request_id for n in needed} <= listed


def test_the_hr_contact_still_handles_what_the_employer_provides(case):
    world, _passport, _version, licence_id, licence_version = case
    hr = world.actor("hr")
    assert uploads.target_for(hr, licence_id).title == EMPLOYER_LICENCE["title"]
    review.set_expiry(hr, licence_id, "2029-09-30")
    with db.read() as s:
        assert s.get(DocumentRequest, uuid.UUID(licence_id)).expiry_date == date(2029, 9, 30)
    assert file_links.mint(hr, licence_version).startswith(f"/api/files/{licence_version}?t=")
    with pytest.raises(InvalidInput):  # past the permission check, the date is validated
        review.set_expiry(hr, licence_id, "31/02/2026")


def test_the_employee_and_staff_keep_their_passport_actions(case):
    world, passport_id, passport_version, _licence, _licence_version = case
    review.set_expiry(world.actor("client"), passport_id, "2032-01-01")
    review.set_expiry(world.actor("paralegal"), passport_id, "2033-01-01")
    with db.read() as s:
        assert s.get(DocumentRequest, uuid.UUID(passport_id)).expiry_date == date(2033, 1, 1)
    assert file_links.mint(world.actor("client"), passport_version).startswith("/api/files/")
    with pytest.raises(NotAllowed):  # the table still decides: billing staff do not touch documents
        review.set_expiry(world.actor("billing"), passport_id, "2034-01-01")
