"""Uploads are checked by content: every file of the malformed corpus is refused with a specific,
plain message, and leaves storage and database exactly as they were. Good files of every accepted
type are stored encrypted under the naming convention, HEIC photos with a JPEG rendition."""
from __future__ import annotations

import pytest
from sqlmodel import func, select

from models import AuditEvent, Document, DocumentRequest, DocumentVersion, Task
from portal_app.services.documents import checklists, uploads
from portal_app.services.documents.review import add_item
from portal_app.services.files import links as file_links
from portal_app.services.files import storage
from portal_app.services.files import store as filestore
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import InvalidInput, NotAllowed
from tests import sample_files
from tests.world import build_world

ALL_TYPES = {"title": "Any scan", "accepted_types": ["pdf", "jpeg", "png", "heic"], "max_mb": 1,
             "naming_convention": "Any_Scan_{name}"}
PHOTOS = {"title": "Photo", "accepted_types": ["jpeg", "png", "heic"], "max_mb": 5, "naming_convention": "Photo_{name}"}


@pytest.fixture
def world(portal_db):
    w = build_world()
    with db.write() as s:
        for key in ("own", "other"):
            checklists.instantiate(s, None, s.merge(w.matters[key]))
    return w


def _state() -> tuple:
    with db.read() as s:
        counts = tuple(s.exec(select(func.count()).select_from(t)).one()
                       for t in (Document, DocumentVersion, Task, AuditEvent))
        statuses = tuple(s.exec(select(DocumentRequest.status).order_by(DocumentRequest.id)).all())
    root = storage.get_storage().root
    files = sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return counts, statuses, files


def test_the_malformed_corpus_is_refused_and_changes_nothing(world):
    attorney, client = world.actor("attorney"), world.actor("client")
    any_scan = add_item(attorney, str(world.matters["own"].id), ALL_TYPES)
    photo = add_item(attorney, str(world.matters["own"].id), PHOTOS)
    with db.write() as s:
        s.get(DocumentRequest, __import__("uuid").UUID(any_scan)).max_size_bytes = 50_000
    corpus = sample_files.malformed_corpus()
    assert len(corpus) >= 25
    before = _state()
    failures = []
    for case, name, data, expected in corpus:
        target = photo if "only photos" in case else any_scan
        try:
            uploads.upload_bytes(client, target, name, data, piece=4096)
            failures.append(f"{case}: was accepted")
        except InvalidInput as error:
            message = error.message()
            if expected not in message or name.split("/")[-1] not in message:
                failures.append(f"{case}: {message!r}")
        if _state() != before:
            failures.append(f"{case}: storage or database changed")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("kind", ["pdf", "jpeg", "png"])
def test_good_files_are_stored_encrypted_under_the_naming_convention(world, kind):
    client = world.actor("client")
    data = {"pdf": sample_files.pdf(3), "jpeg": sample_files.jpeg(), "png": sample_files.png()}[kind]
    request_id = add_item(world.actor("attorney"), str(world.matters["own"].id), {**ALL_TYPES, "max_mb": 5})
    done = uploads.upload_bytes(client, request_id, "../../etc/IMG 2024\x00 копия.whatever", data)
    ext = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}[kind]
    assert done.stored_name == f"Any_Scan_Client.{ext}" and done.original_name == "IMG 2024 копия.whatever"
    with db.read() as s:
        version = s.get(DocumentVersion, __import__("uuid").UUID(done.version_id))
        request = s.get(DocumentRequest, version and s.get(Document, version.document_id).request_id)
        task = s.exec(select(Task).where(Task.subject_id == version.id)).one()
    assert request.status == "uploaded" and task.assignee_id == world.users["paralegal"].id
    assert b"".join(filestore.stream(version)) == data
    stored = storage.get_storage().read_range(version.storage_key, 0, 1 << 20)
    assert data[:16] not in stored
    before = _state()
    with pytest.raises(InvalidInput, match="upload.duplicate") as refused:
        uploads.upload_bytes(client, request_id, "again.bin", data)
    assert "Any_Scan_Client" in refused.value.message() and _state() == before
    other = {"pdf": sample_files.pdf(4), "jpeg": sample_files.jpeg((330, 240)), "png": sample_files.png((330, 240))}
    second = uploads.upload_bytes(client, request_id, "again.bin", other[kind])
    assert second.stored_name == f"Any_Scan_Client_2.{ext}"


def test_heic_photo_gets_a_jpeg_rendition_staff_can_open(world):
    client = world.actor("client")
    request_id = add_item(world.actor("attorney"), str(world.matters["own"].id), PHOTOS)
    done = uploads.upload_bytes(client, request_id, "IMG_4711.HEIC", sample_files.heic((640, 480)))
    assert done.content_type == "image/heic" and done.rendition_id
    with db.read() as s:
        rendition = s.get(DocumentVersion, __import__("uuid").UUID(done.rendition_id))
    jpeg = b"".join(filestore.stream(rendition))
    assert jpeg.startswith(b"\xff\xd8\xff") and rendition.stored_name == "Photo_Client.jpg"
    assert file_links.mint(world.actor("paralegal"), done.rendition_id).startswith("/api/files/")


def test_uploads_are_refused_outside_scope_and_to_closed_items(world):
    own_request = add_item(world.actor("attorney"), str(world.matters["own"].id), ALL_TYPES)
    with pytest.raises(NotAllowed):
        uploads.upload_bytes(world.actor("other_client"), own_request, "a.pdf", sample_files.pdf())
    with pytest.raises(NotAllowed):  # HR uploads only what the employer provides
        uploads.upload_bytes(world.actor("hr"), own_request, "a.pdf", sample_files.pdf())
    with db.read() as s:
        employer_item = s.exec(select(DocumentRequest).where(DocumentRequest.matter_id == world.matters["own"].id,
                                                             DocumentRequest.key == "job_offer")).one()
    assert uploads.upload_bytes(world.actor("hr"), str(employer_item.id), "offer.pdf", sample_files.pdf()).version_id
    with db.write() as s:
        s.get(DocumentRequest, employer_item.id).status = "accepted"
    with pytest.raises(InvalidInput, match="upload.request_closed"):
        uploads.upload_bytes(world.actor("client"), str(employer_item.id), "offer.pdf", sample_files.pdf())
