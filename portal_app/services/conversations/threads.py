"""The one thread of a matter: reading it (which marks it read), who may see it, unread counts,
the staff inbox of threads needing a reply, and staff marking and assigning a thread.

Every read goes through policy.matter_scope with "message.read", so a list can only hold threads
of matters the actor may see; a thread or matter id from the browser is checked again here."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from models import (
    Client,
    Document,
    DocumentVersion,
    Matter,
    MatterMember,
    Message,
    MessageAttachment,
    MessageThread,
    ReminderItem,
    ThreadRead,
    User,
    utcnow,
)
from portal_app.services.files import links
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput, NotAllowed

INBOX_LIMIT = 200


@dataclass(frozen=True)
class AttachmentView:
    id: str
    version_id: str
    name: str
    size_bytes: int
    content_type: str
    filed_to: str  # the checklist item's title once filed, else ""


@dataclass(frozen=True)
class MessageView:
    id: str
    author: str
    mine: bool
    from_firm: bool
    body: str
    urgent: bool
    created_at: datetime
    attachments: list[AttachmentView] = field(default_factory=list)


@dataclass(frozen=True)
class ThreadView:
    thread_id: str
    matter_id: str
    reference: str
    title: str
    needs_reply: bool
    assignee_id: str
    assignee: str
    messages: list[MessageView]
    may_write: bool
    may_attach: bool
    may_assign: bool
    team: list[tuple[str, str]]  # (user id, name): who the thread may be assigned to


@dataclass(frozen=True)
class InboxRow:
    thread_id: str
    matter_id: str
    reference: str
    client: str
    needs_reply: bool
    assignee: str
    unread: int
    last_message_at: datetime | None


def thread_for(s: Session, matter: Matter) -> MessageThread:
    """The matter's thread, opened on first use (one per matter: a unique key)."""
    thread = s.exec(select(MessageThread).where(MessageThread.matter_id == matter.id)).first()
    if thread is None:
        thread = MessageThread(matter_id=matter.id)
        s.add(thread)
        s.flush()
    return thread


def require_thread(s: Session, actor: Actor, action: str, thread_id: uuid.UUID | str) -> tuple[MessageThread, Matter]:
    """A thread the actor may act on (by its matter), or NotAllowed: unknown and forbidden look alike."""
    thread = s.get(MessageThread, policy.parse_uuid(thread_id))
    if thread is None:
        raise NotAllowed()
    return thread, policy.require_matter(s, actor, action, thread.matter_id)


def team(s: Session, matter: Matter) -> list[tuple[str, str]]:
    """The matter's legal team: the people a thread may be assigned to."""
    ids = set(s.exec(select(MatterMember.user_id).where(MatterMember.matter_id == matter.id)).all())
    if matter.responsible_attorney_id:
        ids.add(matter.responsible_attorney_id)
    users = s.exec(select(User).where(User.id.in_(ids), User.is_active.is_(True))).all() if ids else []
    return sorted(((str(u.id), u.full_name) for u in users if policy.role_allows(u.role, "message.assign")),
                  key=lambda pair: pair[1])


def _attachments(s: Session, actor: Actor, thread_id: uuid.UUID) -> dict[uuid.UUID, list[AttachmentView]]:
    rows = s.exec(select(MessageAttachment, DocumentVersion, Document)
                  .join(DocumentVersion, DocumentVersion.id == MessageAttachment.version_id)
                  .join(Document, Document.id == DocumentVersion.document_id)
                  .where(MessageAttachment.thread_id == thread_id, MessageAttachment.message_id.is_not(None))
                  .order_by(MessageAttachment.created_at)).all()
    found: dict[uuid.UUID, list[AttachmentView]] = {}
    for attachment, version, document in rows:
        if not links.may_see(s, actor, document):
            continue  # filed to an item this reader may not touch (the employee's own, for an HR contact)
        filed = document.display_name if attachment.filed_request_id else ""
        found.setdefault(attachment.message_id, []).append(AttachmentView(
            str(attachment.id), str(version.id), version.original_name, version.size_bytes, version.content_type, filed))
    return found


def read_thread(actor: Actor, matter_id: str, now: datetime | None = None) -> ThreadView:
    """The matter's messages, oldest first, and the thread marked read up to now for this reader."""
    now = now or utcnow()
    with db.write() as s:
        matter = policy.require_matter(s, actor, "message.read", matter_id)
        thread = thread_for(s, matter)
        authors = sa.orm.aliased(User)
        rows = s.exec(select(Message, authors.full_name, authors.role).join(authors, authors.id == Message.author_id)
                      .where(Message.thread_id == thread.id).order_by(Message.created_at, Message.id)).all()
        files = _attachments(s, actor, thread.id)
        messages = [MessageView(str(m.id), name, m.author_id == actor.user_id, policy.is_staff_role(role), m.body,
                                m.urgent, m.created_at, files.get(m.id, [])) for m, name, role in rows]
        mark = s.get(ThreadRead, (thread.id, actor.user_id)) or ThreadRead(thread_id=thread.id, user_id=actor.user_id,
                                                                           last_read_at=now)
        mark.last_read_at = max(now, mark.last_read_at)
        s.add(mark)
        # read before the digest went: the digest need not tell this reader about it any more
        s.execute(sa.update(ReminderItem).where(
            ReminderItem.recipient_id == actor.user_id, ReminderItem.subject_type == "message_thread",
            ReminderItem.subject_id == thread.id, ReminderItem.status == "pending").values(status="dropped"))
        assignee = s.get(User, thread.assignee_id) if thread.assignee_id else None
        return ThreadView(
            str(thread.id), str(matter.id), matter.reference, matter.title, thread.needs_reply,
            str(thread.assignee_id or ""), assignee.full_name if assignee else "", messages,
            policy.can_on_matter(s, actor, "message.write", matter.id),
            policy.can_on_matter(s, actor, "message.attach", matter.id),
            policy.can_on_matter(s, actor, "message.assign", matter.id),
            team(s, matter) if policy.can_on_matter(s, actor, "message.assign", matter.id) else [],
        )


_MARK = sa.orm.aliased(ThreadRead, name="thread_read_mark")  # built once: making an alias per call was most of the query's cost


def unread_query(actor: Actor):
    mark = _MARK
    return (select(Message.thread_id, sa.func.count(Message.id))
            .join(MessageThread, MessageThread.id == Message.thread_id)
            .join(Matter, Matter.id == MessageThread.matter_id)
            .join(mark, sa.and_(mark.thread_id == MessageThread.id, mark.user_id == actor.user_id), isouter=True)
            .where(policy.matter_scope(actor, "message.read"), Message.author_id != actor.user_id,
                   sa.or_(mark.last_read_at.is_(None), Message.created_at > mark.last_read_at))
            .group_by(Message.thread_id))


def unread_count(actor: Actor) -> int:
    """Messages by others, on every thread this person may read, that came after they last read it."""
    if actor is None or not policy.role_allows(actor.role, "message.read"):
        return 0
    with db.read() as s:
        return sum(count for _thread, count in s.exec(unread_query(actor)).all())


def inbox(actor: Actor, which: str = "needs_reply") -> list[InboxRow]:
    """Staff: threads on my matters that need a reply (or are unread by me), those needing a reply
    first and the longest waiting first; which="mine" keeps those assigned to me."""
    policy.require(actor, "staff.dashboard")
    with db.read() as s:
        unread = dict(s.exec(unread_query(actor)).all())
        assignee = sa.orm.aliased(User)
        query = (select(MessageThread, Matter.reference, Client.full_name, assignee.full_name)
                 .join(Matter, Matter.id == MessageThread.matter_id).join(Client, Client.id == Matter.client_id)
                 .join(assignee, assignee.id == MessageThread.assignee_id, isouter=True)
                 .where(policy.matter_scope(actor, "message.read"), MessageThread.last_message_at.is_not(None)))
        if which == "mine":
            query = query.where(MessageThread.assignee_id == actor.user_id)
        else:
            query = query.where(sa.or_(MessageThread.needs_reply.is_(True), MessageThread.id.in_(list(unread) or [None])))
        rows = s.exec(query.order_by(MessageThread.needs_reply.desc(), MessageThread.last_message_at)
                      .limit(INBOX_LIMIT)).all()
        return [InboxRow(str(t.id), str(t.matter_id), ref, client, t.needs_reply, name or "", unread.get(t.id, 0),
                         t.last_message_at) for t, ref, client, name in rows]


def set_needs_reply(actor: Actor, thread_id: str, needs_reply: bool) -> None:
    with db.write() as s:
        thread, matter = require_thread(s, actor, "message.assign", thread_id)
        if thread.needs_reply == bool(needs_reply):
            return
        thread.needs_reply = bool(needs_reply)
        audit.record(s, "thread.needs_reply" if needs_reply else "thread.replied", actor=actor,
                     object_type="message_thread", object_id=thread.id, matter_id=matter.id)


def assign(actor: Actor, thread_id: str, user_id: str) -> None:
    """Give the thread to one of the matter's legal team ("" takes it back from whoever had it)."""
    with db.write() as s:
        thread, matter = require_thread(s, actor, "message.assign", thread_id)
        new = None
        if user_id:
            new = policy.parse_uuid(user_id)
            if str(new) not in {uid for uid, _name in team(s, matter)}:
                raise InvalidInput("conversations.assignee_not_on_team")
        if thread.assignee_id == new:
            return
        before, thread.assignee_id = thread.assignee_id, new
        audit.record(s, "thread.assigned", actor=actor, object_type="message_thread", object_id=thread.id,
                     matter_id=matter.id, details={"from": str(before or ""), "to": str(new or "")})
