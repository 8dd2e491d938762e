"""An item that takes two files ("Two passport-style photos") is not received after one photo,
nor complete after one accepted photo (issue 9, defect 9)."""
from __future__ import annotations

import uuid

import pytest
from sqlmodel import select

from models import DocumentRequest
from portal_app.services.documents import checklist_views, review, uploads
from portal_app.services.kernel import db
from portal_app.services.matters import records as matters
from tests import sample_files
from tests.world import build_world


@pytest.fixture
def world(portal_db):
    return build_world()


def _item(world, matter_id: str, key: str):
    with db.read() as s:
        request_id = str(s.exec(select(DocumentRequest.id).where(DocumentRequest.matter_id == uuid.UUID(matter_id),
                                                                 DocumentRequest.key == key)).one())
    return next(i for i in checklist_views.matter_checklist(world.actor("client"), matter_id).items if i.id == request_id)


def test_two_passport_photos_take_two_photos(world):
    matter_id = matters.open_matter(world.actor("attorney"), client_id=str(world.clients["client"].id),
                                    case_type_code="I485", title="Adjustment of status")
    client, attorney = world.actor("client"), world.actor("attorney")
    photos = _item(world, matter_id, "photos")
    assert photos.files_needed == 2 and ".pdf" not in photos.naming_example
    first = uploads.upload_bytes(client, photos.id, "me.jpg", sample_files.jpeg((600, 600)))
    assert _item(world, matter_id, "photos").status == "requested"  # one of two: still needed
    second = uploads.upload_bytes(client, photos.id, "me2.jpg", sample_files.jpeg((610, 600)))
    assert _item(world, matter_id, "photos").status == "uploaded"
    assert review.accept(attorney, first.version_id) == "uploaded"  # the second still waits
    assert review.accept(attorney, second.version_id) == "accepted"
    passport = _item(world, matter_id, "passport_bio")  # an ordinary item: one file is enough
    uploads.upload_bytes(client, passport.id, "p.pdf", sample_files.pdf())
    assert _item(world, matter_id, "passport_bio").status == "uploaded"
