"""Small reads for the pages around a thread: unread counts per matter (the client's home), the
staff dashboard's counts, my uploads not yet sent, and the checklist items an attachment may be
filed to. Each is scoped by the permission table like every list."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import select

from models import DocumentRequest, DocumentVersion, Matter, MessageAttachment, MessageThread
from portal_app.services.conversations import threads
from portal_app.services.kernel import db, policy
from portal_app.services.kernel.actor import Actor


@dataclass(frozen=True)
class MatterMessages:
    matter_id: str
    reference: str
    title: str
    unread: int


@dataclass(frozen=True)
class StaffCounts:
    unread: int
    needs_reply: int
    assigned_to_me: int


@dataclass(frozen=True)
class Pending:
    id: str
    name: str
    size_bytes: int


def by_matter(actor: Actor) -> list[MatterMessages]:
    """Every matter whose thread I may read, with how many messages I have not read."""
    if not policy.role_allows(actor.role, "message.read"):
        return []
    with db.read() as s:
        unread = dict(s.exec(threads.unread_query(actor)).all())
        by_thread = dict(s.exec(select(MessageThread.matter_id, MessageThread.id)).all()) if unread else {}
        rows = s.exec(select(Matter.id, Matter.reference, Matter.title)
                      .where(policy.matter_scope(actor, "message.read")).order_by(Matter.opened_at.desc())
                      .limit(50)).all()
        return [MatterMessages(str(mid), ref, title, unread.get(by_thread.get(mid), 0)) for mid, ref, title in rows]


def staff_counts(actor: Actor) -> StaffCounts:
    policy.require(actor, "staff.dashboard")
    with db.read() as s:
        unread = sum(n for _t, n in s.exec(threads.unread_query(actor)).all())
        scoped = (select(sa.func.count()).select_from(MessageThread).join(Matter, Matter.id == MessageThread.matter_id)
                  .where(policy.matter_scope(actor, "message.read"), MessageThread.needs_reply.is_(True)))
        return StaffCounts(unread, s.exec(scoped).one(),
                           s.exec(scoped.where(MessageThread.assignee_id == actor.user_id)).one())


def pending(actor: Actor, matter_id: str) -> list[Pending]:
    """My files uploaded to this matter's thread and not sent yet."""
    with db.read() as s:
        matter = policy.require_matter(s, actor, "message.attach", matter_id)
        rows = s.exec(select(MessageAttachment.id, DocumentVersion.original_name, DocumentVersion.size_bytes)
                      .join(MessageThread, MessageThread.id == MessageAttachment.thread_id)
                      .join(DocumentVersion, DocumentVersion.id == MessageAttachment.version_id)
                      .where(MessageThread.matter_id == matter.id, MessageAttachment.uploaded_by_id == actor.user_id,
                             MessageAttachment.message_id.is_(None)).order_by(MessageAttachment.created_at)).all()
        return [Pending(str(i), name, size) for i, name, size in rows]


def filing_targets(actor: Actor, matter_id: str) -> list[tuple[str, str]]:
    """(item id, title) of the matter's checklist items an attachment may be filed to (staff)."""
    with db.read() as s:
        policy.require_matter(s, actor, "document.review", matter_id)
        rows = s.exec(select(DocumentRequest.id, DocumentRequest.title)
                      .where(DocumentRequest.matter_id == policy.parse_uuid(matter_id),
                             DocumentRequest.removed_at.is_(None), policy.item_scope(actor))
                      .order_by(DocumentRequest.title)).all()
        return [(str(i), title) for i, title in rows]
