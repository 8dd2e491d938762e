"""Asking for help, from a client page or signed out (someone who cannot sign in), and the firm's
handling of it: routed by topic to the person the firm names, due within the topic's SLA, with a
status the person who asked can see.

Signed out, a request is rate-limited per address and per e-mail typed, and the answer is the same
sentence whether or not the e-mail belongs to an account; the confirmation mail goes to the typed
address either way and says nothing about an account. No mail ever carries the request's text
or the firm's answer: only the reference and a link."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from models import SupportRequest, User, utcnow
from portal_app.services.identity import throttle
from portal_app.services.kernel import audit, db, localtime, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput, NotAllowed, RateLimited
from portal_app.services.kernel.settings import get_settings
from portal_app.services.messaging import mail
from portal_app.services.support import files as support_files
from portal_app.services.support import topics
from portal_app.services.tasks import lifecycle as tasks

MAX_BODY = 3000
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
# signed out: requests per hour from one address, and for one e-mail typed
PER_IP, PER_EMAIL, WINDOW = 5, 3, timedelta(hours=1)
STATUSES = ("open", "answered", "closed")


@dataclass(frozen=True)
class Receipt:
    reference: str
    due_at: datetime


@dataclass(frozen=True)
class RequestView:
    id: str
    reference: str
    topic: str
    body: str
    status: str
    answer: str
    asked_by: str
    contact_email: str
    assignee: str
    created_at: datetime
    due_at: datetime
    overdue: bool
    signed_out: bool
    attachment_name: str = ""


def _body(raw: str) -> str:
    body = text.paragraph(raw)
    if not body:
        raise InvalidInput("support.empty")
    if len(body) > MAX_BODY:
        raise InvalidInput("support.too_long", max=MAX_BODY)
    return body


def _new_reference(s: Session) -> str:
    while True:
        reference = "SR-" + "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))
        if s.exec(select(SupportRequest.id).where(SupportRequest.reference == reference)).first() is None:
            return reference


def _open(s: Session, *, topic: str, body: str, now: datetime, user: User | None, email: str, name: str,
          actor: Actor | None, ip: str, held: support_files.HeldFile | None = None) -> SupportRequest:
    assignee, hours = topics.route(s, topic)
    request = SupportRequest(reference=_new_reference(s), topic=topic, body=body, contact_email=email[:254],
                             contact_name=name[:200], user_id=user.id if user else None, assignee_id=assignee,
                             due_at=now + timedelta(hours=hours), created_at=now)
    support_files.attach(request, held)
    s.add(request)
    s.flush()
    audit.record(s, "support.requested", actor=actor, object_type="support_request", object_id=request.id, ip=ip,
                 details={"topic": topic, "reference": request.reference, "signed_in": actor is not None,
                          "file": {"size": request.size_bytes, "sha256": request.sha256} if request.sha256 else None,
                          "sla_hours": hours})
    return request


def submit(actor: Actor, topic: str, body: str, *, held: support_files.HeldFile | None = None,
           now: datetime | None = None) -> Receipt:
    """A signed-in person asks for help (with a file checked and held for it, optionally); they
    follow its status on their support page."""
    policy.require(actor, "support.request")
    topic, body, now = topics.check_topic(topic), _body(body), now or utcnow()
    with db.write() as s:
        user = s.get(User, actor.user_id)
        if user is None:
            raise NotAllowed()
        request = _open(s, topic=topic, body=body, now=now, user=user, email=user.email, name=user.full_name,
                        actor=actor, ip=actor.ip, held=held)
        return Receipt(request.reference, request.due_at)


def submit_signed_out(email: str, name: str, topic: str, body: str, *, ip: str = "",
                      now: datetime | None = None) -> Receipt:
    """Someone who cannot sign in asks for help. The same answer whether or not the e-mail is known."""
    now, email = now or utcnow(), (email or "").strip().lower()[:254]
    keys = [throttle.ip_key("support:" + (ip or "unknown")), throttle.account_key("support:" + email)]
    with db.read() as s:
        until = throttle.locked_until(s, keys, now)
    if until is not None:
        raise RateLimited("support.too_many", minutes=max(1, int((until - now).total_seconds() + 59) // 60))
    if not EMAIL.match(email):
        raise InvalidInput("support.email_invalid")
    topic, body, name = topics.check_topic(topic), _body(body), text.line(name, 200)
    with db.write() as s:
        for key, most in zip(keys, (PER_IP, PER_EMAIL)):
            throttle.record_failure(s, throttle.Limit(key, most), now, WINDOW, WINDOW)
        user = s.exec(select(User).where(User.email == email, User.is_active.is_(True))).first()
        request = _open(s, topic=topic, body=body, now=now, user=user, email=email, name=name, actor=None, ip=ip)
        mail.enqueue(s, to_address=email, template="support_received", locale=user.locale if user else "en",
                     reference=request.reference, link=f"{get_settings().public_url}/help")
        return Receipt(request.reference, request.due_at)


def _view(request: SupportRequest, asked_by: str, assignee: str, now: datetime) -> RequestView:
    return RequestView(str(request.id), request.reference, request.topic, request.body, request.status,
                       request.answer or "", asked_by or request.contact_name, request.contact_email, assignee or "",
                       request.created_at, request.due_at,
                       request.status == "open" and (request.due_at <= now or request.overdue_at is not None),
                       request.user_id is None, request.attachment_name or "")


def mine(actor: Actor, now: datetime | None = None) -> list[RequestView]:
    """What I asked, newest first, with its status and the firm's answer."""
    policy.require(actor, "support.request")
    now = now or utcnow()
    with db.read() as s:
        rows = s.exec(select(SupportRequest).where(SupportRequest.user_id == actor.user_id)
                      .order_by(SupportRequest.created_at.desc()).limit(50)).all()
        return [_view(r, actor.full_name, "", now) for r in rows]


def for_staff(actor: Actor, which: str = "open", now: datetime | None = None) -> list[RequestView]:
    """Staff: open requests (overdue first, then by due time); which="mine" keeps those routed to me,
    "done" the answered and closed ones."""
    policy.require(actor, "support.handle")
    now = now or utcnow()
    asker, assignee = sa.orm.aliased(User), sa.orm.aliased(User)
    query = (select(SupportRequest, asker.full_name, assignee.full_name)
             .join(asker, asker.id == SupportRequest.user_id, isouter=True)
             .join(assignee, assignee.id == SupportRequest.assignee_id, isouter=True))
    if which == "done":
        query = query.where(SupportRequest.status != "open").order_by(SupportRequest.created_at.desc())
    else:
        query = query.where(SupportRequest.status == "open").order_by(SupportRequest.due_at)
        if which == "mine":
            query = query.where(SupportRequest.assignee_id == actor.user_id)
    with db.read() as s:
        return [_view(r, a or "", b or "", now) for r, a, b in s.exec(query.limit(200)).all()]


def answer(actor: Actor, request_id: str, answer_text: str, *, now: datetime | None = None) -> None:
    """Staff answer a request: the person who asked sees the answer on their support page and gets a
    mail with the reference and a link (never the answer); the overdue task, if any, closes."""
    policy.require(actor, "support.handle")
    now, reply = now or utcnow(), text.paragraph(answer_text)
    if not reply:
        raise InvalidInput("support.answer_empty")
    if len(reply) > MAX_BODY:
        raise InvalidInput("support.too_long", max=MAX_BODY)
    with db.write() as s:
        request = s.get(SupportRequest, policy.parse_uuid(request_id))
        if request is None:
            raise NotAllowed()
        if request.status != "open":
            raise InvalidInput("support.already_answered", reference=request.reference)
        request.status, request.answer, request.answered_at = "answered", reply, now
        tasks.close_tasks_for(s, subject_type="support_request", subject_id=request.id)
        user = s.get(User, request.user_id) if request.user_id else None
        link = f"{get_settings().public_url}/support" if user else f"{get_settings().public_url}/help"
        mail.enqueue(s, to_address=user.email if user else request.contact_email, template="support_answered",
                     locale=user.locale if user else "en", user_id=user.id if user else None,
                     reference=request.reference, link=link)
        audit.record(s, "support.answered", actor=actor, object_type="support_request", object_id=request.id,
                     details={"reference": request.reference, "late": now > request.due_at})


def open_overdue(now: datetime) -> dict:
    """The job: a request still open past its SLA opens an overdue task for the person it went to
    (once: the task is idempotent per request, and the request remembers when it went overdue)."""
    opened = 0
    with db.write() as s:
        late = s.exec(select(SupportRequest).where(SupportRequest.status == "open", SupportRequest.due_at <= now,
                                                   SupportRequest.overdue_at.is_(None))).all()
        for request in late:
            tasks.open_task(s, matter_id=None, kind="support_overdue", subject_type="support_request",
                            subject_id=request.id, assignee_id=request.assignee_id, due_date=localtime.firm_today(now),
                            title=f"Support request {request.reference} ({request.topic}) is past its SLA")
            request.overdue_at = now
            audit.record(s, "support.overdue", object_type="support_request", object_id=request.id,
                         details={"reference": request.reference, "due_at": request.due_at.isoformat()})
            opened += 1
    return {"overdue": opened}


def weekly_counts(s: Session, start: datetime, end: datetime) -> list[tuple[str, str, int]]:
    """(week's Monday as ISO date, topic, count) of requests made between start and end (UTC)."""
    rows = s.exec(select(SupportRequest.created_at, SupportRequest.topic)
                  .where(SupportRequest.created_at >= start, SupportRequest.created_at < end)).all()
    counts: dict[tuple[str, str], int] = {}
    for created, topic in rows:
        day = localtime.local(created, None).date()  # the firm's week
        monday = (day - timedelta(days=day.weekday())).isoformat()
        counts[(monday, topic)] = counts.get((monday, topic), 0) + 1
    return sorted((week, topic, n) for (week, topic), n in counts.items())
