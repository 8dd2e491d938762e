"""USCIS case status: the adapter against a local stand-in for the API (tokens, 401, 404, 422,
429, 500, time-outs, malformed answers), and polling from the loop: status changes reach the
attorney as tasks, the client gets a plain-language notice where that is safe, an RFE adds its
deadline, and the daily limit and back-off hold."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from models import ApiUsage, Deadline, JobState, OutboxMessage, ReceiptStatusEvent, Task, TrackedReceipt, User
from portal_app.jobs import loop
from portal_app.jobs.registry import Job
from portal_app.services.kernel import db
from portal_app.services.kernel.settings import get_settings, reset_settings
from portal_app.services.uscis import polling as uscis_polling
from portal_app.services.uscis import receipts as uscis_receipts
from portal_app.services.uscis.api import UscisClient, UscisError
from tests.integration.uscis_server import CLIENT_ID, CLIENT_SECRET, FakeUscis
from tests.world import build_world

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=timezone.utc)
RECEIPT, OTHER = "EAC2690012345", "WAC2690054321"


@pytest.fixture
def fake(monkeypatch):
    server = FakeUscis()
    for key, value in {"PORTAL_USCIS_ENABLED": "true", "PORTAL_USCIS_BASE_URL": f"{server.base}/case-status",
                       "PORTAL_USCIS_TOKEN_URL": f"{server.base}/oauth/accesstoken", "PORTAL_USCIS_CLIENT_ID": CLIENT_ID,
                       "PORTAL_USCIS_CLIENT_SECRET": CLIENT_SECRET, "PORTAL_USCIS_TIMEOUT_SECONDS": "1"}.items():
        monkeypatch.setenv(key, value)
    reset_settings()
    yield server
    server.stop()


@pytest.fixture
def world(portal_db, fake):
    w = build_world()
    with db.write() as s:
        s.get(User, w.users["client"].id).locale = "es"
    uscis_receipts.add(w.actor("attorney"), str(w.matters["own"].id), "eac-269-001-2345", now=NOW)
    return w


def _poll(now: datetime) -> dict:
    return uscis_polling.poll_due(now, sleep=lambda seconds: None)


def test_adapter_reuses_its_token_and_refreshes_it_once_on_401(fake):
    fake.set_status(RECEIPT, "Case Was Received")
    api = UscisClient(get_settings().uscis)
    assert api.case_status(RECEIPT).status == "Case Was Received"
    assert api.case_status(RECEIPT).form_type == "I-130"
    assert fake.calls("/oauth") == ["/oauth/accesstoken"]
    fake.expire_next_token_use = True
    case = api.case_status(RECEIPT)
    assert case.status_date == date(2026, 3, 10) and case.description_es.startswith("Detalles")
    assert len(fake.calls("/oauth")) == 2 and len(fake.calls()) == 4


def test_adapter_reads_the_other_documented_shape(fake):
    fake.shape = "flat"
    fake.set_status(RECEIPT, "Request for Evidence Was Sent")
    case = UscisClient(get_settings().uscis).case_status(RECEIPT)
    assert (case.status, case.status_date, case.history) == (
        "Request for Evidence Was Sent", date(2026, 3, 10), [("Case Was Received", date(2026, 1, 5))])


@pytest.mark.parametrize("answer, kind", [(None, "not_found"), (422, "bad_receipt"), (429, "rate_limited"),
                                          (500, "unavailable"), (503, "unavailable"), ("slow", "unavailable"),
                                          ("garbage", "bad_response")])
def test_adapter_turns_every_failure_into_a_clear_error(fake, answer, kind):
    if answer is not None:
        fake.statuses[RECEIPT] = {"fail": answer}
    with pytest.raises(UscisError) as caught:
        UscisClient(get_settings().uscis).case_status(RECEIPT)
    assert caught.value.kind == kind
    if answer == 429:
        assert caught.value.retry_after == 120


def test_wrong_credentials_are_an_auth_error(fake, monkeypatch):
    monkeypatch.setenv("PORTAL_USCIS_CLIENT_SECRET", "wrong")
    reset_settings()
    with pytest.raises(UscisError) as caught:
        UscisClient(get_settings().uscis).case_status(RECEIPT)
    assert caught.value.kind == "auth"


def _tasks(kind: str = "uscis_status") -> list[Task]:
    with db.read() as s:
        return list(s.exec(select(Task).where(Task.kind == kind).order_by(Task.created_at)).all())


def _notices() -> list[OutboxMessage]:
    with db.read() as s:
        return list(s.exec(select(OutboxMessage).where(OutboxMessage.template == "uscis_status_notice")).all())


def test_status_changes_reach_the_attorney_and_the_client(world, fake):
    fake.set_status(RECEIPT, "Case Was Received")
    assert _poll(NOW) == {"tracked": 0, "checked": 1, "changed": 1, "errors": 0}
    [first] = _tasks()
    assert first.assignee_id == world.users["attorney"].id and "Case Was Received" in first.title
    assert _notices() == []  # the first status seen is the starting point, not news for the client
    assert _poll(NOW + timedelta(hours=1)) == {"tracked": 0, "checked": 0, "changed": 0, "errors": 0}  # not due
    assert _poll(NOW + timedelta(days=1))["changed"] == 0 and len(_tasks()) == 1  # same status: nothing new
    fake.set_status(RECEIPT, "Request for Evidence Was Sent", date="03-12-2026 10:00:00")
    assert _poll(NOW + timedelta(days=2))["changed"] == 1
    assert [t.title for t in _tasks()][-1] == f"USCIS {RECEIPT}: Request for Evidence Was Sent"
    [notice] = _notices()
    assert notice.locale == "es" and notice.to_address == "client@firm.example"
    assert "USCIS necesita más evidencia" in notice.body_text and "Detalles en español" in notice.body_text
    with db.read() as s:
        rfe = s.exec(select(Deadline).where(Deadline.kind == "rfe_response")).one()
        history = s.exec(select(ReceiptStatusEvent.category).order_by(ReceiptStatusEvent.observed_at)).all()
    assert rfe.due_date == date(2026, 3, 12) + timedelta(days=87) and rfe.source == f"uscis:{RECEIPT}"
    assert history == ["received", "rfe"] and len(_tasks("new_deadline")) == 1
    fake.set_status(RECEIPT, "Case Was Denied", date="05-01-2026 10:00:00")
    assert _poll(NOW + timedelta(days=4))["changed"] == 1
    assert len(_tasks()) == 3 and len(_notices()) == 1  # a denial is for the attorney to tell, not the portal


def test_rate_limit_blocks_polling_until_retry_after(world, fake):
    fake.statuses[RECEIPT] = {"fail": 429}
    assert _poll(NOW)["blocked"] == 1
    calls = len(fake.calls())
    assert _poll(NOW + timedelta(seconds=60))["blocked"] == 1 and len(fake.calls()) == calls  # no request at all
    fake.set_status(RECEIPT, "Case Was Received")
    assert _poll(NOW + timedelta(seconds=121))["checked"] == 1


def test_failures_back_off_per_receipt_and_unknown_numbers_wait_a_week(world, fake):
    uscis_receipts.add(world.actor("attorney"), str(world.matters["own"].id), OTHER, now=NOW)
    fake.statuses[RECEIPT] = {"fail": 500}
    assert _poll(NOW)["errors"] == 2  # OTHER is unknown to USCIS (404)
    with db.read() as s:
        tracked = {t.receipt_number: t for t in s.exec(select(TrackedReceipt)).all()}
    assert tracked[RECEIPT].next_check_at == NOW + timedelta(minutes=15) and "503" not in tracked[RECEIPT].last_error
    assert tracked[OTHER].next_check_at == NOW + timedelta(days=7) and "not_found" in tracked[OTHER].last_error
    _poll(NOW + timedelta(minutes=15))
    with db.read() as s:
        assert s.exec(select(TrackedReceipt.next_check_at).where(TrackedReceipt.receipt_number == RECEIPT)).one() == \
            NOW + timedelta(minutes=45)


def test_the_daily_limit_is_never_exceeded(world, fake, monkeypatch):
    monkeypatch.setenv("PORTAL_USCIS_DAILY_LIMIT", "3")
    reset_settings()
    for n in range(4):
        uscis_receipts.add(world.actor("attorney"), str(world.matters["own"].id), f"LIN26900000{n:02d}", now=NOW)
    for receipt in [RECEIPT] + [f"LIN26900000{n:02d}" for n in range(4)]:
        fake.set_status(receipt, "Case Was Received")
    assert _poll(NOW)["checked"] == 3
    assert _poll(NOW + timedelta(hours=1))["checked"] == 0
    with db.read() as s:
        assert s.get(ApiUsage, ("uscis", NOW.date())).calls == 3
    assert _poll(NOW + timedelta(days=1))["checked"] == 3  # a new day, a new budget: longest waiting first
    with db.read() as s:
        assert all(s.exec(select(TrackedReceipt.last_checked_at)).all())


def test_refused_credentials_fail_the_job_where_admins_see_it(world, fake, monkeypatch):
    monkeypatch.setenv("PORTAL_USCIS_CLIENT_SECRET", "revoked")
    reset_settings()
    fake.set_status(RECEIPT, "Case Was Received")
    job = Job("uscis.poll", lambda now: uscis_polling.poll_due(now, sleep=lambda s: None), timedelta(minutes=5))
    assert loop.run_due_once(NOW, jobs=[job]) == {"uscis.poll": {"error": 1}}
    with db.read() as s:
        state = s.get(JobState, "uscis.poll")
    assert state.last_status == "failed" and "auth" in state.last_error


def test_polling_is_off_by_default_but_receipts_are_tracked(portal_db, monkeypatch):
    monkeypatch.delenv("PORTAL_USCIS_ENABLED", raising=False)
    reset_settings()
    w = build_world()
    with db.write() as s:
        s.merge(w.matters["other"]).receipt_numbers = ["IOE0912345678", "not a receipt"]
    assert uscis_polling.poll_due(NOW) == {"tracked": 1, "checked": 0, "changed": 0, "errors": 0}
    with db.read() as s:
        assert s.exec(select(TrackedReceipt.receipt_number)).all() == ["IOE0912345678"]
