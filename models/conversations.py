"""Secure messages per matter (one thread each, its messages, their attachments, who read what)
and support requests with the firm's routing and SLA per topic."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import new_id, utc_column, utcnow


class MessageThread(SQLModel, table=True):
    """The one conversation of a matter between its client (and a sharing employer's HR contact)
    and its team. Staff mark it as needing a reply and assign it to one of them."""

    __tablename__ = "message_thread"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    matter_id: uuid.UUID = Field(foreign_key="matter.id", sa_column_kwargs={"unique": True})
    needs_reply: bool = Field(default=False, index=True)
    assignee_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id", index=True)
    last_message_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class Message(SQLModel, table=True):
    __tablename__ = "message"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    thread_id: uuid.UUID = Field(foreign_key="message_thread.id", index=True)
    author_id: uuid.UUID = Field(foreign_key="user.id")
    body: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    urgent: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False, index=True))


class MessageAttachment(SQLModel, table=True):
    """A file sent with a message: a document version of kind "attachment" on the matter, stored
    through the same validated, encrypted upload path as evidence. Uploaded before the message is
    sent (message_id empty until then); staff may file it to a checklist item."""

    __tablename__ = "message_attachment"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    thread_id: uuid.UUID = Field(foreign_key="message_thread.id", index=True)
    message_id: Optional[uuid.UUID] = Field(default=None, foreign_key="message.id", index=True)
    version_id: uuid.UUID = Field(foreign_key="document_version.id", sa_column_kwargs={"unique": True})
    uploaded_by_id: uuid.UUID = Field(foreign_key="user.id")
    filed_request_id: Optional[uuid.UUID] = Field(default=None, foreign_key="document_request.id")
    filed_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class ThreadRead(SQLModel, table=True):
    """How far one person has read one thread: later messages by others are unread."""

    __tablename__ = "thread_read"

    thread_id: uuid.UUID = Field(foreign_key="message_thread.id", primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", primary_key=True)
    last_read_at: datetime = Field(sa_column=utc_column(nullable=False))


class SupportTopic(SQLModel, table=True):
    """The firm's routing and SLA for one support topic (sign_in, uploading, paying, my_case, other)."""

    __tablename__ = "support_topic"

    topic: str = Field(primary_key=True, max_length=16)
    assignee_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    sla_hours: int = 24
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class SupportRequest(SQLModel, table=True):
    """"I need help", from a client page or a signed-out visitor. The optional screenshot is
    stored encrypted like every file (its own data key), named here and nowhere else."""

    __tablename__ = "support_request"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    reference: str = Field(max_length=16, sa_column_kwargs={"unique": True})
    topic: str = Field(max_length=16, index=True)
    body: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    contact_email: str = Field(default="", max_length=254)
    contact_name: str = Field(default="", max_length=200)
    user_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id", index=True)
    assignee_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id", index=True)
    status: str = Field(default="open", max_length=16, index=True)  # open | answered | closed
    due_at: datetime = Field(sa_column=utc_column(nullable=False, index=True))
    answer: Optional[str] = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    answered_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    overdue_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    storage_key: Optional[str] = Field(default=None, max_length=128)
    wrapped_key: Optional[str] = Field(default=None, max_length=512)
    chunk_size: int = 0
    size_bytes: int = 0
    sha256: Optional[str] = Field(default=None, max_length=64)
    content_type: Optional[str] = Field(default=None, max_length=100)
    attachment_name: Optional[str] = Field(default=None, max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False, index=True))
