"""Writing in a matter's thread: a message (text, and files uploaded for it just before), its
audit event, the thread's "needs a reply" mark, and a notice to the people on the other side.

The notice carries only a link, never the message or a file. Staff may send one as urgent: it goes
at once, outside the reader's quiet hours; every other message waits for the reader's daily digest
(services/reminders) like any reminder."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from models import (
    Client,
    Matter,
    Message,
    MessageAttachment,
    MessageThread,
    Organization,
    ReminderItem,
    ThreadRead,
    User,
    utcnow,
)
from portal_app.services.conversations import threads
from portal_app.services.kernel import audit, db, localtime, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput
from portal_app.services.kernel.settings import get_settings
from portal_app.services.messaging import mail
from portal_app.services.tasks import lifecycle as tasks

MAX_BODY = 5000
MAX_ATTACHMENTS = 10


@dataclass(frozen=True)
class Sent:
    message_id: str
    thread_id: str
    attachments: int
    notified: int


def _claim(s: Session, actor: Actor, thread: MessageThread, ids: list[str]) -> list[MessageAttachment]:
    """The actor's own files, uploaded to this thread and not yet sent; anything else is refused."""
    if len(ids) > MAX_ATTACHMENTS:
        raise InvalidInput("conversations.too_many_files", max=MAX_ATTACHMENTS)
    found = []
    for raw in dict.fromkeys(ids):
        row = s.get(MessageAttachment, policy.parse_uuid(raw))
        if row is None or row.thread_id != thread.id or row.uploaded_by_id != actor.user_id or row.message_id:
            raise InvalidInput("conversations.attachment_unknown")
        found.append(row)
    return found


def readers(s: Session, matter: Matter, thread: MessageThread, author: Actor) -> list[User]:
    """Who is told of a new message: the other side. From the client side: the thread's assignee, or
    the matter's paralegal (else its attorney). From the firm: the client and, where the matter is
    shared with their organization, its HR contacts."""
    if policy.is_staff(author):
        ids = _client_side(s, matter)
    else:
        ids = [thread.assignee_id or tasks.assignee_on_matter(s, matter.id, "paralegal")]
    users = [s.get(User, uid) for uid in ids if uid and uid != author.user_id]
    return [u for u in users if u is not None and u.is_active]


def _client_side(s: Session, matter: Matter) -> list[uuid.UUID]:
    client = s.get(Client, matter.client_id)
    ids = [client.user_id] if client and client.user_id else []
    if matter.shared_with_organization and matter.organization_id and s.get(Organization, matter.organization_id):
        ids += list(s.exec(select(User.id).where(User.organization_id == matter.organization_id,
                                                 policy.employer_contacts())).all())
    return ids


def _notify(s: Session, matter: Matter, thread: MessageThread, message: Message, author: Actor, now: datetime) -> int:
    people = readers(s, matter, thread, author)
    link = f"{get_settings().public_url}/matters/{matter.id}/messages"
    for person in people:
        if message.urgent:
            mail.enqueue(s, to_address=person.email, template="message_new", locale=person.locale or "en",
                         user_id=person.id, matter_id=matter.id, reference=matter.reference, link=link,
                         name=person.full_name, not_before=localtime.not_before(now, person.timezone or None))
            continue
        s.add(ReminderItem(recipient_id=person.id, matter_id=matter.id, kind="message_new",
                           subject_type="message_thread", subject_id=thread.id, occurrence=f"m{message.id.hex[:20]}",
                           occurs_on=localtime.today(now, person.timezone or None),
                           params={"reference": matter.reference, "matter_title": matter.title, "link": link}))
    return len(people)


def send(actor: Actor, matter_id: str, body: str, attachment_ids: list[str] | None = None, *,
         urgent: bool = False, now: datetime | None = None) -> Sent:
    """Post a message to the matter's thread. Empty (no text and no file) is refused; so are files
    that are not the writer's own uploads to this thread. Nothing is changed by a refusal."""
    now, body = now or utcnow(), text.paragraph(body)
    if len(body) > MAX_BODY:
        raise InvalidInput("conversations.too_long", max=MAX_BODY)
    with db.write() as s:
        matter = policy.require_matter(s, actor, "message.write", matter_id)
        thread = threads.thread_for(s, matter)
        ids = [str(i) for i in (attachment_ids or []) if str(i)]
        if ids:
            policy.require_matter(s, actor, "message.attach", matter.id)
        files = _claim(s, actor, thread, ids)
        if not body and not files:
            raise InvalidInput("conversations.empty")
        staff = policy.is_staff(actor)
        message = Message(thread_id=thread.id, author_id=actor.user_id, body=body, urgent=bool(urgent and staff),
                          created_at=now)
        s.add(message)
        s.flush()
        for row in files:
            row.message_id = message.id
        thread.last_message_at, thread.needs_reply = now, not staff
        mark = s.get(ThreadRead, (thread.id, actor.user_id))
        if mark is not None:
            mark.last_read_at = max(mark.last_read_at, now)
        notified = _notify(s, matter, thread, message, actor, now)
        audit.record(s, "message.sent", actor=actor, object_type="message", object_id=message.id,
                     matter_id=matter.id, details={"thread": str(thread.id), "attachments": len(files),
                                                   "urgent": message.urgent, "length": len(body)})
        return Sent(str(message.id), str(thread.id), len(files), notified)
