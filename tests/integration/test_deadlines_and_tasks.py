"""Deadlines (rules, override with a reason, completion), task lists, mail settings, and the
one-digest-a-day rule, through the services with their permission checks and audit events."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from models import AuditEvent, DocumentRequest, OutboxMessage, ReminderDigest, Task, User
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import InvalidInput, NotAllowed
from portal_app.services.matters import deadlines
from portal_app.services.messaging import preferences
from portal_app.services.reminders import collect as reminders
from portal_app.services.reminders import digests
from portal_app.services.tasks import lists as task_list
from tests.world import build_world

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)  # 10:00 in New York


@pytest.fixture
def world(portal_db):
    w = build_world()
    with db.write() as s:
        s.get(User, w.users["client"].id).locale = "es"
    return w


def _audit(action: str) -> list[AuditEvent]:
    with db.read() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_a_deadline_is_dated_by_its_rule_tasked_and_announced(world):
    own = str(world.matters["own"].id)
    rfe = deadlines.add(world.actor("paralegal"), own, kind="rfe_response", notice_date=date(2026, 2, 20), now=NOW)
    assert rfe.due_date == date(2026, 5, 18) and rfe.rule == "notice date + 84 days + 3 mailing days"
    assert not rfe.client_visible
    bio = deadlines.add(world.actor("attorney"), own, kind="biometrics", due_date=date(2026, 3, 20), now=NOW)
    assert bio.client_visible
    with db.read() as s:
        tasks = s.exec(select(Task).where(Task.kind == "new_deadline")).all()
        notice = s.exec(select(OutboxMessage).where(OutboxMessage.template == "deadline_notice")).one()
    assert {t.assignee_id for t in tasks} == {world.users["attorney"].id}
    assert notice.locale == "es" and "Cita de datos biométricos" in notice.subject and "20 de marzo" in notice.subject
    assert [d.kind for d in deadlines.for_matter(world.actor("client"), own, now=NOW)] == ["biometrics"]
    assert [d.kind for d in deadlines.for_matter(world.actor("attorney"), own, now=NOW)] == ["biometrics", "rfe_response"]
    assert len(_audit("deadline.added")) == 2


@pytest.mark.parametrize("role", ["billing", "client", "hr", "other_attorney"])
def test_only_the_legal_team_changes_deadlines(world, role):
    with pytest.raises(NotAllowed):
        deadlines.add(world.actor(role), str(world.matters["own"].id), kind="interview", due_date=date(2026, 4, 1))


def test_override_needs_a_reason_and_is_audited(world):
    own = str(world.matters["own"].id)
    bio = deadlines.add(world.actor("attorney"), own, kind="biometrics", due_date=date(2026, 3, 20), now=NOW)
    with pytest.raises(InvalidInput) as caught:
        deadlines.override(world.actor("attorney"), bio.id, date(2026, 3, 27), "  ")
    assert caught.value.code == "deadline.reason_required"
    moved = deadlines.override(world.actor("attorney"), bio.id, date(2026, 3, 27), "USCIS rescheduled the appointment",
                               now=NOW)
    assert moved.overridden and moved.due_date == date(2026, 3, 27)
    [event] = _audit("deadline.overridden")
    assert event.details == {"from": "2026-03-20", "to": "2026-03-27", "rule_date": "2026-03-20",
                             "reason": "USCIS rescheduled the appointment"}
    with db.read() as s:
        notices = s.exec(select(OutboxMessage.body_text).where(OutboxMessage.template == "deadline_notice")
                         .order_by(OutboxMessage.created_at)).all()
    assert len(notices) == 2 and "Cambió una fecha de su caso" in notices[1] and "27 de marzo" in notices[1]
    deadlines.complete(world.actor("paralegal"), bio.id, now=NOW)
    with db.read() as s:
        assert s.exec(select(Task.status).where(Task.kind == "new_deadline")).all() == ["done"]
    with pytest.raises(InvalidInput):
        deadlines.override(world.actor("attorney"), bio.id, date(2026, 4, 1), "too late now")


def test_upcoming_dates_soonest_first_and_only_the_allowed_ones(world):
    own, other = str(world.matters["own"].id), str(world.matters["other"].id)
    deadlines.add(world.actor("attorney"), own, kind="interview", due_date=date(2026, 3, 30), now=NOW)
    deadlines.add(world.actor("attorney"), own, kind="filing", due_date=date(2026, 3, 1), now=NOW)  # overdue
    deadlines.add(world.actor("admin"), other, kind="biometrics", due_date=date(2026, 3, 10), now=NOW)
    mine = deadlines.upcoming(world.actor("attorney"), now=NOW)
    assert [(d.kind, d.days_left) for d in mine] == [("filing", -1), ("interview", 28)]
    assert [d.kind for d in deadlines.upcoming(world.actor("admin"), now=NOW)] == ["filing", "biometrics", "interview"]
    assert [d.kind for d in deadlines.upcoming(world.actor("client"), now=NOW)] == ["interview"]
    assert deadlines.upcoming(world.actor("billing"), now=NOW) == []


def test_task_lists_and_closing_a_task_by_hand(world):
    own = str(world.matters["own"].id)
    deadlines.add(world.actor("paralegal"), own, kind="interview", due_date=date(2026, 3, 30), now=NOW)
    [task] = task_list.list_tasks(world.actor("attorney"), "mine", now=NOW)
    assert task.kind == "new_deadline" and task.days_left == 28 and task.reference == "T-1"
    assert task_list.list_tasks(world.actor("paralegal"), "mine") == []
    assert [t.id for t in task_list.list_tasks(world.actor("paralegal"), "matters")] == [task.id]
    assert task_list.open_count(world.actor("attorney")) == 1
    with pytest.raises(NotAllowed):
        task_list.complete(world.actor("other_attorney"), task.id)
    with pytest.raises(NotAllowed):
        task_list.list_tasks(world.actor("client"))
    task_list.complete(world.actor("attorney"), task.id, now=NOW)
    assert [t.id for t in task_list.list_tasks(world.actor("attorney"), "done")] == [task.id]
    assert len(_audit("task.completed")) == 1


def test_mail_settings_are_checked_and_audited(world):
    client = world.actor("client")
    with pytest.raises(InvalidInput):
        preferences.update(client, reminders_off=True, timezone="Mars/Olympus", locale="es")
    with pytest.raises(InvalidInput):
        preferences.update(client, reminders_off=True, timezone="America/Chicago", locale="tlh")
    preferences.update(client, reminders_off=True, timezone="America/Chicago", locale="en")
    got = preferences.get(client)
    assert (got.reminders_off, got.timezone, got.locale) == (True, "America/Chicago", "en")
    assert _audit("preferences.changed")[0].details["to"]["timezone"] == "America/Chicago"


def test_one_digest_a_day_even_when_more_comes_later_that_day(world):
    other = world.matters["other"]
    with db.write() as s:
        s.add(DocumentRequest(matter_id=other.id, title="Passport", requested_at=NOW - timedelta(days=3),
                              updated_at=NOW))
    reminders.collect(NOW)
    assert digests.send_due(NOW) == {"digests": 1, "items": 1}  # the client's, this morning
    later = NOW + timedelta(hours=5)  # this afternoon an appointment is added: the client must come
    deadlines.add(world.actor("admin"), str(other.id), kind="biometrics", due_date=date(2026, 3, 12), now=later)
    assert reminders.collect(later) == 2  # the client's 14-day mark and the attorney's 14-day mark
    assert digests.send_due(later) == {"digests": 1, "items": 1}  # only the attorney's first digest of the day
    assert digests.send_due(NOW + timedelta(days=1)) == {"digests": 1, "items": 1}  # the client's, next morning
    with db.read() as s:
        sent = s.exec(select(ReminderDigest.user_id, ReminderDigest.local_date).order_by(ReminderDigest.created_at)).all()
    client, attorney = world.users["other_client"].id, world.users["other_attorney"].id
    assert sent == [(client, date(2026, 3, 2)), (attorney, date(2026, 3, 2)), (client, date(2026, 3, 3))]
