"""Mail: every message is first a row in the outbox (in the caller's transaction); a sender
adapter delivers it. The default sender writes to the console; `PORTAL_MAIL_BACKEND=smtp` sends
over SMTP (services/smtp_sender.py).

Each message gets a plain-text part from the template's keys (`mail.<name>.subject/body`, in the
recipient's language) and a branded HTML part rendered from that text. Delivery retries with
back-off; a permanent refusal, or the last attempt, marks it failed and opens a task for the
matter's staff, who also see it in the matter's mail log.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from models import OutboxMessage, utcnow
from portal_app.services.kernel import db, localtime
from portal_app.services.kernel.i18n import t
from portal_app.services.kernel.settings import get_settings
from portal_app.services.messaging import html as mail_html
from portal_app.services.messaging.senders import ConsoleSender, PermanentMailError, Sender
from portal_app.services.tasks import lifecycle as tasks

log = logging.getLogger("portal.mail")
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
           timedelta(hours=6), timedelta(hours=12))


def enqueue(
    s: Session,
    *,
    to_address: str,
    template: str,
    locale: str = "en",
    user_id: uuid.UUID | None = None,
    matter_id: uuid.UUID | None = None,
    not_before: datetime | None = None,
    **params: object,
) -> OutboxMessage:
    """Add a message to the outbox; `not_before` holds it back (quiet hours)."""
    params = {"firm_name": get_settings().firm_name, **params}
    subject = t(f"mail.{template}.subject", locale, **params)
    body_text = t(f"mail.{template}.body", locale, **params)
    message = OutboxMessage(
        to_address=to_address, to_user_id=user_id, matter_id=matter_id, template=template, locale=locale,
        subject=subject[:300], body_text=body_text, body_html=mail_html.render(subject, body_text, locale),
        next_attempt_at=not_before,
    )
    s.add(message)
    return message


def sender_from_settings() -> Sender:
    cfg = get_settings()
    if cfg.mail_backend == "smtp":
        from portal_app.services.messaging.smtp import SmtpSender

        return SmtpSender(cfg.smtp, cfg.mail_from, cfg.firm_name)
    return ConsoleSender()


def _due_ids(now: datetime, limit: int) -> list[uuid.UUID]:
    with db.read() as s:
        return list(s.exec(
            select(OutboxMessage.id).where(
                OutboxMessage.status == "pending",
                sa.or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now),
            ).order_by(OutboxMessage.created_at).limit(limit)
        ).all())


def _record_sent(message_id: uuid.UUID, now: datetime) -> None:
    with db.write() as s:
        message = s.get(OutboxMessage, message_id)
        message.status, message.sent_at, message.attempts = "sent", now, message.attempts + 1
        message.last_error, message.next_attempt_at = None, None
        tasks.close_tasks_for(s, subject_type="outbox_message", subject_id=message_id)


def _record_failure(message_id: uuid.UUID, now: datetime, exc: Exception) -> None:
    max_attempts = get_settings().smtp.max_attempts
    with db.write() as s:
        message = s.get(OutboxMessage, message_id)
        message.attempts += 1
        message.last_error = f"{type(exc).__name__}: {exc}"[:500]
        final = isinstance(exc, PermanentMailError) or message.attempts >= max_attempts
        if not final:
            message.next_attempt_at = now + BACKOFF[min(message.attempts, len(BACKOFF)) - 1]
            return
        message.status, message.next_attempt_at = "failed", None
        if message.matter_id is not None:
            tasks.open_task(s, matter_id=message.matter_id, kind="mail_failed", subject_type="outbox_message",
                            subject_id=message.id, title=f"Mail to {message.to_address} failed: {message.subject}",
                            due_date=localtime.firm_today(now))


def deliver_pending(sender: Sender | None = None, now: datetime | None = None, limit: int = 100) -> int:
    """Send what is due. No transaction is held open while a message is on the wire."""
    sender, now, sent = sender or sender_from_settings(), now or utcnow(), 0
    try:
        for message_id in _due_ids(now, limit):
            with db.read() as s:
                message = s.get(OutboxMessage, message_id)
            try:
                sender.send(message)
            except Exception as exc:  # noqa: BLE001 - any sender failure is recorded and retried
                log.warning("mail to %s failed: %s", message.to_address, exc)
                _record_failure(message_id, now, exc)
                continue
            _record_sent(message_id, now)
            sent += 1
    finally:
        close = getattr(sender, "close", None)
        if close is not None:
            close()
    return sent
