"""The getting-started sequence: welcome; "first steps" a few days later if nothing was done; a
nudge before the first deadline.

The invitation starts it (`start`). The background pass (`advance`) records each step that has come
as a reminder item (subject "onboarding", subject id = the client's user id, occurrence = the step):
the item's unique key makes every step happen once, whatever the number of passes or workers, and
the digest sends it at the person's digest hour, outside quiet hours, unless they turned reminders
off. "A few days later" and "before the deadline" are counted on the client's own local date.

It stops when the client acts (an upload, an intake answer saved, a payment posted), when staff or
the client stop it, or after the last step; a stop drops the steps still waiting for a digest.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from models import Client, Deadline, DocumentVersion, IntakeResponse, Matter, Onboarding, Payment, ReminderItem, User
from portal_app.services.kernel import audit, bulk, db, localtime
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.clock import utcnow
from portal_app.services.kernel.settings import get_settings

SUBJECT = "onboarding"
FIRST_STEPS_AFTER_DAYS = 3  # local days after the invitation
NUDGE_DAYS_BEFORE = 7  # local days before the first deadline the client sees
GIVE_UP_AFTER_DAYS = 60  # a sequence nobody answered ends quietly
STEPS = ("welcome", "first_steps", "nudge")
QUICK_START_PATH = "/help/quick-start"
UNIQUE = ["recipient_id", "subject_type", "subject_id", "occurrence"]  # reminder_item's occurrence key


def start(s: Session, actor: Actor | None, user: User, now: datetime | None = None) -> None:
    """Called by the invitation, in its transaction. A second invitation keeps the first sequence."""
    if s.get(Onboarding, user.id) is not None:
        return
    s.add(Onboarding(user_id=user.id, status="running", started_at=now or utcnow()))
    audit.record(s, "onboarding.started", actor=actor, object_type="user", object_id=user.id)


@dataclass(frozen=True)
class Running:
    user_id: uuid.UUID
    client_id: uuid.UUID
    started_at: datetime
    timezone: str | None


def _running(s: Session) -> list[Running]:
    rows = s.exec(select(Onboarding.user_id, Client.id, Onboarding.started_at, User.timezone)
                  .join(User, User.id == Onboarding.user_id).join(Client, Client.user_id == User.id)
                  .where(Onboarding.status == "running", User.is_active)).all()
    return [Running(*row) for row in rows]


def _acted(s: Session, people: list[Running]) -> set[uuid.UUID]:
    """The users among `people` who did something themselves: uploaded, saved intake answers, paid."""
    by_client = {p.client_id: p.user_id for p in people}
    uploaded = set(s.exec(select(DocumentVersion.uploaded_by_id)
                          .where(DocumentVersion.uploaded_by_id.in_([p.user_id for p in people]))).all())
    answered = s.exec(select(Matter.client_id).join(IntakeResponse, IntakeResponse.matter_id == Matter.id)
                      .where(Matter.client_id.in_(list(by_client)))).all()
    paid = s.exec(select(Payment.client_id).where(Payment.client_id.in_(list(by_client)),
                                                  Payment.posted_at.is_not(None))).all()
    return uploaded | {by_client[c] for c in [*answered, *paid]}


def _first_matters(s: Session, client_ids: list[uuid.UUID]) -> dict[uuid.UUID, Matter]:
    first: dict[uuid.UUID, Matter] = {}
    for matter in s.exec(select(Matter).where(Matter.client_id.in_(client_ids), Matter.status != "closed")
                         .order_by(Matter.opened_at, Matter.reference)).all():
        first.setdefault(matter.client_id, matter)
    return first


def _upcoming_deadlines(s: Session, client_ids: list[uuid.UUID], now: datetime) -> dict[uuid.UUID, list]:
    rows = s.exec(select(Matter.client_id, Deadline).join(Matter, Matter.id == Deadline.matter_id)
                  .where(Matter.client_id.in_(client_ids), Matter.status != "closed", Deadline.client_visible,
                         Deadline.completed_at.is_(None), Deadline.due_date >= now.date() - timedelta(days=1))
                  .order_by(Deadline.due_date)).all()
    out: dict[uuid.UUID, list] = {}
    for client_id, deadline in rows:
        out.setdefault(client_id, []).append(deadline)
    return out


def due_steps(started_on: date, today: date, first_deadline: date | None) -> list[str]:
    """The steps that have come by `today` (all local dates): pure, for the clock tests."""
    steps = ["welcome"]
    if (today - started_on).days >= FIRST_STEPS_AFTER_DAYS:
        steps.append("first_steps")
    if first_deadline is not None and 0 <= (first_deadline - today).days <= NUDGE_DAYS_BEFORE:
        steps.append("nudge")
    return steps


def halt(s: Session, user_id: uuid.UUID, reason: str, *, actor: Actor | None = None,
         now: datetime | None = None) -> bool:
    """Stop one running sequence and drop its steps still waiting for a digest; False if not running."""
    now = now or utcnow()
    stopped = s.execute(sa.update(Onboarding).where(Onboarding.user_id == user_id, Onboarding.status == "running")
                        .values(status="finished" if reason in ("done", "expired") else "stopped", stopped_at=now,
                                stop_reason=reason, stopped_by_id=actor.user_id if actor else None)).rowcount
    if not stopped:
        return False
    if reason != "done":  # the last step itself is still on its way
            s.execute(sa.update(ReminderItem).where(ReminderItem.subject_type == SUBJECT, ReminderItem.subject_id == user_id,
                                                ReminderItem.status == "pending").values(status="dropped"))
    audit.record(s, "onboarding.stopped", actor=actor, object_type="user", object_id=user_id,
                 details={"reason": reason})
    return True


def _step_row(step: str, person: Running, matter: Matter, today: date, deadline, public_url: str) -> dict:
    params = {"reference": matter.reference, "matter_title": matter.title, "link": public_url + QUICK_START_PATH}
    if step == "nudge":
        params |= {"title": deadline.title, "kind": deadline.kind, "due": deadline.due_date.isoformat(),
                   "link": f"{public_url}/client"}
    return {"id": uuid.uuid4(), "recipient_id": person.user_id, "matter_id": matter.id, "kind": f"onboarding_{step}",
            "subject_type": SUBJECT, "subject_id": person.user_id, "occurrence": step, "occurs_on": today,
            "essential": False, "params": params, "status": "pending"}


def _record_step(s: Session, row: dict, now: datetime) -> bool:
    """Insert the step's reminder item once; only the pass that inserted it audits it."""
    new = bulk.insert_once(s, ReminderItem.__table__, {**row, "created_at": now}, UNIQUE)
    if new:
        audit.record(s, "onboarding.step", object_type="user", object_id=row["recipient_id"],
                     matter_id=row["matter_id"], details={"step": row["occurrence"], "local_date": row["occurs_on"]})
    return new


def _plan(s: Session, people: list[Running], now: datetime, public_url: str) -> tuple[list[dict], list[tuple]]:
    """What the pass does: the step rows to record, and the (user, reason) sequences to end."""
    client_ids = [p.client_id for p in people]
    matters, deadlines = _first_matters(s, client_ids), _upcoming_deadlines(s, client_ids, now)
    done = set(s.exec(select(ReminderItem.subject_id, ReminderItem.occurrence).where(
        ReminderItem.subject_type == SUBJECT, ReminderItem.subject_id.in_([p.user_id for p in people]))).all())
    rows, ends = [], []
    for person in people:
        today = localtime.today(now, person.timezone)
        started_on = localtime.today(person.started_at, person.timezone)
        if (today - started_on).days > GIVE_UP_AFTER_DAYS:
            ends.append((person.user_id, "expired"))
            continue
        matter = matters.get(person.client_id)
        if matter is None:
            continue  # no case yet: the welcome waits for one
        deadline = next((d for d in deadlines.get(person.client_id, []) if d.due_date >= today), None)
        due = due_steps(started_on, today, deadline.due_date if deadline else None)
        rows += [_step_row(step, person, matter, today, deadline, public_url)
                 for step in due if (person.user_id, step) not in done]
        if "nudge" in due or (person.user_id, "nudge") in done:
            ends.append((person.user_id, "done"))
    return rows, ends


def advance(now: datetime) -> dict[str, int]:
    """The background pass: stop the sequences of clients who acted, record the steps that have come."""
    with db.read() as s:
        people = _running(s)
        acted = _acted(s, people) if people else set()
        waiting = [p for p in people if p.user_id not in acted]
        rows, ends = _plan(s, waiting, now, get_settings().public_url) if waiting else ([], [])
    counts = {"steps": 0, "stopped": 0}
    with db.write() as s:
        for user_id in acted:
            counts["stopped"] += halt(s, user_id, "client_acted", now=now)
        for row in rows:
            counts["steps"] += _record_step(s, row, now)
        for user_id, reason in ends:
            halt(s, user_id, reason, now=now)
    return counts
