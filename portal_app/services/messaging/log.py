"""What staff see of the mail: every message sent (or not) on a matter, failures firm-wide for
admins, and a retry for a message that finally failed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select

from models import Matter, OutboxMessage
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput, NotAllowed

LIMIT = 200


@dataclass(frozen=True)
class MailView:
    id: str
    to_address: str
    template: str
    subject: str
    locale: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime | None
    reference: str = ""


def _view(m: OutboxMessage, reference: str = "") -> MailView:
    return MailView(str(m.id), m.to_address, m.template, m.subject, m.locale, m.status, m.attempts, m.last_error or "",
                    m.created_at, m.sent_at, m.next_attempt_at, reference)


def for_matter(actor: Actor, matter_id: str) -> list[MailView]:
    with db.read() as s:
        matter = policy.require_matter(s, actor, "mail.view", matter_id)
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.matter_id == matter.id)
                      .order_by(OutboxMessage.created_at.desc()).limit(LIMIT)).all()
        return [_view(m, matter.reference) for m in rows]


def failed(actor: Actor) -> list[MailView]:
    """Messages that finally failed, on the matters this person may see (admins: also those
    without a matter, such as invitations and password resets)."""
    policy.require(actor, "staff.dashboard")
    query = (select(OutboxMessage, Matter.reference).join(Matter, Matter.id == OutboxMessage.matter_id, isouter=True)
             .where(OutboxMessage.status == "failed"))
    if policy.sees_firm_wide_mail(actor):
        query = query.where(sa.or_(OutboxMessage.matter_id.is_(None), policy.matter_scope(actor, "mail.view")))
    else:
        query = query.where(OutboxMessage.matter_id.is_not(None), policy.matter_scope(actor, "mail.view"))
    with db.read() as s:
        rows = s.exec(query.order_by(OutboxMessage.created_at.desc()).limit(LIMIT)).all()
        return [_view(m, reference or "") for m, reference in rows]


def retry(actor: Actor, message_id: str) -> None:
    """Put a failed message back in the queue (after fixing the address or the mail settings)."""
    with db.write() as s:
        message = s.get(OutboxMessage, policy.parse_uuid(message_id))
        if message is None:
            raise NotAllowed()
        if message.matter_id is not None:
            policy.require_matter(s, actor, "mail.retry", message.matter_id)
        else:
            policy.require(actor, "mail.firm_wide")
        if message.status != "failed":
            raise InvalidInput("mail.retry_only_failed")
        message.status, message.attempts, message.next_attempt_at = "pending", 0, None
        audit.record(s, "mail.retried", actor=actor, object_type="outbox_message", object_id=message.id,
                     matter_id=message.matter_id, details={"to": message.to_address, "template": message.template})
