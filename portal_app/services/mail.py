"""Mail: every message is first a row in the outbox (in the caller's transaction); a sender
adapter delivers it. The default sender writes to the console; SMTP comes with its own adapter."""
from __future__ import annotations

import logging
import sys
import uuid
from datetime import datetime
from typing import Protocol

from sqlmodel import Session, select

from models import OutboxMessage, utcnow
from portal_app.services import db
from portal_app.services.i18n import t
from portal_app.services.settings import get_settings

log = logging.getLogger("portal.mail")


def enqueue(
    s: Session,
    *,
    to_address: str,
    template: str,
    locale: str = "en",
    user_id: uuid.UUID | None = None,
    matter_id: uuid.UUID | None = None,
    **params: object,
) -> OutboxMessage:
    params = {"firm_name": get_settings().firm_name, **params}
    message = OutboxMessage(
        to_address=to_address,
        to_user_id=user_id,
        matter_id=matter_id,
        template=template,
        locale=locale,
        subject=t(f"mail.{template}.subject", locale, **params),
        body_text=t(f"mail.{template}.body", locale, **params),
    )
    s.add(message)
    return message


class Sender(Protocol):
    def send(self, message: OutboxMessage) -> None: ...


class ConsoleSender:
    """Prints each message; the embedded default that needs no mail server."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stdout

    def send(self, message: OutboxMessage) -> None:
        print(f"\n--- mail to {message.to_address}: {message.subject}\n{message.body_text}\n---", file=self.stream, flush=True)


def deliver_pending(sender: Sender | None = None, now: datetime | None = None, limit: int = 100) -> int:
    """Send what is waiting; a failure is recorded on the message and tried again later."""
    sender, now, sent = sender or ConsoleSender(), now or utcnow(), 0
    with db.write() as s:
        pending = s.exec(
            select(OutboxMessage).where(OutboxMessage.status == "pending").order_by(OutboxMessage.created_at).limit(limit)
        ).all()
        for message in pending:
            try:
                sender.send(message)
            except Exception as exc:  # noqa: BLE001 - any sender failure is recorded, not raised
                message.attempts += 1
                message.last_error = str(exc)[:500]
                log.warning("mail to %s failed: %s", message.to_address, exc)
                continue
            message.status, message.sent_at, message.attempts = "sent", now, message.attempts + 1
            sent += 1
    return sent
