"""A month of a busy practice, driven hour by hour through the real background loop with an
injected clock: exactly the digests, deadline notices and tasks that should go out, once each.

The people live in four time zones (New York, Los Angeles, Chicago, Manila; US daylight saving
starts on March 8), one reads Spanish, and one turns reminders off half-way. Documents get
uploaded or waived, invoices paid and deadlines completed while the month runs. Every expected
digest below is worked out by hand from the rules (documents 3/7/14 days then weekly; invoices
3 days before, on the day, 7 after; deadlines 30/14/7/1 days for staff, 14/7/1 for the client)."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from sqlmodel import select

from models import (
    DocumentRequest,
    Invoice,
    JobState,
    OutboxMessage,
    ReminderDigest,
    ReminderItem,
    Task,
    User,
)
from portal_app.jobs import loop
from portal_app.jobs.registry import JOBS
from portal_app.services.kernel import db
from portal_app.services.matters import deadlines
from portal_app.services.messaging import preferences
from tests.world import build_world

UTC = timezone.utc
START = datetime(2026, 3, 2, 14, tzinfo=UTC)
END = datetime(2026, 4, 1, 14, tzinfo=UTC)
PEOPLE = {  # key: (time zone, language)
    "client": ("America/New_York", "es"), "other_client": ("Asia/Manila", "en"), "hr": ("America/New_York", "en"),
    "attorney": ("America/Los_Angeles", "en"), "paralegal": ("America/New_York", "en"),
    "billing": ("America/Chicago", "en"), "other_attorney": ("America/New_York", "en"),
}
M = 3  # March
EXPECTED_DIGESTS = {  # person -> {local date: the items it lists, as "subject occurrence"}
    "client": {2: {"D3 c14"}, 5: {"DR1 d3", "DR2 d3", "D3 c7"}, 7: {"INV2 i-3"}, 9: {"DR1 d7"},
               10: {"INV2 i0"}, 11: {"D1 c14"}, 18: {"D1 c7"}, 24: {"D1 c1"}},
    "other_client": {5: {"DR3 d3"}, 9: {"DR3 d7"}, 16: {"DR3 d14"}, 23: {"DR3 d21"}, 30: {"DR3 d28"}},
    "hr": {5: {"DR4 d3"}, 9: {"DR4 d7"}, 16: {"DR4 d14"}, 17: {"INV1 i-3"}, 20: {"INV1 i0"}, 27: {"INV1 i7"}},
    "paralegal": {2: {"D1 s30", "D3 s14"}, 5: {"D3 s7"}, 11: {"D1 s14"}, 16: {"DR1 s", "DR4 s"},
                  18: {"D1 s7"}, 24: {"D1 s1"}},
    "attorney": {2: {"D1 s30", "D3 s14"}, 5: {"D3 s7"}, 11: {"D1 s14"}, 18: {"D1 s7"}, 24: {"D1 s1"}},
    "billing": {27: {"INV1 b"}},
    "other_attorney": {13: {"D2 s30"}, 16: {"DR3 s"}, 29: {"D2 s14"}},
}
# Items recorded but never sent: the client turned reminders off on March 14, and the employer's
# letter was uploaded on March 23 in the small hours, after its reminder was recorded.
EXPECTED_UNSENT = {("client", "DR1 d14", "opted_out"), ("client", "DR1 d21", "opted_out"),
                   ("client", "DR1 d28", "opted_out"), ("hr", "DR4 d21", "dropped")}


def _at(day: int, hour: int = 0, month: int = M) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


class Practice:
    def __init__(self) -> None:
        self.world = build_world()
        self.labels: dict = {}
        with db.write() as s:
            for key, (tz, language) in PEOPLE.items():
                user = s.get(User, self.world.users[key].id)
                user.timezone, user.locale = tz, language
            own, other, unpaid = (self.world.matters[k].id for k in ("own", "other", "shared_unpaid"))
            self._request(s, "DR1", own, "Passport bio page")
            self._request(s, "DR2", own, "Birth certificate")
            self._request(s, "DR3", other, "Marriage certificate")
            self._request(s, "DR4", own, "Employer support letter", provided_by="employer")
            self._invoice(s, "INV1", own, "INV-1", date(2026, 3, 20), 150_000)
            self._invoice(s, "INV2", unpaid, "INV-2", date(2026, 3, 10), 25_000)
        attorney, admin = self.world.actor("attorney"), self.world.actor("admin")
        self.labels[deadlines.add(attorney, str(own), kind="biometrics", due_date=date(2026, 3, 25), now=START).id] = "D1"
        self.labels[deadlines.add(admin, str(other), kind="rfe_response", notice_date=date(2026, 1, 15), now=START).id] = "D2"
        self.labels[deadlines.add(attorney, str(own), kind="interview", due_date=date(2026, 3, 12), now=START).id] = "D3"

    def _request(self, s, label, matter_id, title, provided_by="beneficiary") -> None:
        request = DocumentRequest(matter_id=matter_id, title=title, provided_by=provided_by, requested_at=START,
                                  updated_at=START)
        s.add(request)
        self.labels[str(request.id)] = label

    def _invoice(self, s, label, matter_id, number, due, total) -> None:
        invoice = Invoice(number=number, matter_id=matter_id, kind="milestone", status="sent", due_date=due,
                          total_cents=total, subtotal_cents=total, issued_at=START)
        s.add(invoice)
        self.labels[str(invoice.id)] = label

    def subject(self, label: str):
        return next(k for k, v in self.labels.items() if v == label)

    def set_request(self, label: str, status: str, when: datetime) -> None:
        with db.write() as s:
            request = s.get(DocumentRequest, self.world_uuid(label))
            request.status, request.updated_at = status, when

    def pay(self, label: str) -> None:
        with db.write() as s:
            invoice = s.get(Invoice, self.world_uuid(label))
            invoice.status, invoice.paid_cents = "paid", invoice.total_cents

    def world_uuid(self, label: str):
        import uuid

        return uuid.UUID(self.subject(label))


def _events(p: Practice) -> dict[datetime, list]:
    return {
        _at(4, 3): [lambda: deadlines.add(p.world.actor("attorney"), str(p.world.matters["own"].id),
                                          kind="visa_expiry", due_date=date(2026, 6, 1), now=_at(4, 3))],
        _at(8, 12): [lambda: p.set_request("DR2", "waived", _at(8, 12))],
        _at(10, 12): [lambda: deadlines.complete(p.world.actor("attorney"), p.subject("D3"), now=_at(10, 12))],
        _at(12, 12): [lambda: p.pay("INV2")],
        _at(14, 2): [lambda: preferences.update(p.world.actor("client"), reminders_off=True,
                                                timezone="America/New_York", locale="es")],
        _at(23, 6): [lambda: p.set_request("DR4", "uploaded", _at(23, 6))],
    }


def _run(p: Practice, start: datetime, end: datetime) -> None:
    events, now = _events(p), start
    while now <= end:
        for event in events.get(now, []):
            event()
        loop.run_due_once(now)
        now += timedelta(hours=1)


def _names(p: Practice) -> dict:
    return {user.id: key for key, user in p.world.users.items()}


def _item_label(p: Practice, item: ReminderItem) -> str:
    return f"{p.labels[str(item.subject_id)]} {item.occurrence.split('@')[0]}"


def _digests(p: Practice) -> dict:
    names, found = _names(p), defaultdict(dict)
    with db.read() as s:
        for digest in s.exec(select(ReminderDigest)).all():
            items = s.exec(select(ReminderItem).where(ReminderItem.digest_id == digest.id)).all()
            assert digest.local_date.month == M
            found[names[digest.user_id]][digest.local_date.day] = {_item_label(p, i) for i in items}
    return dict(found)


def _snapshot() -> dict:
    with db.read() as s:
        return {table.__name__: s.exec(select(sa.func.count()).select_from(table)).one()
                for table in (OutboxMessage, ReminderItem, ReminderDigest, Task)}


def test_a_month_of_reminders_digests_notices_and_tasks(portal_db):
    practice = Practice()
    _run(practice, START, END)
    assert _digests(practice) == EXPECTED_DIGESTS
    names = _names(practice)
    with db.read() as s:
        unsent = {(names[i.recipient_id], _item_label(practice, i), i.status)
                  for i in s.exec(select(ReminderItem).where(ReminderItem.status != "sent")).all()}
        mails = s.exec(select(OutboxMessage).order_by(OutboxMessage.created_at)).all()
        tasks = s.exec(select(Task)).all()
    assert unsent == EXPECTED_UNSENT
    assert all(m.status == "sent" for m in mails)
    notices = [(names[m.to_user_id], m.locale, m.sent_at) for m in mails if m.template == "deadline_notice"]
    assert notices == [("client", "es", START), ("client", "es", START),
                       ("client", "es", _at(4, 13))]  # the visa notice waited for the end of quiet hours
    digests = [m for m in mails if m.template == "reminder_digest"]
    assert len(digests) == sum(len(days) for days in EXPECTED_DIGESTS.values()) and len(mails) == len(digests) + 3
    assert {m.locale for m in digests if names[m.to_user_id] == "client"} == {"es"}
    assert all(m.subject.startswith("Rivera & Chen Immigration Law: ") and m.body_html for m in digests)
    assert sorted((t.kind, names[t.assignee_id], practice.labels.get(str(t.subject_id), "D4"), t.status)
                  for t in tasks) == [
        ("new_deadline", "attorney", "D1", "open"), ("new_deadline", "attorney", "D3", "done"),
        ("new_deadline", "attorney", "D4", "open"), ("new_deadline", "other_attorney", "D2", "open")]


def test_rerunning_any_day_changes_nothing(portal_db):
    practice = Practice()
    _run(practice, START, _at(20, 23))
    before = _snapshot()
    for day in (5, 9, 16, 20):  # every job again, for every hour of the day, ignoring the schedule
        for hour in range(24):
            for job in JOBS:
                job.run(_at(day, hour))
    with db.write() as s:  # and through the loop, as a fresh deployment with no job state would
        s.execute(sa.delete(JobState))
    _run(practice, _at(16), _at(16, 23))
    assert _snapshot() == before
