"""The audit chain: appended in the same transaction as the change, verified end to end, and
any update, delete or reordering of rows is caught and the first broken event named."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from models import AuditEvent
from portal_app import cli
from portal_app.services.kernel import audit, db


def _append(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        with db.write() as s:
            audit.record(s, "test.event", object_type="thing", object_id=str(i), details={"n": i})


def _untrigger() -> None:
    """What an attacker with database access would do first: switch the append-only guard off."""
    with db.get_engine().begin() as conn:
        if db.is_sqlite():
            conn.exec_driver_sql("DROP TRIGGER audit_event_no_update")
            conn.exec_driver_sql("DROP TRIGGER audit_event_no_delete")
        else:
            conn.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change")


def _exec(sql: str) -> None:
    with db.get_engine().begin() as conn:
        conn.exec_driver_sql(sql)


def _verify() -> audit.VerifyResult:
    with db.read() as s:
        return audit.verify(s)


def test_intact_chain_verifies(portal_db, capsys):
    _append(25)
    result = _verify()
    assert result.ok and result.checked == 25
    assert cli.main(["audit", "verify"]) == 0
    assert "audit chain OK: 25 events" in capsys.readouterr().out


def test_event_is_written_only_if_its_transaction_commits(portal_db):
    _append(2)
    with pytest.raises(RuntimeError):
        with db.write() as s:
            audit.record(s, "test.rolled_back")
            raise RuntimeError("the change failed")
    _append(1, start=2)
    with db.read() as s:
        actions = s.exec(sa.select(AuditEvent.action).order_by(AuditEvent.seq)).scalars().all()
    assert actions == ["test.event"] * 3
    assert _verify().ok


def test_database_refuses_update_and_delete(portal_db):
    _append(3)
    for statement in ["UPDATE audit_event SET action = 'x' WHERE seq = 2", "DELETE FROM audit_event WHERE seq = 2"]:
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            _exec(statement)
    assert _verify().ok


def test_edited_event_is_named(portal_db, capsys):
    _append(10)
    _untrigger()
    _exec("UPDATE audit_event SET object_id = 'forged' WHERE seq = 7")
    result = _verify()
    assert not result.ok and result.first_bad_seq == 7 and "edited" in result.reason
    assert cli.main(["audit", "verify"]) == 1
    assert "BROKEN at event #7" in capsys.readouterr().out


def test_edited_and_rehashed_event_is_named_by_its_signature(portal_db):
    _append(6)
    _untrigger()
    with db.read() as s:
        event = s.get(AuditEvent, 3)
    event.object_id = "forged"
    forged_hash = audit.compute_hash(event.prev_hash, event)
    _exec(f"UPDATE audit_event SET object_id = 'forged', entry_hash = '{forged_hash}' WHERE seq = 3")
    result = _verify()
    assert not result.ok and result.first_bad_seq == 3 and "signature does not match" in result.reason


def test_deleted_event_is_named(portal_db):
    _append(8)
    _untrigger()
    _exec("DELETE FROM audit_event WHERE seq = 5")
    result = _verify()
    assert not result.ok and result.first_bad_seq == 5 and "missing" in result.reason


def test_deleted_tail_is_caught_by_the_chain_head(portal_db):
    _append(8)
    _untrigger()
    _exec("DELETE FROM audit_event WHERE seq >= 7")
    result = _verify()
    assert not result.ok and result.first_bad_seq == 7


def test_reordered_events_are_caught(portal_db):
    _append(6)
    _untrigger()
    _exec("UPDATE audit_event SET seq = 1000 WHERE seq = 2")
    _exec("UPDATE audit_event SET seq = 2 WHERE seq = 3")
    _exec("UPDATE audit_event SET seq = 3 WHERE seq = 1000")
    result = _verify()
    assert not result.ok and result.first_bad_seq == 2


def test_concurrent_writers_never_fork_the_chain(portal_db):
    threads = [threading.Thread(target=_append, args=(10, i * 10)) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    result = _verify()
    assert result.ok and result.checked == 40
