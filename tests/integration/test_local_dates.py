""""Today" is the local date of the person it is for, at the moments that break naive code: a
minute either side of midnight in the reader's zone and in UTC, the US daylight-saving changes,
New Year's Eve and a leap day. Each service that decides "overdue" or "days left" is asked with
the clock pinned at such a moment, for readers in New York (the firm's zone) and Los Angeles."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from models import DocumentRequest, Matter, ReminderItem, Task, User
from portal_app.services.documents import checklist_views, checklists
from portal_app.services.documents import dashboard as checklist_dashboard
from portal_app.services.kernel import db, localtime
from portal_app.services.matters import deadlines
from portal_app.services.reminders import collect as reminders
from portal_app.services.tasks import lists as task_list
from tests.world import build_world


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


# (moment in UTC, reader's zone, the reader's local date at that moment)
HOSTILE = [
    ("2026-12-02T04:59:00", "America/New_York", "2026-12-01"),     # 23:59 in New York, already 2 Dec in UTC
    ("2026-12-02T05:01:00", "America/New_York", "2026-12-02"),     # 00:01 in New York
    ("2026-12-01T23:59:00", "America/New_York", "2026-12-01"),     # 23:59 UTC, evening in New York
    ("2026-12-02T00:01:00", "America/New_York", "2026-12-01"),     # 00:01 UTC: the UTC date moved, New York's did not
    ("2026-12-02T07:59:00", "America/Los_Angeles", "2026-12-01"),  # 23:59 in Los Angeles
    ("2026-03-08T06:59:00", "America/New_York", "2026-03-08"),     # 01:59 EST, a minute before clocks spring forward
    ("2026-03-08T07:01:00", "America/New_York", "2026-03-08"),     # 03:01 EDT
    ("2026-11-01T05:30:00", "America/New_York", "2026-11-01"),     # 01:30 EDT, the hour that happens twice
    ("2026-11-01T06:30:00", "America/New_York", "2026-11-01"),     # 01:30 EST, the second time
    ("2027-01-01T04:59:00", "America/New_York", "2026-12-31"),     # New Year's Eve 23:59
    ("2027-01-01T05:00:00", "America/New_York", "2027-01-01"),     # New Year's midnight
    ("2028-02-29T04:59:00", "America/New_York", "2028-02-28"),     # the eve of a leap day
    ("2028-03-01T04:59:00", "America/New_York", "2028-02-29"),     # the leap day's last minute
]


@pytest.fixture
def world(portal_db):
    return build_world()


def _reader(world, key: str, zone: str):
    with db.write() as s:
        s.get(User, world.users[key].id).timezone = zone
    return dataclasses.replace(world.actor(key), timezone=zone)


def _deadline_days_left(world, reader, now: datetime, due: date) -> set[int]:
    own = str(world.matters["own"].id)
    deadlines.add(world.actor("attorney"), own, kind="other", title="File it", due_date=due, now=now)
    on_matter = [d.days_left for d in deadlines.for_matter(reader, own, now=now) if d.title == "File it"]
    upcoming = [d.days_left for d in deadlines.upcoming(reader, now=now) if d.title == "File it"]
    return set(on_matter + upcoming)


def _overdue_items(world, client, staff, now: datetime, due: date) -> tuple[set[str], set[str], int]:
    own = world.matters["own"]
    with db.write() as s:
        checklists.instantiate(s, None, s.get(Matter, own.id))
    with db.write() as s:
        requests = s.exec(select(DocumentRequest).where(DocumentRequest.matter_id == own.id)).all()
        for r in requests:
            r.due_date = due
        requests[0].due_date = date.fromordinal(due.toordinal() - 1)
        yesterdays = str(requests[0].id)
    view = checklist_views.matter_checklist(client, str(own.id), now=now)
    (row,) = [r for r in checklist_dashboard.rows(staff, now=now) if r.matter_id == str(own.id)]
    return {i.id for i in view.items if i.overdue}, {yesterdays}, row.overdue


def _task_days_left(world, reader, now: datetime, due: date) -> list[int | None]:
    with db.write() as s:
        s.add(Task(matter_id=world.matters["own"].id, kind="review_upload", title="Look at it", subject_type="test",
                   subject_id=world.matters["own"].id, assignee_id=reader.user_id, due_date=due))
    return [t.days_left for t in task_list.list_tasks(reader, "mine", now=now) if t.title == "Look at it"]


@pytest.mark.parametrize("moment, zone, local_day", HOSTILE)
def test_due_today_means_the_readers_today(world, moment, zone, local_day):
    """A deadline, a document and a task due on the reader's today have 0 days left and are not
    overdue; one due yesterday (the reader's yesterday) is overdue — whatever the UTC date."""
    now, due = utc(moment), date.fromisoformat(local_day)
    attorney, paralegal = _reader(world, "attorney", zone), _reader(world, "paralegal", zone)
    client = _reader(world, "client", zone)
    assert localtime.today_for(client, now) == due
    assert _deadline_days_left(world, attorney, now, due) == {0}
    client_overdue, expected, dashboard_overdue = _overdue_items(world, client, paralegal, now, due)
    assert client_overdue == expected and dashboard_overdue == 1
    assert _task_days_left(world, paralegal, now, due) == [0]


def _staff_reminders(request_id, now: datetime) -> list[ReminderItem]:
    reminders.collect(now)
    with db.read() as s:
        return s.exec(select(ReminderItem).where(ReminderItem.kind == "document_overdue_staff",
                                                 ReminderItem.subject_id == request_id)).all()


@pytest.mark.parametrize("zone, asked, eve, first_day", [
    ("America/New_York", "2026-12-02T03:00:00", "2026-12-16T04:59:00", "2026-12-01"),  # 22:00 on 1 Dec in New York
    ("America/Los_Angeles", "2027-01-01T02:00:00", "2027-01-15T07:59:00", "2026-12-31"),  # New Year's Eve, 18:00 there
    ("Asia/Tokyo", "2028-02-28T16:00:00", "2028-03-14T14:59:00", "2028-02-29"),  # the leap day's first hour in Tokyo
])
def test_the_team_is_told_of_a_missing_document_on_its_own_fourteenth_day(world, zone, asked, eve, first_day):
    """The staff reminder of a request still missing comes on the 14th day after it was asked, by
    the staff member's calendar (it counted from the UTC date: a day late in the Americas, a day
    early in Asia), and names the day it was asked as they know it."""
    for key in ("attorney", "paralegal", "billing"):
        _reader(world, key, zone)
    with db.write() as s:
        request = DocumentRequest(matter_id=world.matters["own"].id, title="Birth certificate", status="requested",
                                  accepted_types=["pdf"], requested_at=utc(asked), updated_at=utc(asked))
        s.add(request)
        s.flush()
        request_id = request.id
    assert _staff_reminders(request_id, utc(eve) - timedelta(days=1)) == []  # the 13th day's last minute
    (item,) = _staff_reminders(request_id, utc(eve))  # the 14th day's last minute, wherever UTC is
    assert item.occurs_on == date.fromisoformat(first_day) + timedelta(days=14)
    assert item.params["since"] == first_day


def test_times_are_shown_in_the_readers_zone_with_the_zone_named():
    moment = utc("2026-12-01T06:56:00")  # "Draft saved at 06:56" was the server's UTC
    assert localtime.shown_time(moment, "America/New_York") == "1:56\u202fAM EST"
    assert localtime.shown_datetime(moment, "America/Los_Angeles") == "Nov 30, 2026, 10:56\u202fPM PST"
    summer = utc("2026-07-01T16:00:00")
    assert localtime.shown_time(summer, "America/New_York") == "12:00\u202fPM EDT"
    assert localtime.shown_time(summer, "") == "12:00\u202fPM EDT"  # no zone of their own: the firm's
