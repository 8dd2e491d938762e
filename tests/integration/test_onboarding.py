"""The getting-started sequence (issue 12 item 6): started by the invitation, each step recorded once
however many passes and workers run, sent in the digest outside quiet hours, stopped when the client
acts or when someone stops it, its days counted on the client's own calendar at the moments that
break naive code (a minute either side of local midnight, the DST changes)."""
from __future__ import annotations

import threading
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import select

from models import AuditEvent, Deadline, Onboarding, OutboxMessage, ReminderItem, User
from portal_app.services.documents import intake
from portal_app.services.identity import invitations
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import NotAllowed
from portal_app.services.messaging import preferences
from portal_app.services.onboarding import sequence, stopping
from portal_app.services.reminders import digests
from tests.world import build_world


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.fixture
def world(portal_db):
    return build_world()


def _started(world, at: str, zone: str = "America/New_York") -> None:
    """The world's client, invited at `at` (UTC), living in `zone`."""
    with db.write() as s:
        user = s.get(User, world.users["client"].id)
        user.timezone = zone
        sequence.start(s, world.actor("paralegal"), user, now=utc(at))


def _steps(world) -> dict[str, str]:
    with db.read() as s:
        rows = s.exec(select(ReminderItem.occurrence, ReminderItem.status).where(
            ReminderItem.subject_type == "onboarding", ReminderItem.recipient_id == world.users["client"].id)).all()
    return dict(rows)


def _status(world) -> tuple[str, str]:
    with db.read() as s:
        row = s.get(Onboarding, world.users["client"].id)
        return row.status, row.stop_reason


def _audit(action: str) -> list[AuditEvent]:
    with db.read() as s:
        return s.exec(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_the_invitation_starts_the_sequence_once(world):
    paralegal = world.actor("paralegal")
    client_id = str(world.clients["client"].id)
    invitations.invite_client(paralegal, full_name="Client", email="client@firm.example", client_id=client_id)
    invitations.invite_client(paralegal, full_name="Client", email="client@firm.example", client_id=client_id)
    assert _status(world) == ("running", "")
    started = _audit("onboarding.started")
    assert len(started) == 1 and started[0].actor_id == paralegal.user_id


def test_welcome_is_recorded_once_and_goes_in_the_digest_after_quiet_hours(world):
    _started(world, "2026-12-01T07:00:00")  # 02:00 in New York
    for _ in range(3):  # three passes of the loop
        sequence.advance(utc("2026-12-01T07:05:00"))
    assert _steps(world) == {"welcome": "pending"}
    assert [e.details["step"] for e in _audit("onboarding.step")] == ["welcome"]
    assert digests.send_due(utc("2026-12-01T12:59:00"))["digests"] == 0  # 07:59: quiet hours till 08:00
    assert digests.send_due(utc("2026-12-01T13:01:00"))["digests"] == 1
    with db.read() as s:
        body = s.exec(select(OutboxMessage.body_text).where(OutboxMessage.template == "reminder_digest")).one()
    assert "Welcome to your secure portal" in body and "/help/quick-start" in body
    assert _steps(world) == {"welcome": "sent"}


def test_two_workers_at_once_record_and_audit_each_step_once(world):
    _started(world, "2026-11-20T15:00:00")
    barrier, errors = threading.Barrier(2), []

    def worker():
        barrier.wait()
        try:
            sequence.advance(utc("2026-11-24T15:00:00"))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors
    assert _steps(world) == {"welcome": "pending", "first_steps": "pending"}
    assert sorted(e.details["step"] for e in _audit("onboarding.step")) == ["first_steps", "welcome"]


# (invited at, UTC moment, client's zone, first steps due?) - three days on the client's calendar
FIRST_STEPS_MOMENTS = [
    ("2026-11-28T03:00:00", "2026-12-01T04:59:00", "America/New_York", True),    # invited 27 Nov 22:00; 30 Nov 23:59
    ("2026-11-28T03:00:00", "2026-11-30T04:59:00", "America/New_York", False),   # 29 Nov 23:59: two days
    ("2026-11-28T03:00:00", "2026-11-30T05:01:00", "America/New_York", True),    # 30 Nov 00:01, UTC says two days
    ("2026-11-28T06:00:00", "2026-12-01T07:59:00", "America/Los_Angeles", True),  # 27 Nov 22:00 LA; 30 Nov 23:59
    ("2026-11-28T06:00:00", "2026-11-30T07:59:00", "America/Los_Angeles", False),  # 29 Nov 23:59 LA
    ("2026-10-29T04:30:00", "2026-11-01T03:59:00", "America/New_York", False),   # 31 Oct 23:59 EDT, before the fall-back
    ("2026-10-29T04:30:00", "2026-11-01T04:30:00", "America/New_York", True),    # 1 Nov 00:30 EDT
    ("2026-10-29T04:30:00", "2026-11-01T06:30:00", "America/New_York", True),    # 01:30 EST, the repeated hour
    ("2026-03-05T05:30:00", "2026-03-08T04:59:00", "America/New_York", False),   # 7 Mar 23:59 EST
    ("2026-03-05T05:30:00", "2026-03-08T07:01:00", "America/New_York", True),    # 8 Mar 03:01 EDT, clocks sprang forward
    ("2026-12-28T05:30:00", "2027-01-01T04:59:00", "America/New_York", True),    # invited 28 Dec 00:30; New Year's Eve 23:59
    ("2028-02-26T05:30:00", "2028-02-29T04:59:00", "America/New_York", False),   # 28 Feb 23:59: two days
    ("2028-02-26T05:30:00", "2028-02-29T05:00:00", "America/New_York", True),    # the leap day's midnight
]


@pytest.mark.parametrize(("invited", "moment", "zone", "due"), FIRST_STEPS_MOMENTS)
def test_first_steps_come_three_days_later_on_the_clients_calendar(world, invited, moment, zone, due):
    _started(world, invited, zone)
    sequence.advance(utc(moment))
    assert ("first_steps" in _steps(world)) is due
    with db.read() as s:
        welcome = s.exec(select(ReminderItem).where(ReminderItem.occurrence == "welcome")).one()
    assert welcome.occurs_on == utc(moment).astimezone(ZoneInfo(zone)).date()  # dated on the client's own day


def test_due_steps_by_local_date_alone():
    started = date(2026, 12, 1)
    assert sequence.due_steps(started, date(2026, 12, 3), None) == ["welcome"]
    assert sequence.due_steps(started, date(2026, 12, 4), None) == ["welcome", "first_steps"]
    assert sequence.due_steps(started, date(2026, 12, 2), date(2026, 12, 9)) == ["welcome", "nudge"]
    assert sequence.due_steps(started, date(2026, 12, 2), date(2026, 12, 10)) == ["welcome"]
    assert sequence.due_steps(started, date(2026, 12, 2), date(2026, 12, 1)) == ["welcome"]  # passed


def _deadline(world, due: date, *, visible: bool = True) -> None:
    with db.write() as s:
        s.add(Deadline(matter_id=world.matters["own"].id, kind="biometrics", title="Biometrics appointment",
                       due_date=due, client_visible=visible))


def test_the_nudge_comes_seven_local_days_before_the_first_date_and_ends_the_sequence(world):
    _started(world, "2026-11-20T15:00:00")
    _deadline(world, date(2026, 12, 9))
    _deadline(world, date(2026, 12, 5), visible=False)  # staff-only: not the client's first date
    sequence.advance(utc("2026-12-02T04:59:00"))  # 1 Dec 23:59 in New York: 8 days left
    assert "nudge" not in _steps(world)
    sequence.advance(utc("2026-12-02T05:01:00"))  # 2 Dec 00:01: 7 days left
    assert _steps(world)["nudge"] == "pending"
    assert _status(world) == ("finished", "done")
    assert digests.send_due(utc("2026-12-02T14:00:00"))["digests"] == 1
    with db.read() as s:
        body = s.exec(select(OutboxMessage.body_text)).one()
    assert "Your first date is coming" in body and "Biometrics" in body
    sequence.advance(utc("2026-12-03T14:00:00"))
    assert len(_audit("onboarding.step")) == 3  # a finished sequence records nothing more


def test_a_client_who_saves_intake_answers_stops_the_sequence_and_the_waiting_step(world):
    with db.write() as s:
        intake.sync_forms(s)
    _started(world, "2026-11-20T15:00:00")
    sequence.advance(utc("2026-11-20T15:05:00"))  # welcome waits for the digest
    intake.save_draft(world.actor("client"), str(world.matters["own"].id), {})
    sequence.advance(utc("2026-11-24T15:00:00"))  # first steps would be due: the client acted
    assert _steps(world) == {"welcome": "dropped"}
    assert _status(world) == ("stopped", "client_acted")
    assert digests.send_due(utc("2026-11-24T15:30:00"))["digests"] == 0
    assert [e.details["reason"] for e in _audit("onboarding.stopped")] == ["client_acted"]


def test_the_client_stops_their_own_mails(world):
    _started(world, "2026-11-20T15:00:00")
    sequence.advance(utc("2026-11-20T15:05:00"))
    client = world.actor("client")
    assert stopping.mine(client).status == "running"
    assert stopping.stop_mine(client) is True
    assert stopping.stop_mine(client) is False  # twice changes nothing
    assert stopping.mine(client).status == "stopped"
    sequence.advance(utc("2026-11-25T15:00:00"))
    assert _steps(world) == {"welcome": "dropped"}
    stopped = _audit("onboarding.stopped")
    assert len(stopped) == 1 and stopped[0].actor_id == client.user_id and stopped[0].details["reason"] == "by_client"


def test_only_the_matters_legal_team_stops_a_clients_mails(world):
    _started(world, "2026-11-20T15:00:00")
    own = str(world.matters["own"].id)
    for outsider in ("other_attorney", "billing", "hr", "other_client"):
        with pytest.raises(NotAllowed):
            stopping.stop_for_matter(world.actor(outsider), own)
    with pytest.raises(NotAllowed):
        stopping.stop_mine(world.actor("paralegal"))
    assert _status(world) == ("running", "")
    assert stopping.for_matter(world.actor("paralegal"), own).status == "running"
    assert stopping.stop_for_matter(world.actor("paralegal"), own) is True
    assert _status(world) == ("stopped", "by_staff")
    assert stopping.for_matter(world.actor("attorney"), own).stop_reason == "by_staff"


def test_reminders_turned_off_keep_the_getting_started_mails_away(world):
    _started(world, "2026-11-20T15:00:00")
    preferences.update(world.actor("client"), reminders_off=True, timezone="America/New_York", locale="en")
    sequence.advance(utc("2026-11-20T15:05:00"))
    digests.send_due(utc("2026-11-20T15:10:00"))
    assert _steps(world) == {"welcome": "opted_out"}


def test_a_sequence_nobody_answers_ends_after_sixty_days(world):
    _started(world, "2026-09-01T15:00:00")
    sequence.advance(utc("2026-11-20T15:00:00"))
    assert _status(world) == ("finished", "expired")
    assert "first_steps" not in _steps(world)


def test_a_client_without_a_case_yet_gets_the_welcome_when_the_case_opens(world):
    _started(world, "2026-11-20T15:00:00")
    with db.write() as s:
        s.execute(sa.update(type(world.matters["own"])).values(status="closed"))
    sequence.advance(utc("2026-11-20T15:05:00"))
    assert _steps(world) == {}
    with db.write() as s:
        s.execute(sa.update(type(world.matters["own"])).values(status="open"))
    sequence.advance(utc("2026-11-20T16:05:00"))
    assert set(_steps(world)) == {"welcome"}
