"""The orphan sweeper (services/files/orphans.py), on the local folder and on S3 (moto): an
encrypted object with no database row is removed once older than the grace period, never before;
an object a row names is never removed; writes cut off mid-file (a `.part` file, an unfinished
multipart upload) are cleaned up; objects not in our key format are left alone."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest
from sqlmodel import select

from models import AuditEvent, DocumentRequest
from portal_app.services.documents import checklists, uploads
from portal_app.services.files import orphans, storage
from portal_app.services.files import store as filestore
from portal_app.services.kernel import db
from portal_app.services.kernel.clock import utcnow
from tests import sample_files
from tests.moto_s3 import all_objects, moto_server, s3_settings  # noqa: F401 - fixtures
from tests.world import build_world

LATER = timedelta(hours=25)  # past the default grace of 24 hours


def _one_uploaded_version(world) -> str:
    with db.write() as s:
        checklists.instantiate(s, None, s.merge(world.matters["own"]))
    with db.read() as s:
        request = s.exec(select(DocumentRequest).where(DocumentRequest.matter_id == world.matters["own"].id,
                                                       DocumentRequest.provided_by == "beneficiary")).first()
    done = uploads.upload_bytes(world.actor("client"), str(request.id), "scan.pdf", sample_files.pdf(1))
    return done.version_id


def _keys() -> set[str]:
    return {item.key for item in storage.get_storage().items()}


def _sweeps() -> list[AuditEvent]:
    with db.read() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == "files.orphans_swept")).all())


def _orphan_and_cut_off_write() -> tuple[str, object]:
    orphan = filestore.seal_bytes(os.urandom(50_000))  # finished, but its row never committed
    cut_off = filestore.Upload()
    cut_off.write(os.urandom(9 * 1024 * 1024))  # on S3 this starts a multipart upload; never finished
    return orphan.storage_key, cut_off


def _check_sweep(world, write_dates_are_real: bool = True) -> None:
    _one_uploaded_version(world)
    kept = _keys()
    orphan, _cut_off = _orphan_and_cut_off_write()
    assert orphan in _keys()

    early = orphans.sweep(utcnow())  # within the grace period: the object is untouched
    assert early["removed"] == 0 and orphan in _keys()
    if write_dates_are_real:
        assert early["aborted"] == 0 and _sweeps() == []

    result = orphans.sweep(utcnow() + LATER)
    assert result["removed"] == 1 and early["aborted"] + result["aborted"] == 1
    assert _keys() == kept  # the rows' objects are all still there
    events = _sweeps()
    assert sum(e.details["removed"] for e in events) == 1
    assert sum(e.details["stale_writes_aborted"] for e in events) == 1
    assert orphans.sweep(utcnow() + LATER) == {"removed": 0, "aborted": 0}


def test_local_folder(portal_db):
    world = build_world()
    root = storage.get_storage().root
    (root / "README.txt").write_text("not ours")
    _check_sweep(world)
    assert (root / "README.txt").exists()
    assert not list(root.glob("??/.*.part"))


def test_s3(portal_db, s3_settings):  # noqa: F811
    world = build_world()
    s3_settings.client.put_object(Bucket=s3_settings.bucket, Key="backups/manifest.json", Body=b"{}")
    s3_settings.client.put_object(Bucket=s3_settings.bucket, Key="firm-files/ab/not-a-key", Body=b"x")
    _check_sweep(world, write_dates_are_real=False)  # moto reports every multipart upload as begun in 2010
    assert "backups/manifest.json" in all_objects(s3_settings)
    assert "firm-files/ab/not-a-key" in all_objects(s3_settings)
    assert s3_settings.client.list_multipart_uploads(Bucket=s3_settings.bucket).get("Uploads", []) == []


@pytest.mark.parametrize("hours", [1, 48])
def test_the_grace_period_is_a_setting(portal_db, monkeypatch, hours):
    from portal_app.services.kernel.settings import reset_settings

    monkeypatch.setenv("PORTAL_ORPHAN_GRACE_HOURS", str(hours))
    reset_settings()
    build_world()
    orphan = filestore.seal_bytes(b"x" * 1000)
    removed = orphans.sweep(utcnow() + timedelta(hours=2))["removed"]
    assert removed == (1 if hours == 1 else 0)
    assert (orphan.storage_key in _keys()) == (hours != 1)
