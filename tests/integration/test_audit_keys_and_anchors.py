"""What anchors the audit log: the MAC keys derived from the master keys (and their rotation), the
S3 anchor under Object Lock (moto's S3 server), and the settings that say where checkpoints go."""
from __future__ import annotations

import secrets

import uuid
from datetime import datetime, timezone

import boto3
import pytest
from cryptography.fernet import Fernet

from portal_app import cli
from portal_app.services.auditing import anchors, checkpointing
from portal_app.services.kernel import audit, db
from portal_app.services.kernel.audit import checkpoints as audit_checkpoints
from portal_app.services.kernel.settings import SettingsError, get_settings, load_settings, reset_settings
from tests.moto_s3 import moto_server  # noqa: F401 - fixture

AT = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)


def _append(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        with db.write() as s:
            audit.record(s, "test.event", object_id=str(i))


def _keys(monkeypatch, *keys: str) -> None:
    monkeypatch.setenv("PORTAL_MASTER_KEYS", ",".join(keys))
    reset_settings()


def test_rotating_the_master_keys_keeps_old_events_verifiable(portal_db, monkeypatch, capsys):
    old, new = get_settings().master_keys[0].get_secret_value(), Fernet.generate_key().decode()
    _append(5)
    checkpointing.write_checkpoint(AT)
    _keys(monkeypatch, new, old)  # the new key first: new events are signed with it
    _append(3, start=5)
    assert cli.main(["audit", "verify"]) == 0
    assert cli.main(["keys", "status"]) == 1  # not yet safe to remove the old key
    assert "the newest key's checkpoints reach only #0 of #5: run `keys rotate`" in capsys.readouterr().out
    _keys(monkeypatch, new)  # removing the old key too early: its events can no longer be checked
    assert cli.main(["audit", "verify"]) == 1
    assert "BROKEN at event #1: event #1 carries no signature a configured master key can check" in capsys.readouterr().out
    with pytest.raises(checkpointing.ChainBroken, match="no checkpoint covers it"):
        checkpointing.write_checkpoint(AT)  # and the job will not vouch for events it cannot check
    _keys(monkeypatch, new, old)
    assert cli.main(["keys", "rotate"]) == 0  # re-wraps file keys and checkpoints the chain with the new key
    assert "audit chain checkpointed at #8 with the newest master key" in capsys.readouterr().out
    _keys(monkeypatch, new)
    assert cli.main(["audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "audit chain OK: 8 events verified" in out
    assert "5 event(s) carry no signature a configured key can check; the checkpoints that cover them vouch" in out
    assert "1 checkpoint(s) signed with a master key that is no longer configured were skipped" in out


@pytest.fixture
def locked_bucket(moto_server, monkeypatch):  # noqa: F811 - the fixture
    bucket = f"audit-{uuid.uuid4().hex[:10]}"
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "PORTAL_S3_REGION": "us-east-1", "PORTAL_S3_ENDPOINT_URL": moto_server,
                       "PORTAL_AUDIT_CHECKPOINT_S3_BUCKET": bucket}.items():
        monkeypatch.setenv(key, value)
    reset_settings()
    client = boto3.client("s3", region_name="us-east-1", endpoint_url=moto_server)
    client.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    return client, bucket


def test_checkpoints_in_s3_are_locked_and_catch_a_deleted_tail(portal_db, locked_bucket, capsys):
    client, bucket = locked_bucket
    _append(12)
    assert checkpointing.write_checkpoint(AT)["anchors"] == 2  # the file and the bucket
    (version,) = client.list_object_versions(Bucket=bucket)["Versions"]
    assert version["Key"] == "audit-checkpoints/000000000012-20261201T150000000000Z.json"
    with pytest.raises(client.exceptions.ClientError, match="AccessDenied"):
        client.delete_object(Bucket=bucket, Key=version["Key"], VersionId=version["VersionId"])
    client.delete_object(Bucket=bucket, Key=version["Key"])  # only a delete marker: listing versions sees through it
    anchors.FileAnchor(get_settings().audit.checkpoint_dir).path.unlink()  # lose the file anchor as well
    with db.get_engine().begin() as conn:
        eleven = conn.exec_driver_sql("SELECT entry_hash FROM audit_event WHERE seq = 10").scalar()
        if db.is_sqlite():
            conn.exec_driver_sql("DROP TRIGGER audit_event_no_delete")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change")
        conn.exec_driver_sql("DELETE FROM audit_event WHERE seq > 10")
        conn.exec_driver_sql(f"UPDATE audit_head SET last_seq = 10, last_hash = '{eleven}'")
    assert cli.main(["audit", "verify"]) == 1
    assert "events #11\u2013#12 are missing: the checkpoint of 2026-12-01 10:00 EST says the head was #12" in \
        capsys.readouterr().out


def test_a_bucket_without_object_lock_still_gets_checkpoints_and_says_so(portal_db, locked_bucket, monkeypatch):
    client, _ = locked_bucket
    plain = f"plain-{uuid.uuid4().hex[:8]}"
    client.create_bucket(Bucket=plain)
    monkeypatch.setenv("PORTAL_AUDIT_CHECKPOINT_S3_BUCKET", plain)
    reset_settings()
    (s3,) = [anchor for anchor in anchors.configured() if isinstance(anchor, anchors.S3Anchor)]
    assert s3.append(audit_checkpoints.make(1, "a" * 64, AT)) == "stored WITHOUT object lock (the bucket has none)"
    (checkpoint,), notes = s3.read()
    assert (checkpoint.seq, checkpoint.entry_hash, notes) == (1, "a" * 64, [])


def test_production_needs_a_checkpoint_destination_outside_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_SECRET_KEY", secrets.token_urlsafe(48))
    monkeypatch.setenv("PORTAL_MASTER_KEYS", Fernet.generate_key().decode())
    monkeypatch.setenv("PORTAL_PAYMENTS", "sandbox")
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PORTAL_AUDIT_CHECKPOINT_DIR", raising=False)
    with pytest.raises(SettingsError, match="PORTAL_AUDIT_CHECKPOINT_DIR"):
        load_settings()
    monkeypatch.setenv("PORTAL_AUDIT_CHECKPOINT_DIR", str(tmp_path / "data" / "anchors"))
    with pytest.raises(SettingsError, match="outside PORTAL_DATA_DIR"):
        load_settings()
    monkeypatch.setenv("PORTAL_AUDIT_CHECKPOINT_DIR", str(tmp_path / "anchors"))
    assert load_settings().audit.checkpoint_dir == tmp_path / "anchors"
