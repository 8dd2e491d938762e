"""One digest per person per day: every pending reminder of that person in one mail.

A person's digest goes at the first pass after their digest hour (default 08:00 in their own
timezone) outside quiet hours. Just before, each item is checked again: an item whose document
was uploaded or waived, whose invoice was paid or whose deadline was completed or moved is dropped;
non-essential items of someone who turned reminders off are dropped, while legal-deadline items
always go. All of it is read with one query and written in bulk (never one query per person).
"""
from __future__ import annotations

import uuid
from collections import defaultdict, namedtuple
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from models import (
    Deadline,
    DocumentRequest,
    Invoice,
    NotificationPreference,
    ReminderDigest,
    ReminderItem,
    User,
)
from portal_app.services.kernel import db, localtime
from portal_app.services.kernel.settings import get_settings
from portal_app.services.identity import task_links
from portal_app.services.messaging import mail
from portal_app.services.reminders import digest_text
from portal_app.services.reminders.collect import OPEN_INVOICE

BATCH = 500
ITEM_COLUMNS = (ReminderItem.id, ReminderItem.recipient_id, ReminderItem.matter_id, ReminderItem.kind,
                ReminderItem.subject_type, ReminderItem.subject_id, ReminderItem.occurs_on, ReminderItem.essential,
                ReminderItem.params)
# The reminders that carry a one-tap task link (issue 12 item 5), and the task each opens.
TASK_OF_KIND = {"document_missing": "upload", "invoice_due": "pay", "invoice_overdue": "pay"}
N_ITEM = len(ITEM_COLUMNS)
Item = namedtuple("Item", [c.key for c in ITEM_COLUMNS])  # a pending reminder, read without the ORM


@dataclass
class Row:
    item: "Item"
    still_open: bool


def _still_open(item, doc_status, doc_removed, inv_status, inv_total, inv_paid,
                dl_done, dl_due) -> bool:
    if item.subject_type == "document_request":
        return doc_status in ("requested", "rejected") and doc_removed is None
    if item.subject_type == "invoice":
        return inv_status in OPEN_INVOICE and (inv_total or 0) > (inv_paid or 0)
    if item.subject_type == "message_thread":  # a new secure message (issue 12): the link stays good
        return True
    if item.subject_type == "onboarding":  # a getting-started step: a stopped sequence drops its items
        return True
    if item.subject_type == "deadline":
        return dl_done is None and dl_due is not None and dl_due.isoformat() == item.params.get("due")
    return False


def _pending(s: Session) -> tuple[dict[uuid.UUID, list[Row]], dict[uuid.UUID, tuple]]:
    query = (
        select(*ITEM_COLUMNS, User.email, User.full_name, User.locale, User.timezone, User.is_active,
               NotificationPreference.reminders_off, DocumentRequest.status, DocumentRequest.removed_at,
               Invoice.status, Invoice.total_cents, Invoice.paid_cents, Deadline.completed_at, Deadline.due_date)
        .join(User, User.id == ReminderItem.recipient_id)
        .join(NotificationPreference, NotificationPreference.user_id == User.id, isouter=True)
        .join(DocumentRequest, sa.and_(ReminderItem.subject_type == "document_request",
                                       DocumentRequest.id == ReminderItem.subject_id), isouter=True)
        .join(Invoice, sa.and_(ReminderItem.subject_type == "invoice", Invoice.id == ReminderItem.subject_id),
              isouter=True)
        .join(Deadline, sa.and_(ReminderItem.subject_type == "deadline", Deadline.id == ReminderItem.subject_id),
              isouter=True)
        .where(ReminderItem.status == "pending")
        .order_by(ReminderItem.recipient_id, ReminderItem.occurs_on)
    )
    items: dict[uuid.UUID, list[Row]] = defaultdict(list)
    people: dict[uuid.UUID, tuple] = {}
    for row in s.exec(query).all():
        item, (email, name, locale, tz, active, off), subject = Item(*row[:N_ITEM]), row[N_ITEM:N_ITEM + 6], row[N_ITEM + 6:]
        items[item.recipient_id].append(Row(item, _still_open(item, *subject)))
        people[item.recipient_id] = (email, name, locale or "en", tz, active, bool(off))
    return items, people


def _ready(now: datetime, tz: str | None) -> date | None:
    """The person's local date when their digest may go now, else None."""
    here = localtime.local(now, tz)
    if here.hour < get_settings().workflow.digest_hour or localtime.in_quiet_hours(here):
        return None
    return here.date()


def _sent_today(s: Session, now: datetime) -> set[tuple[uuid.UUID, date]]:
    near = (now.date() - timedelta(days=1), now.date() + timedelta(days=1))
    return set(s.exec(select(ReminderDigest.user_id, ReminderDigest.local_date)
                      .where(ReminderDigest.local_date.between(*near))).all())


def _settle(now: datetime, user_id: uuid.UUID, person: tuple, rows: list[Row], out: dict) -> None:
    """Decide what happens to one person's items; queue the digest rows and item updates."""
    email, name, locale, tz, active, reminders_off = person
    local_day = _ready(now, tz)
    if local_day is None or (user_id, local_day) in out["sent"]:
        return
    keep = []
    for row in rows:
        if not active or not row.still_open:
            out["updates"].append({"id": row.item.id, "status": "dropped"})
        elif reminders_off and not row.item.essential:
            out["updates"].append({"id": row.item.id, "status": "opted_out"})
        else:
            keep.append(row.item)
    if not keep:
        return
    digest_id = uuid.uuid4()
    links = _task_links(user_id, keep, now, out)
    message = mail.enqueue(out["session"], to_address=email, template="reminder_digest", locale=locale,
                           user_id=user_id, matter_id=keep[0].matter_id if len({i.matter_id for i in keep}) == 1 else None,
                           name=name, count=len(keep), items=digest_text.render_items(keep, locale, local_day, links),
                           link=f"{get_settings().public_url}/", settings_link=f"{get_settings().public_url}/account/mail")
    message.created_at = now
    out["digests"].append(ReminderDigest(id=digest_id, user_id=user_id, local_date=local_day,
                                         outbox_message_id=message.id, item_count=len(keep), created_at=now))
    out["updates"] += [{"id": item.id, "status": "sent", "digest_id": digest_id} for item in keep]


def _task_links(user_id: uuid.UUID, items: list, now: datetime, out: dict) -> dict:
    """A one-tap link per item that is a task the person can do from a page (when the firm has
    them on): item id -> (task kind, url). The rows are stored once for the whole batch."""
    if not task_links.enabled():
        return {}
    links = {}
    for item in (i for i in items if i.kind in TASK_OF_KIND):
        token, row = task_links.prepare(user_id=user_id, kind=TASK_OF_KIND[item.kind], matter_id=item.matter_id,
                                        object_id=item.subject_id, now=now)
        out["links"].append(row)
        links[item.id] = (row["kind"], task_links.url_for(token))
    return links


def send_due(now: datetime) -> dict[str, int]:
    """Send every digest that is due now; returns counts of digests and items handled."""
    with db.read() as s:
        items, people = _pending(s)
        sent = _sent_today(s, now)
    totals = {"digests": 0, "items": 0}
    user_ids = list(items)
    for start in range(0, len(user_ids), BATCH):
        with db.write() as s:
            out = {"session": s, "sent": sent, "digests": [], "updates": [], "links": []}
            for user_id in user_ids[start:start + BATCH]:
                _settle(now, user_id, people[user_id], items[user_id], out)
            s.flush()
            task_links.record_issued(s, out["links"], now)
            s.add_all(out["digests"])
            s.flush()
            if out["updates"]:
                _update_items(s, out["updates"])
            totals["digests"] += len(out["digests"])
            totals["items"] += sum(1 for u in out["updates"] if u["status"] == "sent")
    return totals


def _update_items(s: Session, updates: list[dict]) -> None:
    for key in ({"status"}, {"status", "digest_id"}):
        batch = [u for u in updates if set(u) - {"id"} == key]
        if batch:
            s.execute(sa.update(ReminderItem.__table__).where(ReminderItem.__table__.c.id == sa.bindparam("item_id"))
                      .values({k: sa.bindparam(k) for k in key}),
                      [{"item_id": u["id"], **{k: u[k] for k in key}} for u in batch])

