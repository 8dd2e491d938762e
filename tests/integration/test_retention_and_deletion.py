"""Retention with a legal hold, on local storage and on S3 (moto's server): the daily job only lists;
nothing is deleted before an administrator approves; deletion destroys each file's data key and its
stored object, leaves the held matter and the trust-accounting records alone, and writes a deletion
certificate that verifies against the audit chain, which stays intact. Dates are the firm's local
dates (New York), tested at the local midnight that the UTC date gets wrong."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from sqlmodel import select

from models import AuditEvent, DocumentVersion, Matter, RetentionReview
from portal_app.services.files import store as filestore
from portal_app.services.files.storage import get_storage
from portal_app.services.kernel import audit, db
from portal_app.services.kernel.errors import Conflict, InvalidInput, NotAllowed
from portal_app.services.records import certificates, deletion, due, holds, policies, reviews
from tests.moto_s3 import moto_server, s3_settings  # noqa: F401 - fixtures
from tests.records_fixtures import add_evidence, add_invoice_pdf
from tests.world import build_world

CLOSED = datetime(2024, 1, 15, 3, 0, tzinfo=timezone.utc)  # 14 January, 22:00 in New York
BEFORE_DUE = datetime(2026, 1, 14, 4, 59, tzinfo=timezone.utc)  # 13 January 23:59 in New York
DUE = datetime(2026, 1, 14, 5, 0, tzinfo=timezone.utc)  # local midnight: 24 months after the local closing day


@pytest.fixture(params=["local", "s3"])
def practice(request, portal_db):
    if request.param == "s3":
        request.getfixturevalue("s3_settings")
    world = build_world()
    files = {"own": add_evidence(world.matters["own"], "Passport bio page", versions=2)
             + add_evidence(world.matters["own"], "Employment letter"),
             "other": add_evidence(world.matters["other"], "Passport bio page")}
    invoice = add_invoice_pdf(world.matters["own"])
    with db.write() as s:
        for key in ("own", "other"):
            matter = s.get(Matter, world.matters[key].id)
            matter.status, matter.closed_at = "closed", CLOSED
    policies.set_policy(world.actor("admin"), "H1B", 24)
    holds.place(world.actor("admin"), str(world.matters["other"].id),
                "Litigation about the employer's petition")
    return world, files, invoice


def _version(version_id: str) -> DocumentVersion:
    with db.read() as s:
        return s.get(DocumentVersion, uuid.UUID(version_id))


def _readable(version_id: str) -> bool:
    try:
        b"".join(filestore.stream(_version(version_id)))
        return True
    except Exception:  # noqa: BLE001 - any failure to open is "unreadable"
        return False


def test_nothing_falls_due_the_evening_before_local_midnight(practice):
    assert due.list_due(BEFORE_DUE) == {"listed": 0}


def test_a_retention_run_deletes_only_what_it_should_and_only_after_approval(practice):
    world, files, invoice = practice
    assert due.list_due(DUE) == {"listed": 1}
    assert due.list_due(DUE) == {"listed": 0}  # idempotent: the matter already waits
    (review,) = reviews.listing(world.actor("admin"), "pending")
    assert review.reference == "T-1" and review.files_due == 3 and review.due_on.isoformat() == "2026-01-14"
    assert all(_readable(v) for v, _ in files["own"])  # listed, not deleted

    for role in ("attorney", "paralegal", "billing", "client"):
        with pytest.raises(NotAllowed):
            deletion.approve(world.actor(role), review.id, DUE)
    assert all(_readable(v) for v, _ in files["own"])

    outcome = deletion.approve(world.actor("admin"), review.id, DUE)
    assert outcome.files == 3
    storage = get_storage()
    for version_id, _sha in files["own"]:
        version = _version(version_id)
        assert version.wrapped_key == "" and version.shredded_at is not None
        assert not storage.exists(version.storage_key)
        assert not _readable(version_id)
    # the held matter and the invoice PDF (a trust-accounting record, kept five years) are untouched
    assert all(_readable(v) for v, _ in files["other"])
    assert _readable(invoice)

    check = certificates.verify(world.actor("admin"), review.id)
    assert check.ok, check.problems
    listed = {(f["version_id"], f["sha256"], f["size"]) for f in check.certificate["files"]}
    assert listed == {(v, sha, _version(v).size_bytes) for v, sha in files["own"]}
    assert check.certificate["approval"]["by_id"] == str(world.users["admin"].id)
    assert check.certificate["policy"] == {"scope": "H1B", "keep_months": 24, "closed_on": "2024-01-14",
                                           "due_on": "2026-01-14"}
    with db.read() as s:
        assert audit.verify(s).ok
        actions = [e.action for e in s.exec(select(AuditEvent).where(AuditEvent.object_id == review.id)
                                            .order_by(AuditEvent.seq)).all()]
    assert actions == ["retention.listed", "retention.deletion_approved", "retention.deletion_certificate"]
    assert "%PDF" not in str(check.certificate)  # names, sizes and hashes; no content


def test_a_hold_stops_everything_and_its_release_lets_the_matter_fall_due(practice):
    world, files, _invoice = practice
    due.list_due(DUE)
    (review,) = reviews.listing(world.actor("admin"), "pending")
    hold_id = holds.place(world.actor("attorney"), str(world.matters["own"].id), "A malpractice claim was filed")
    with pytest.raises(Conflict):
        deletion.approve(world.actor("admin"), review.id, DUE)
    assert all(_readable(v) for v, _ in files["own"])
    holds.release(world.actor("attorney"), hold_id, "The claim was withdrawn")
    other_hold = holds.in_force(world.actor("admin"))[0]
    holds.release(world.actor("admin"), other_hold.id, "Litigation settled")
    assert due.list_due(DUE) == {"listed": 1}  # the other matter now falls due too
    deletion.approve(world.actor("admin"), review.id, DUE)
    assert not any(_readable(v) for v, _ in files["own"])


def test_trust_records_are_kept_five_years_whatever_the_policy(practice):
    world, _files, invoice = practice
    due.list_due(DUE)
    (first,) = reviews.listing(world.actor("admin"), "pending")
    deletion.approve(world.actor("admin"), first.id, DUE)
    assert due.list_due(datetime(2028, 1, 14, 5, 0, tzinfo=timezone.utc)) == {"listed": 0}  # four years: kept
    assert due.list_due(datetime(2029, 1, 14, 5, 0, tzinfo=timezone.utc)) == {"listed": 1}  # five years
    (review,) = reviews.listing(world.actor("admin"), "pending")
    assert review.files_due == 1
    deletion.approve(world.actor("admin"), review.id, datetime(2029, 1, 14, 5, 0, tzinfo=timezone.utc))
    assert not _readable(invoice)
    assert certificates.verify(None, review.id).ok


def test_a_tampered_certificate_or_a_surviving_object_is_caught(practice):
    world, files, _invoice = practice
    due.list_due(DUE)
    (review,) = reviews.listing(world.actor("admin"), "pending")
    deletion.approve(world.actor("admin"), review.id, DUE)
    with db.write() as s:  # someone restores a data key from a backup
        version = s.get(DocumentVersion, uuid.UUID(files["own"][0][0]))
        version.wrapped_key = "gAAAA-restored"
    check = certificates.verify(None, review.id)
    assert not check.ok and "data key still exists" in check.problems[0]


def test_bad_input_gets_a_clear_answer(practice):
    world, _files, _invoice = practice
    admin = world.actor("admin")
    with pytest.raises(InvalidInput) as months:
        policies.set_policy(admin, "H1B", "3")
    assert "12 to 1200" in months.value.message()
    with pytest.raises(InvalidInput):
        policies.set_policy(admin, "NOPE", 36)
    with pytest.raises(NotAllowed):
        policies.set_policy(world.actor("attorney"), "H1B", 36)
    with pytest.raises(InvalidInput):
        holds.place(admin, str(world.matters["own"].id), "no")
    with pytest.raises(NotAllowed):
        holds.place(world.actor("paralegal"), str(world.matters["own"].id), "A good reason to hold")
    with pytest.raises(InvalidInput):
        deletion.approve(admin, str(uuid.uuid4()), DUE)
    due.list_due(DUE)
    (review,) = reviews.listing(admin, "pending")
    deletion.cancel(admin, review.id, "The client asked us to keep the file")
    with pytest.raises(Conflict):
        deletion.approve(admin, review.id, DUE)
    with db.read() as s:
        assert s.get(RetentionReview, uuid.UUID(review.id)).status == "cancelled"
