"""One-tap task links (issue 12 item 5): a reminder's "please upload your passport" or "invoice
INV-... is due" opens that one task on the client's phone without a password.

A link is one person, one matter, one task (`upload` to one checklist item, `pay` one invoice),
short-lived (PORTAL_TASK_LINK_HOURS), revocable (staff, the person, a newer link for the same task,
the task being done), and only its token's hash is stored. Like invitation and reset links it is
safe from mail scanners: opening the page only looks at the link (`peek`); the page's own button
uses it (`open_session`, a websocket event, never a GET), which opens a limited session: an
`auth_session` row marked with the link, which `auth.resolve` never accepts as a sign-in. Its actor
carries a TaskScope, and the permission table narrows everything it does to the one task.
"""
from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from models import AuthSession, Client, DocumentRequest, Invoice, Matter, TaskLink, User, new_id, utcnow
from portal_app.services.identity.auth import actor_for
from portal_app.services.kernel import audit, db, i18n, policy
from portal_app.services.kernel.actor import Actor, TaskScope
from portal_app.services.kernel.errors import InvalidLink, NotAllowed
from portal_app.services.kernel.settings import get_settings
from portal_app.services.kernel.tokens import hash_token, looks_like_token, new_token, row_by_token

KINDS = ("upload", "pay")
OPEN_ITEM = ("requested", "rejected")
OPEN_INVOICE = ("sent", "partially_paid")


@dataclass(frozen=True)
class TaskInfo:
    """What the page shows before the link is used: the task, never anything else of the case."""

    kind: str
    title: str  # the checklist item's title (in the reader's language) or the invoice number
    reference: str
    matter_title: str


@dataclass(frozen=True)
class Opened:
    session_token: str
    kind: str
    matter_id: str
    object_id: str
    locale: str


def enabled() -> bool:
    return get_settings().task_links


def url_for(token: str) -> str:
    return f"{get_settings().public_url}/task/{token}"


def prepare(*, user_id: uuid.UUID, kind: str, matter_id: uuid.UUID, object_id: uuid.UUID, now: datetime,
            creator: Actor | None = None) -> tuple[str, dict]:
    """A new link's token (to put in a mail, never stored) and its row, for `record_issued`."""
    if kind not in KINDS:
        raise ValueError(f"unknown task kind {kind!r}")
    token = new_token()
    row = {"id": new_id(), "token_hash": hash_token(token), "kind": kind, "user_id": user_id, "matter_id": matter_id,
           "object_id": object_id, "created_by_id": creator.user_id if creator else None, "created_at": now,
           "expires_at": now + timedelta(hours=get_settings().task_link_hours), "last_used_at": None, "use_count": 0,
           "revoked_at": None, "revoked_reason": None}
    return token, row


def record_issued(s: Session, rows: list[dict], now: datetime, creator: Actor | None = None) -> None:
    """Store links prepared at `now` in the caller's transaction, set-based (a reminders pass issues
    thousands): one insert, one statement superseding the older live links for the same person and
    task, one audit event saying what was issued (each link's row keeps who, what and when)."""
    if not rows:
        return
    s.execute(TaskLink.__table__.insert(), rows)
    table = TaskLink.__table__
    fresh = table.alias("fresh")  # one statement per batch, whatever its size: the links just issued
    s.execute(sa.update(table).where(
        table.c.revoked_at.is_(None), table.c.created_at < now,
        sa.exists().where(fresh.c.object_id == table.c.object_id, fresh.c.user_id == table.c.user_id,
                          fresh.c.kind == table.c.kind, fresh.c.created_at == now))
        .values(revoked_at=now, revoked_reason="superseded"))
    one = rows[0]
    audit.record(s, "task_link.issued", actor=creator, object_type="task_link",
                 object_id=one["id"] if len(rows) == 1 else "",
                 matter_id=one["matter_id"] if len({r["matter_id"] for r in rows}) == 1 else None,
                 details={"count": len(rows), "kinds": sorted({r["kind"] for r in rows}),
                          "people": len({r["user_id"] for r in rows})})


def issue(s: Session, *, user_id: uuid.UUID, kind: str, matter_id: uuid.UUID, object_id: uuid.UUID,
          creator: Actor | None = None, now: datetime | None = None) -> str:
    """One new link, inside the caller's transaction. Returns the token."""
    now = now or utcnow()
    token, row = prepare(user_id=user_id, kind=kind, matter_id=matter_id, object_id=object_id, now=now, creator=creator)
    record_issued(s, [row], now, creator)
    return token


def _task_open(s: Session, link: TaskLink) -> bool:
    if link.kind == "upload":
        item = s.get(DocumentRequest, link.object_id)
        return item is not None and item.removed_at is None and item.status in OPEN_ITEM
    invoice = s.get(Invoice, link.object_id)
    return invoice is not None and invoice.status in OPEN_INVOICE and invoice.total_cents > invoice.paid_cents


def _check(s: Session, link: TaskLink | None, now: datetime, *, task_open: bool = True) -> tuple[TaskLink, User]:
    """The link as it stands now, or the reason it cannot be used (InvalidLink with its key).
    `task_open` False: a session already opened may still show what came of its task (the receipt,
    the file received) until its page marks the link done; the services refuse the task itself."""
    if link is None:
        raise InvalidLink("tasklink.invalid")
    if not enabled():
        raise InvalidLink("tasklink.turned_off")
    if link.revoked_reason == "superseded":
        raise InvalidLink("tasklink.superseded")
    if link.revoked_reason == "done" or (task_open and link.revoked_at is None and not _task_open(s, link)):
        raise InvalidLink("tasklink.done")
    if link.revoked_at is not None:
        raise InvalidLink("tasklink.revoked")
    if link.expires_at <= now:
        raise InvalidLink("tasklink.expired")
    user = s.get(User, link.user_id)
    if user is None or not user.is_active:
        raise InvalidLink("tasklink.invalid")
    return link, user


def peek(token: str, locale: str = "en", now: datetime | None = None) -> TaskInfo:
    """What the link is for, for the page it opens. Changes nothing (a mail scanner may open it)."""
    with db.read() as s:
        link, _user = _check(s, row_by_token(s, TaskLink, token), now or utcnow())
        matter = s.get(Matter, link.matter_id)
        if link.kind == "upload":
            title = i18n.content(s.get(DocumentRequest, link.object_id).title, locale)
        else:
            title = s.get(Invoice, link.object_id).number
        return TaskInfo(link.kind, title, matter.reference, matter.title)


def open_session(token: str, *, ip: str = "", user_agent: str = "", now: datetime | None = None) -> Opened:
    """Use the link (the POST from its page): a limited session for its one task. A link that
    cannot be used is refused with its reason, and the refusal is audited; nothing else changes."""
    now = now or utcnow()
    try:
        with db.write() as s:
            link, user = _check(s, row_by_token(s, TaskLink, token), now)
            session_token = new_token()
            lifetime = min(now + timedelta(minutes=get_settings().task_session_minutes), link.expires_at)
            s.add(AuthSession(user_id=user.id, token_hash=hash_token(session_token), task_link_id=link.id,
                              created_at=now, last_seen_at=now, expires_at=lifetime, ip=(ip or "")[:64],
                              user_agent=(user_agent or "")[:300]))
            link.use_count, link.last_used_at = link.use_count + 1, now
            audit.record(s, "task_link.used", actor=actor_for(user, ip), object_type="task_link", object_id=link.id,
                         matter_id=link.matter_id, ip=ip, details={"kind": link.kind, "uses": link.use_count})
            return Opened(session_token, link.kind, str(link.matter_id), str(link.object_id), user.locale or "en")
    except InvalidLink as refusal:
        _record_refusal(token, refusal.code, ip, now)
        raise


def _record_refusal(token: str, reason: str, ip: str, now: datetime) -> None:
    with db.write() as s:
        link = row_by_token(s, TaskLink, token)
        if link is not None and reason == "tasklink.done" and link.revoked_at is None:
            link.revoked_at, link.revoked_reason = now, "done"
        audit.record(s, "task_link.refused", object_type="task_link", object_id=link.id if link else "",
                     matter_id=link.matter_id if link else None, ip=ip, details={"reason": reason})


def resolve(session_token: str | None, *, ip: str = "", now: datetime | None = None) -> Actor | None:
    """The limited actor behind a task session, or None once the session or its link has ended
    (expired, revoked, marked done, links turned off)."""
    if not session_token or not looks_like_token(session_token):
        return None
    now = now or utcnow()
    with db.read() as s:
        row = s.exec(select(AuthSession).where(AuthSession.token_hash == hash_token(session_token),
                                               AuthSession.task_link_id.is_not(None))).first()
        if row is None or row.revoked_at is not None or row.expires_at <= now:
            return None
        try:
            link, user = _check(s, s.get(TaskLink, row.task_link_id), now, task_open=False)
        except InvalidLink:
            return None
        client_id = s.exec(select(Client.id).where(Client.user_id == user.id)).first()
        scope = TaskScope(link.kind, link.matter_id, link.object_id, link.id)
        return dataclasses.replace(actor_for(user, ip, row.id, client_id), task=scope)


def finish_if_done(actor: Actor) -> bool:
    """After the task's page did its work: once the task is done, its link is revoked (reason
    "done"), which ends the limited session too. Returns whether it was done."""
    if actor.task is None:
        return False
    with db.write() as s:
        link = s.get(TaskLink, actor.task.link_id)
        if link is None or link.revoked_at is not None or _task_open(s, link):
            return link is not None and link.revoked_reason == "done"
        link.revoked_at, link.revoked_reason = utcnow(), "done"
        audit.record(s, "task_link.revoked", actor=actor, object_type="task_link", object_id=link.id,
                     matter_id=link.matter_id, details={"reason": "done"})
        return True


def revoke(actor: Actor, link_id: str) -> None:
    """Turn a link off: the matter's team, or the person it was sent to (also from its own page)."""
    policy.require(actor, "task_link.revoke")
    with db.write() as s:
        link = s.get(TaskLink, policy.parse_uuid(link_id))
        if link is None:
            raise NotAllowed()
        policy.require_matter(s, actor, "task_link.revoke", link.matter_id)
        if not policy.is_staff(actor) and link.user_id != actor.user_id:
            raise NotAllowed()
        if link.revoked_at is None:
            link.revoked_at = utcnow()
            link.revoked_reason = "staff" if policy.is_staff(actor) else "client"
            audit.record(s, "task_link.revoked", actor=actor, object_type="task_link", object_id=link.id,
                         matter_id=link.matter_id, details={"reason": link.revoked_reason})
