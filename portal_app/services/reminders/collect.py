"""Collecting reminders: missing documents, invoices due and overdue, approaching deadlines.

One pass reads every open item with a handful of set-based queries (never one per matter),
works out in Python which occurrence is due today in each recipient's timezone
(services/reminder_rules.py), and inserts the new occurrences as `reminder_item` rows. The
unique key (recipient, subject, occurrence) makes a pass idempotent. Mail goes out later, one
digest per person per day (services/digests.py), which re-checks that each item is still open.

Ids are read as the database's text (`_raw`), not as uuid.UUID objects, and rows through the Core
connection, not the ORM: a pass with nothing new reads ~100,000 open requests and ~200,000
recorded reminders at a firm's size, and the profile showed most of its time went into building
UUID objects, ORM rows and comparing them; only the new occurrences become UUIDs. For the same
reason each recorded reminder is read as one string (`KNOWN_KEY`, joined by the database), and
each request without its matter's columns, which are read once per matter (`Directory.matters`).
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from models import Client, Deadline, DocumentRequest, Invoice, Matter, MatterMember, ReminderItem, User, new_id
from portal_app.services.kernel import bulk, db, localtime, policy
from portal_app.services.kernel.settings import get_settings
from portal_app.services.reminders.rules import (
    CLIENT_NEEDED_KINDS,
    deadline_occurrence,
    document_occurrence,
    invoice_occurrence,
)

OPEN_DOCUMENT = ("requested", "rejected")
OPEN_INVOICE = ("sent", "partially_paid")  # draft, pending_approval, paid, void, refunded: nothing to remind
REOPENED_NOTES = ("checklist.expired", "checklist.expiring")  # set when an expiring document is asked again
LIVE_MATTER = Matter.status != "closed"


_raw = db.id_text  # an id column as the database's text (hex on SQLite, the canonical form on PostgreSQL)


def _all(s: Session, statement) -> list:
    return s.connection().execute(statement).all()


MATTER_COLUMNS = (_raw(Matter.id).label("matter_id"), Matter.reference, Matter.title.label("matter_title"),
                  _raw(Matter.organization_id).label("organization_id"), Matter.shared_with_organization,
                  Matter.organization_pays)
CLIENT_USER = _raw(Client.user_id).label("user_id")


def key_of(recipient_id: str, subject_type: str, subject_id: str, occurrence: str) -> str:
    """A reminder's unique key (recipient, subject, occurrence) as one string, as KNOWN_KEY reads it."""
    return f"{recipient_id}|{subject_type}|{subject_id}|{occurrence}"


KNOWN_KEY = (_raw(ReminderItem.recipient_id) + "|" + ReminderItem.subject_type + "|" + _raw(ReminderItem.subject_id)
             + "|" + ReminderItem.occurrence)  # || on both databases


@dataclass
class Candidate:
    recipient_id: str  # ids as read (_raw); made UUIDs only when recorded
    matter_id: str
    kind: str
    subject_type: str
    subject_id: str
    occurrence: str
    occurs_on: date
    essential: bool
    params: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return key_of(self.recipient_id, self.subject_type, self.subject_id, self.occurrence)


@dataclass
class Directory:
    """Who is who, loaded once per pass: time zones, matter teams, HR contacts per organization, and
    each live matter's columns that a reminder names."""

    zones: dict[str, str]
    team: dict[str, dict[str, list[str]]]
    hr: dict[str, list[str]]
    matters: dict = field(default_factory=dict)  # matter id -> its MATTER_COLUMNS row, live matters only
    known: set = field(default_factory=set)  # key_of(...) of every reminder already recorded
    _today: dict = field(default_factory=dict)  # person -> their local date at _now
    _now: datetime | None = None

    def today(self, user_id: str, now: datetime) -> date:
        if now != self._now:
            self._now, self._today = now, {}
        day = self._today.get(user_id)
        if day is None:
            day = self._today[user_id] = localtime.today(now, self.zones.get(user_id))
        return day

    def first(self, matter_id: str, *roles: str) -> str | None:
        for role in roles:
            people = self.team.get(matter_id, {}).get(role)
            if people:
                return people[0]
        return None


def _directory(s: Session) -> Directory:
    zones = dict(_all(s, select(_raw(User.id), User.timezone).where(User.is_active)))
    team: dict = defaultdict(lambda: defaultdict(list))
    for matter_id, user_id, role in _all(s, select(_raw(MatterMember.matter_id), _raw(MatterMember.user_id),
                                                   MatterMember.role_on_matter)):
        if user_id in zones:
            team[matter_id][role].append(user_id)
    matters = {}
    for matter in _all(s, select(*MATTER_COLUMNS, CLIENT_USER, _raw(Matter.responsible_attorney_id).label("attorney_id"))
                       .join(Client, Client.id == Matter.client_id).where(LIVE_MATTER)):
        matters[matter.matter_id] = matter
        if matter.attorney_id in zones:
            team[matter.matter_id]["responsible"] = [matter.attorney_id]
    hr: dict = defaultdict(list)
    for user_id, org_id in _all(s, select(_raw(User.id), _raw(User.organization_id))
                                .where(policy.employer_contacts(), User.is_active)):
        hr[org_id].append(user_id)
    return Directory(zones, team, hr, matters)


def _matter_params(row) -> dict:
    return {"reference": row.reference, "matter_title": row.matter_title}


def _document_params(matter, title: str, status: str, since: date) -> dict:
    return {**_matter_params(matter), "title": title, "rejected": status == "rejected", "since": since.isoformat()}


# A request asked again (sent back, or a document about to expire) counts from its last change.
ASKED_AGAIN = sa.or_(DocumentRequest.status == "rejected", DocumentRequest.note.in_(REOPENED_NOTES))
COUNTED_FROM = sa.case((ASKED_AGAIN, DocumentRequest.updated_at), else_=DocumentRequest.requested_at).label("base")


def _open_requests(s: Session, cutoff: datetime) -> list:
    return _all(s,
        select(_raw(DocumentRequest.id), DocumentRequest.title, DocumentRequest.status, DocumentRequest.provided_by,
               COUNTED_FROM, _raw(DocumentRequest.matter_id))
        .join(Matter, Matter.id == DocumentRequest.matter_id)
        .where(LIVE_MATTER, DocumentRequest.removed_at.is_(None), sa.or_(
            sa.and_(DocumentRequest.status == "requested", DocumentRequest.requested_at <= cutoff,
                    sa.or_(DocumentRequest.note.is_(None), DocumentRequest.note.not_in(REOPENED_NOTES))),
            sa.and_(DocumentRequest.status == "requested", DocumentRequest.note.in_(REOPENED_NOTES),
                    DocumentRequest.updated_at <= cutoff),
            sa.and_(DocumentRequest.status == "rejected", DocumentRequest.updated_at <= cutoff))))


def _documents(s: Session, now: datetime, d: Directory) -> list[Candidate]:
    """A quiet pass still looks at every open request: the loop does only what each row needs (the
    start date read once, day labels formatted once per date; bench.reminders)."""
    wf = get_settings().workflow
    offsets, repeat, last = wf.document_days, wf.document_repeat_days, max(wf.document_days, default=14)
    cutoff = now - timedelta(days=min(wf.document_days, default=3) - 1)
    day_label: dict[date, str] = {}

    def label(day: date) -> str:
        if day not in day_label:
            day_label[day] = f"{day:%y%m%d}"
        return day_label[day]

    out, known, zones, staff_of = [], d.known, d.zones, {}
    for request_id, title, status, provided_by, base, matter_id in _open_requests(s, cutoff):
        matter = d.matters.get(matter_id)
        if matter is None:  # opened after the directory was read: the next pass sees it
            continue
        recipients = [matter.user_id]
        if policy.is_employer_item(provided_by) and matter.shared_with_organization and matter.organization_id:
            recipients = d.hr.get(matter.organization_id, [])
        for person in recipients:
            if person not in zones:
                continue
            since = localtime.today(base, zones[person])
            offset = document_occurrence(since, d.today(person, now), offsets, repeat)
            if offset is None:
                continue
            occurrence = f"d{offset}@{label(since)}"
            if f"{person}|document_request|{request_id}|{occurrence}" not in known:  # key_of, inline
                out.append(Candidate(person, matter_id, "document_missing", "document_request", request_id, occurrence,
                                     since + timedelta(days=offset), False, _document_params(matter, title, status, since)))
        if matter_id not in staff_of:  # ~20 requests per matter: its team is looked up once
            staff_of[matter_id] = d.first(matter_id, "paralegal", "responsible", "attorney")
        staff = staff_of[matter_id]
        if staff is None or (d.today(staff, now) - base.date()).days < last - 1:  # a zone moves a date by one day at most
            continue
        occurrence = f"s@{label(base.date())}"  # the key keeps the UTC date: reminders already recorded carry it
        if f"{staff}|document_request|{request_id}|{occurrence}" in known:
            continue
        asked = localtime.today(base, zones[staff])  # the day it was asked, on the staff member's calendar
        if (d.today(staff, now) - asked).days >= last:
            out.append(Candidate(staff, matter_id, "document_overdue_staff", "document_request", request_id,
                                 occurrence, asked + timedelta(days=last), False,
                                 _document_params(matter, title, status, asked)))
    return out


def _invoices(s: Session, now: datetime, d: Directory) -> list[Candidate]:
    wf = get_settings().workflow
    horizon = now.date() + timedelta(days=max(0, -min(wf.invoice_days, default=0)) + 1)
    rows = _all(s,
        select(_raw(Invoice.id).label("id"), Invoice.number, Invoice.currency, Invoice.total_cents, Invoice.paid_cents,
               Invoice.due_date, *MATTER_COLUMNS, CLIENT_USER)
        .join(Matter, Matter.id == Invoice.matter_id).join(Client, Client.id == Matter.client_id)
        .where(LIVE_MATTER, Invoice.status.in_(OPEN_INVOICE), Invoice.due_date.is_not(None),
               Invoice.due_date <= horizon, Invoice.total_cents > Invoice.paid_cents))
    out = []
    first_overdue = min((o for o in wf.invoice_days if o > 0), default=7)
    for invoice in rows:
        matter_id = invoice.matter_id
        payers = (d.hr.get(invoice.organization_id, []) if invoice.organization_pays and invoice.organization_id
                  else [invoice.user_id])
        params = {**_matter_params(invoice), "number": invoice.number, "currency": invoice.currency,
                  "amount_cents": invoice.total_cents - invoice.paid_cents, "due": invoice.due_date.isoformat()}
        for person in (p for p in payers if p in d.zones):
            offset = invoice_occurrence(invoice.due_date, d.today(person, now), wf.invoice_days, wf.invoice_repeat_days)
            if offset is not None:
                out.append(Candidate(person, matter_id, "invoice_due" if offset <= 0 else "invoice_overdue", "invoice",
                                     invoice.id, f"i{offset}@{invoice.due_date:%y%m%d}",
                                     invoice.due_date + timedelta(days=offset), False, params))
        billing = d.first(matter_id, "billing")
        if billing is not None and (d.today(billing, now) - invoice.due_date).days >= first_overdue:
            out.append(Candidate(billing, matter_id, "invoice_overdue_staff", "invoice", invoice.id,
                                 f"b@{invoice.due_date:%y%m%d}", invoice.due_date + timedelta(days=first_overdue),
                                 False, params))
    return out


def _deadline_recipients(deadline, matter_id: str, client_user, d: Directory) -> list[tuple]:
    wf, team = get_settings().workflow, d.team.get(matter_id, {})
    staff = dict.fromkeys([*team.get("responsible", []), *team.get("attorney", []), *team.get("paralegal", [])])
    people = [(person, wf.deadline_staff_days, "s") for person in staff]
    if deadline.client_visible and deadline.kind in CLIENT_NEEDED_KINDS and client_user in d.zones:
        people.append((client_user, wf.deadline_client_days, "c"))
    return people


def _deadlines(s: Session, now: datetime, d: Directory) -> list[Candidate]:
    wf = get_settings().workflow
    longest = max([*wf.deadline_staff_days, *wf.deadline_client_days], default=30)
    rows = _all(s,
        select(_raw(Deadline.id).label("id"), Deadline.title, Deadline.kind, Deadline.due_date, Deadline.client_visible,
               *MATTER_COLUMNS, CLIENT_USER)
        .join(Matter, Matter.id == Deadline.matter_id).join(Client, Client.id == Matter.client_id)
        .where(LIVE_MATTER, Deadline.completed_at.is_(None), Deadline.due_date >= now.date() - timedelta(days=1),
               Deadline.due_date <= now.date() + timedelta(days=longest + 1)))
    out = []
    for deadline in rows:
        matter_id, client_user = deadline.matter_id, deadline.user_id
        params = {**_matter_params(deadline), "title": deadline.title, "kind": deadline.kind,
                  "due": deadline.due_date.isoformat()}
        for person, marks, tag in _deadline_recipients(deadline, matter_id, client_user, d):
            mark = deadline_occurrence(deadline.due_date, d.today(person, now), marks)
            if mark is not None:
                out.append(Candidate(person, matter_id, "deadline", "deadline", deadline.id,
                                     f"{tag}{mark}@{deadline.due_date:%y%m%d}", deadline.due_date - timedelta(days=mark),
                                     True, params))
    return out


def _lookback_days() -> int:
    wf = get_settings().workflow
    spans = [*wf.document_days, wf.document_repeat_days, *(abs(o) for o in wf.invoice_days), wf.invoice_repeat_days,
             *wf.deadline_staff_days, *wf.deadline_client_days]
    return max(spans, default=30) + 2


def _staff_item_still_open():
    """A staff reminder's occurrence is dated from when the item was asked or due, which can be long
    before the look-back window; without these rows a pass re-offered every one of them."""
    open_requests = select(DocumentRequest.id).where(DocumentRequest.status.in_(OPEN_DOCUMENT))
    open_invoices = select(Invoice.id).where(Invoice.status.in_(OPEN_INVOICE))
    return sa.or_(sa.and_(ReminderItem.kind == "document_overdue_staff", ReminderItem.subject_id.in_(open_requests)),
                  sa.and_(ReminderItem.kind == "invoice_overdue_staff", ReminderItem.subject_id.in_(open_invoices)))


def collect(now: datetime) -> int:
    """Record every reminder occurrence that has come and is not recorded yet; returns how many.
    Everything is read first; the write transaction is short (SQLite has one writer at a time)."""
    with db.read() as s:
        directory = _directory(s)
        since = now.date() - timedelta(days=_lookback_days())
        directory.known = set(s.connection().execute(select(KNOWN_KEY).where(
            sa.or_(ReminderItem.occurs_on >= since, _staff_item_still_open()))).scalars())
        candidates = [*_documents(s, now, directory), *_invoices(s, now, directory), *_deadlines(s, now, directory)]
    fresh = {c.key: c for c in candidates if c.key not in directory.known}
    rows = [{**vars(c), "recipient_id": uuid.UUID(c.recipient_id), "matter_id": uuid.UUID(c.matter_id),
             "subject_id": uuid.UUID(c.subject_id), "id": new_id(), "status": "pending", "created_at": now}
            for c in fresh.values()]
    with db.write() as s:
        bulk.insert_ignoring_duplicates(s, ReminderItem.__table__, rows,
                                        ["recipient_id", "subject_type", "subject_id", "occurrence"])
    return len(rows)
