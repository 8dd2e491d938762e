"""Deadlines on a matter: added by staff (or from a USCIS status), dated by their rule
(services/deadline_rules.py), overridden only with a reason, completed when the work is done.

A new deadline opens a task for the matter's attorney; one the client must act on (an appointment,
an expiry) is shown to the client and announced by a deadline notice in their language, held back
during their quiet hours. Every change is audited.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from models import Client, Deadline, Matter, User, utcnow
from portal_app.services.kernel import audit, db, localtime, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput, NotAllowed
from portal_app.services.kernel.i18n import t
from portal_app.services.kernel.settings import get_settings
from portal_app.services.matters.deadline_rules import KINDS, compute
from portal_app.services.messaging import mail
from portal_app.services.tasks import lifecycle as tasks

MIN_REASON = 5


@dataclass(frozen=True)
class DeadlineView:
    id: str
    matter_id: str
    reference: str
    matter_title: str
    kind: str
    title: str
    due_date: date
    days_left: int
    rule: str
    source: str
    client_visible: bool
    overridden: bool
    override_reason: str
    completed: bool


def label(kind: str, title: str, locale: str = "en") -> str:
    """The title to show: the kind's name in the reader's language unless staff wrote their own."""
    known = KINDS.get(kind)
    return t(f"deadline.kind.{kind}", locale) if known and title == known.label else title


def view(d: Deadline, m: Matter, today: date, locale: str = "en") -> DeadlineView:
    return DeadlineView(
        id=str(d.id), matter_id=str(m.id), reference=m.reference, matter_title=m.title, kind=d.kind,
        title=label(d.kind, d.title, locale), due_date=d.due_date, days_left=(d.due_date - today).days, rule=d.rule,
        source=d.source, client_visible=d.client_visible, overridden=d.overridden_at is not None,
        override_reason=d.override_reason or "", completed=d.completed_at is not None)


def _notify_client(s: Session, deadline: Deadline, matter: Matter, now: datetime, changed: bool = False) -> None:
    if not (deadline.client_visible and KINDS[deadline.kind].needs_client):
        return
    user = s.exec(select(User).join(Client, Client.user_id == User.id).where(Client.id == matter.client_id)).first()
    if user is None or not user.is_active:
        return
    locale = user.locale or "en"
    mail.enqueue(s, to_address=user.email, template="deadline_notice", locale=locale, user_id=user.id,
                 matter_id=matter.id, not_before=localtime.not_before(now, user.timezone), name=user.full_name,
                 title=label(deadline.kind, deadline.title, locale), date=localtime.format_date(deadline.due_date, locale),
                 hint=t(f"deadline.client_hint.{deadline.kind}", locale),
                 changed=t("deadline.notice_changed", locale) if changed else "",
                 link=f"{get_settings().public_url}/client")


def create_in_session(s: Session, matter: Matter, *, kind: str, title: str = "", due_date: date | None = None,
                      notice_date: date | None = None, mailed: bool = True, client_visible: bool | None = None,
                      source: str = "manual", actor: Actor | None = None, now: datetime | None = None) -> Deadline:
    """Add a deadline inside the caller's transaction (used by staff and by the USCIS poller)."""
    now, computed = now or utcnow(), compute(kind, due_date=due_date, notice_date=notice_date, mailed=mailed)
    title = text.line(title, 200) or KINDS[kind].label
    deadline = Deadline(
        matter_id=matter.id, kind=kind, title=title, due_date=computed.due_date, source_date=computed.source_date,
        rule=computed.rule[:120], rule_due_date=computed.due_date, source=source[:64], created_at=now,
        client_visible=KINDS[kind].needs_client if client_visible is None else bool(client_visible),
        created_by_id=actor.user_id if actor else None)
    s.add(deadline)
    s.flush()
    tasks.open_task(s, matter_id=matter.id, kind="new_deadline", subject_type="deadline", subject_id=deadline.id,
                    title=f"New deadline: {title} ({computed.due_date:%b %d, %Y})", role_on_matter="attorney",
                    due_date=computed.due_date)
    audit.record(s, "deadline.added", actor=actor, object_type="deadline", object_id=deadline.id, matter_id=matter.id,
                 details={"kind": kind, "due_date": computed.due_date.isoformat(), "rule": computed.rule,
                          "source": source})
    _notify_client(s, deadline, matter, now)
    return deadline


def add(actor: Actor, matter_id: str, *, kind: str, title: str = "", due_date: date | None = None,
        notice_date: date | None = None, mailed: bool = True, client_visible: bool | None = None,
        now: datetime | None = None) -> DeadlineView:
    with db.write() as s:
        matter = policy.require_matter(s, actor, "deadline.edit", matter_id)
        deadline = create_in_session(s, matter, kind=kind, title=title, due_date=due_date, notice_date=notice_date,
                                     mailed=mailed, client_visible=client_visible, actor=actor, now=now)
        return view(deadline, matter, localtime.today_for(actor, now), actor.locale)


def _editable(s: Session, actor: Actor, deadline_id: str) -> tuple[Deadline, Matter]:
    deadline = s.get(Deadline, policy.parse_uuid(deadline_id))
    if deadline is None:
        raise NotAllowed()
    return deadline, policy.require_matter(s, actor, "deadline.edit", deadline.matter_id)


def override(actor: Actor, deadline_id: str, new_date: date, reason: str, now: datetime | None = None) -> DeadlineView:
    """Move a deadline to another date; the reason is required and kept in the audit chain."""
    policy.require(actor, "deadline.edit")
    reason, now = text.line(reason, 500), now or utcnow()
    if len(reason) < MIN_REASON:
        raise InvalidInput("deadline.reason_required", min=MIN_REASON)
    compute("other", due_date=new_date)  # range check
    with db.write() as s:
        deadline, matter = _editable(s, actor, deadline_id)
        if deadline.completed_at is not None:
            raise InvalidInput("deadline.already_completed")
        old = deadline.due_date
        deadline.due_date, deadline.override_reason = new_date, reason[:500]
        deadline.overridden_at, deadline.overridden_by_id = now, actor.user_id
        audit.record(s, "deadline.overridden", actor=actor, object_type="deadline", object_id=deadline.id,
                     matter_id=matter.id, details={"from": old.isoformat(), "to": new_date.isoformat(),
                                                   "rule_date": str(deadline.rule_due_date), "reason": reason})
        if old != new_date:
            _notify_client(s, deadline, matter, now, changed=True)
        return view(deadline, matter, localtime.today_for(actor, now), actor.locale)


def complete(actor: Actor, deadline_id: str, now: datetime | None = None) -> None:
    """Mark a deadline met (or no longer relevant); its task closes and reminders stop."""
    now = now or utcnow()
    with db.write() as s:
        deadline, matter = _editable(s, actor, deadline_id)
        if deadline.completed_at is not None:
            return
        deadline.completed_at = now
        tasks.close_tasks_for(s, subject_type="deadline", subject_id=deadline.id)
        audit.record(s, "deadline.completed", actor=actor, object_type="deadline", object_id=deadline.id,
                     matter_id=matter.id, details={"due_date": deadline.due_date.isoformat()})


def for_matter(actor: Actor, matter_id: str, now: datetime | None = None) -> list[DeadlineView]:
    """A matter's open deadlines, soonest first (clients see only those shown to them, an HR contact
    of those the ones that concern the employer: policy.deadline_scope)."""
    today = localtime.today_for(actor, now)
    with db.read() as s:
        matter = policy.require_matter(s, actor, "deadline.view", matter_id)
        query = select(Deadline).where(Deadline.matter_id == matter.id, Deadline.completed_at.is_(None),
                                       policy.deadline_scope(actor))
        rows = s.exec(query.order_by(Deadline.due_date)).all()
        return [view(d, matter, today, actor.locale) for d in rows]


def upcoming(actor: Actor, *, within_days: int = 90, limit: int = 50, now: datetime | None = None) -> list[DeadlineView]:
    """Open deadlines on every matter the actor may see: overdue ones first, then soonest first."""
    today = localtime.today_for(actor, now)
    query = (select(Deadline, Matter).join(Matter, Matter.id == Deadline.matter_id)
             .where(policy.matter_scope(actor, "deadline.view"), Deadline.completed_at.is_(None),
                    Deadline.due_date <= date.fromordinal(today.toordinal() + within_days), policy.deadline_scope(actor)))
    with db.read() as s:
        rows = s.exec(query.order_by(Deadline.due_date).limit(limit)).all()
        return [view(d, m, today, actor.locale) for d, m in rows]


def kinds() -> list[tuple[str, str]]:
    return [(code, kind.label) for code, kind in KINDS.items()]

