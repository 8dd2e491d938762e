"""The outbox as an administrator sees it: every message the portal sent or will send, its state,
its text, and a resend. Bodies carry sign-in links (invitations, password resets), so the action
is an administrator's alone ("mail.outbox") and opening a body is audited like opening a file."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select

from models import Matter, OutboxMessage
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import Conflict, NotFound

LIMIT = 200
STATES = ("pending", "sent", "failed")
# Mail whose link works once and is replaced by the next one: a copy would carry a dead link (an
# invitation sent again supersedes the old link; a reset link is used once), so it is never resent.
ONE_TIME_LINK_TEMPLATES = frozenset({"invitation", "password_reset"})


@dataclass(frozen=True)
class OutboxEntry:
    id: str
    to_address: str
    template: str
    subject: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None
    reference: str


@dataclass(frozen=True)
class OutboxBody:
    id: str
    to_address: str
    subject: str
    body_text: str
    template: str

    @property
    def resendable(self) -> bool:
        return self.template not in ONE_TIME_LINK_TEMPLATES


def messages(actor: Actor, *, status: str = "", to: str = "") -> list[OutboxEntry]:
    """The newest messages first (at most LIMIT), optionally of one state or to addresses containing `to`."""
    policy.require(actor, "mail.outbox")
    query = select(OutboxMessage, Matter.reference).join(Matter, Matter.id == OutboxMessage.matter_id, isouter=True)
    if status in STATES:
        query = query.where(OutboxMessage.status == status)
    if to.strip():
        query = query.where(sa.func.lower(OutboxMessage.to_address).contains(to.strip().lower()[:254], autoescape=True))
    with db.read() as s:
        rows = s.exec(query.order_by(OutboxMessage.created_at.desc()).limit(LIMIT)).all()
        return [OutboxEntry(str(m.id), m.to_address, m.template, m.subject, m.status, m.attempts, m.last_error or "",
                            m.created_at, m.sent_at, m.next_attempt_at, reference or "") for m, reference in rows]


def _message(s, message_id: str) -> OutboxMessage:
    message = s.get(OutboxMessage, policy.parse_uuid(message_id))
    if message is None:
        raise NotFound()
    return message


def body(actor: Actor, message_id: str) -> OutboxBody:
    """One message's text as it was sent; audited (it may hold a sign-in link)."""
    policy.require(actor, "mail.outbox")
    with db.write() as s:
        message = _message(s, message_id)
        audit.record(s, "mail.body_viewed", actor=actor, object_type="outbox_message", object_id=message.id,
                     matter_id=message.matter_id, details={"to": message.to_address, "template": message.template})
        return OutboxBody(str(message.id), message.to_address, message.subject, message.body_text,
                          message.template)


def resend(actor: Actor, message_id: str) -> str:
    """Send a message again: a new copy goes to the queue (the original stays as it was), audited.
    Returns the new message's id. Mail with a one-time link is refused: the person is invited again
    (or asks for a new reset link) instead, which sends a link that works."""
    policy.require(actor, "mail.outbox")
    with db.write() as s:
        original = _message(s, message_id)
        if original.template in ONE_TIME_LINK_TEMPLATES:
            raise Conflict(f"outbox.fresh_link.{original.template}", to=original.to_address)
        copy = OutboxMessage(to_address=original.to_address, to_user_id=original.to_user_id,
                             matter_id=original.matter_id, template=original.template, locale=original.locale,
                             subject=original.subject, body_text=original.body_text, body_html=original.body_html)
        s.add(copy)
        s.flush()
        audit.record(s, "mail.resent", actor=actor, object_type="outbox_message", object_id=copy.id,
                     matter_id=original.matter_id, details={"to": original.to_address, "template": original.template,
                                                            "original": str(original.id)})
        return str(copy.id)
