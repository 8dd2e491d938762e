"""The audit chain anchored outside the database, attacked the way the penetration tester did: copy
the database (an SQLite file, or a PostgreSQL schema), drop the append-only triggers, rewrite the
copy, and run `audit verify` against it. Each rewrite used to verify as OK; now each fails and
says what is missing or changed, because events carry MACs keyed from the master keys and signed
checkpoints of the head sit in a file the database cannot touch.
"""
from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa
from sqlmodel import select

from models import AuditEvent
from portal_app import cli
from portal_app.services.auditing import anchors, checkpointing
from portal_app.services.kernel import audit, db
from portal_app.services.kernel.settings import get_settings, reset_settings

CHECKPOINT_AT = datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc)  # 10:00 in the firm's New York
WHEN = "2026-12-01 10:00 EST"


def _append(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        with db.write() as s:
            audit.record(s, "test.event", object_type="thing", object_id=str(i), details={"n": i})


def _exec(*statements: str) -> None:
    with db.get_engine().begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


@pytest.fixture
def copies():
    """PostgreSQL schemas made by _copy_database, dropped afterwards."""
    made: list[str] = []
    yield made
    db.dispose_engines()
    reset_settings()
    for schema in made:
        _exec(f"DROP SCHEMA {schema} CASCADE")


def _copy_database(tmp_path, monkeypatch, copies=None) -> None:
    """Copy the audit tables to a second database, without the triggers, and point the portal at it."""
    url = get_settings().database_url
    db.dispose_engines()
    if url.startswith("sqlite"):
        copy = tmp_path / "copy.db"
        with sqlite3.connect(url.removeprefix("sqlite:///")) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)
        monkeypatch.setenv("PORTAL_DATABASE_URL", f"sqlite:///{copy}")
        reset_settings()
        _exec("DROP TRIGGER audit_event_no_update", "DROP TRIGGER audit_event_no_delete")
        return
    schema = f"copy_{uuid.uuid4().hex[:8]}"
    copies.append(schema)
    source = sa.make_url(url).query["options"].split("=")[1]
    _exec(f"CREATE SCHEMA {schema}",
          *(f"CREATE TABLE {schema}.{t} (LIKE {source}.{t} INCLUDING ALL); "
            f"INSERT INTO {schema}.{t} SELECT * FROM {source}.{t}" for t in ("audit_event", "audit_head")))
    monkeypatch.setenv("PORTAL_DATABASE_URL", url.replace(source, schema))
    reset_settings()


def _verify_copy(capsys) -> tuple[int, str]:
    code = cli.main(["audit", "verify"])
    return code, capsys.readouterr().out


@pytest.fixture
def chain(portal_db):
    """60 events and a checkpoint of the head at 10:00, then 0 events more."""
    _append(60)
    assert checkpointing.write_checkpoint(CHECKPOINT_AT)["seq"] == 60
    return portal_db


def test_the_intact_copy_verifies_against_the_checkpoint(chain, tmp_path, monkeypatch, capsys, copies):
    _copy_database(tmp_path, monkeypatch, copies)
    code, out = _verify_copy(capsys)
    assert code == 0, out
    assert "audit chain OK: 60 events verified" in out and f"checkpoint of {WHEN} (head #60" in out


def test_deleting_the_newest_events_and_rewriting_the_head_is_caught(chain, tmp_path, monkeypatch, capsys, copies):
    _copy_database(tmp_path, monkeypatch, copies)
    with db.read() as s:
        forty = s.get(AuditEvent, 40).entry_hash
    _exec("DELETE FROM audit_event WHERE seq > 40", f"UPDATE audit_head SET last_seq = 40, last_hash = '{forty}'")
    with db.read() as s:
        assert audit.verify(s).ok  # the chain alone is consistent: only the checkpoint can tell
    code, out = _verify_copy(capsys)
    assert code == 1
    assert (f"BROKEN at event #41: events #41\u2013#60 are missing: the checkpoint of {WHEN} says the head was #60"
            in out)


def test_wiping_everything_and_resetting_the_head_is_caught(chain, tmp_path, monkeypatch, capsys, copies):
    _copy_database(tmp_path, monkeypatch, copies)
    _exec("DELETE FROM audit_event", f"UPDATE audit_head SET last_seq = 0, last_hash = '{audit.GENESIS_HASH}'")
    code, out = _verify_copy(capsys)
    assert code == 1
    assert f"BROKEN at event #1: events #1\u2013#60 are missing: the checkpoint of {WHEN} says the head was #60" in out


def _rehash_from(seq: int, edit: dict) -> None:
    """Edit one event, then recompute every hash after it and the head: what a careful attacker does."""
    with db.read() as s:
        events = list(s.exec(select(AuditEvent).where(AuditEvent.seq >= seq).order_by(AuditEvent.seq)))
        prev_hash = s.get(AuditEvent, seq - 1).entry_hash if seq > 1 else audit.GENESIS_HASH
    statements = []
    for event in events:
        for name, value in (edit if event.seq == seq else {}).items():
            setattr(event, name, value)
        event.prev_hash, event.entry_hash = prev_hash, audit.compute_hash(prev_hash, event)
        sets = "".join(f", {name} = '{value}'" for name, value in (edit if event.seq == seq else {}).items())
        statements.append(f"UPDATE audit_event SET prev_hash = '{event.prev_hash}', entry_hash = '{event.entry_hash}'"
                          f"{sets} WHERE seq = {event.seq}")
        prev_hash = event.entry_hash
    _exec(*statements, f"UPDATE audit_head SET last_hash = '{prev_hash}'")


def test_editing_an_event_and_rehashing_the_rest_is_caught(chain, tmp_path, monkeypatch, capsys, copies):
    _copy_database(tmp_path, monkeypatch, copies)
    _rehash_from(17, {"object_id": "nothing-to-see"})
    code, out = _verify_copy(capsys)
    assert code == 1
    assert "BROKEN at event #17: event #17 was changed: its signature does not match" in out


def test_rehashing_and_claiming_a_retired_key_still_fails_at_the_checkpoint(chain, tmp_path, monkeypatch, capsys, copies):
    """Signatures of unknown keys cannot be checked; the checkpoint's hash still pins the chain."""
    _copy_database(tmp_path, monkeypatch, copies)
    _rehash_from(17, {"object_id": "nothing-to-see"})
    _exec("UPDATE audit_event SET mac_key = 'feedfacefeedface' WHERE seq >= 17")
    code, out = _verify_copy(capsys)
    assert code == 1
    assert (f"event #60 is not the one the checkpoint of {WHEN} recorded: events up to #60 were rewritten; "
            "the change is among #17\u2013#60") in out


def test_events_after_the_last_checkpoint_need_their_signature(chain, tmp_path, monkeypatch, capsys, copies):
    _append(5, start=60)
    _copy_database(tmp_path, monkeypatch, copies)
    _exec("UPDATE audit_event SET mac = '', mac_key = '' WHERE seq = 63")
    code, out = _verify_copy(capsys)
    assert code == 1 and "BROKEN at event #63: event #63 carries no signature" in out


def test_a_forged_checkpoint_line_is_named(chain, capsys):
    path = anchors.FileAnchor(get_settings().audit.checkpoint_dir).path
    line = path.read_text().splitlines()[0]
    path.write_text(line + "\n" + line.replace('"seq": 60', '"seq": 70') + "\n")
    code, out = _verify_copy(capsys)
    assert code == 1 and "was altered: its signature does not match" in out and "line 2" in out


def test_the_job_checkpoints_only_a_chain_that_verifies_and_only_when_it_moved(chain):
    assert checkpointing.write_checkpoint(CHECKPOINT_AT) == {"unchanged": 1}
    _append(3, start=60)
    assert checkpointing.write_checkpoint(CHECKPOINT_AT)["seq"] == 63
    _append(1, start=63)
    _exec("DROP TRIGGER audit_event_no_update" if db.is_sqlite()
          else "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change",
          "UPDATE audit_event SET object_id = 'x' WHERE seq = 64")
    with pytest.raises(checkpointing.ChainBroken, match="event #64 was changed"):
        checkpointing.write_checkpoint(CHECKPOINT_AT)
    lines = anchors.FileAnchor(get_settings().audit.checkpoint_dir).path.read_text().splitlines()
    assert len(lines) == 2  # nothing was signed for the broken chain


def test_events_from_before_the_upgrade_are_vouched_for_by_the_first_checkpoint(portal_db, capsys):
    _append(4)
    _exec("DROP TRIGGER audit_event_no_update" if db.is_sqlite()
          else "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change",
          "UPDATE audit_event SET mac = '', mac_key = ''")  # as migration 0005 leaves older events
    code, out = _verify_copy(capsys)
    assert code == 1 and "no checkpoint covers it (run `audit checkpoint`" in out
    assert cli.main(["audit", "checkpoint"]) == 0
    code, out = _verify_copy(capsys)
    assert code == 0 and "4 event(s) carry no signature a configured key can check" in out
