"""People who sign in, their server-side sessions, invitations and sign-in throttling."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.base import new_id, utc_column, utcnow


class Role(SQLModel, table=True):
    """The six roles. What each may do lives in one table in code: services/kernel/policy.py."""

    name: str = Field(primary_key=True, max_length=32)
    label: str = Field(max_length=64)
    is_staff: bool = False


class User(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    email: str = Field(max_length=254, sa_column_kwargs={"unique": True}, index=False)
    full_name: str = Field(max_length=200)
    role: str = Field(foreign_key="role.name", max_length=32, index=True)
    password_hash: Optional[str] = Field(default=None, max_length=255)
    is_active: bool = True
    locale: str = Field(default="en", max_length=16)
    timezone: str = Field(default="America/New_York", max_length=64)
    organization_id: Optional[uuid.UUID] = Field(default=None, foreign_key="organization.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    password_changed_at: Optional[datetime] = Field(default=None, sa_column=utc_column())


class AuthSession(SQLModel, table=True):
    """A signed-in browser. Only hashes of its tokens are stored.

    Sign-in creates the row with a short-lived single-use exchange token; the exchange route
    swaps it for the long-lived session token that goes into an HttpOnly cookie.
    """

    __tablename__ = "auth_session"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    token_hash: Optional[str] = Field(default=None, max_length=64, sa_column_kwargs={"unique": True})
    exchange_hash: Optional[str] = Field(default=None, max_length=64, sa_column_kwargs={"unique": True})
    exchange_expires_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    last_seen_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    expires_at: datetime = Field(sa_column=utc_column(nullable=False))
    revoked_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    revoked_reason: Optional[str] = Field(default=None, max_length=32)
    ip: Optional[str] = Field(default=None, max_length=64)
    user_agent: Optional[str] = Field(default=None, max_length=300)
    # Set on the limited session a one-tap task link opens: it never counts as a sign-in anywhere else.
    task_link_id: Optional[uuid.UUID] = Field(default=None, foreign_key="task_link.id", index=True)


class TaskLink(SQLModel, table=True):
    """A one-tap link from a reminder: one person, one matter, one task (upload to one checklist
    item, or pay one invoice). Only the token's hash is stored; opening the page does not use it,
    the page's own button does (services/identity/task_links.py)."""

    __tablename__ = "task_link"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    kind: str = Field(max_length=16)  # "upload" | "pay"
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    matter_id: uuid.UUID = Field(foreign_key="matter.id", index=True)
    object_id: uuid.UUID = Field(index=True)  # the checklist item (document_request) or the invoice
    created_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")  # None: the reminders job
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    expires_at: datetime = Field(sa_column=utc_column(nullable=False))
    last_used_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    use_count: int = 0
    revoked_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    revoked_reason: Optional[str] = Field(default=None, max_length=16)  # staff | client | done | superseded


class Invitation(SQLModel, table=True):
    """A single-use link: an invitation to set a first password, or a password reset."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    purpose: str = Field(max_length=16)  # "invite" | "reset"
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    created_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    expires_at: datetime = Field(sa_column=utc_column(nullable=False))
    used_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    superseded_at: Optional[datetime] = Field(default=None, sa_column=utc_column())


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins counted per key (a hashed e-mail address or an IP)."""

    __tablename__ = "login_throttle"

    key: str = Field(primary_key=True, max_length=80)
    failures: int = 0
    lockouts: int = 0  # lockouts in a row (an account's back-off doubles with each); a success clears it
    window_started_at: datetime = Field(sa_column=utc_column(nullable=False))
    locked_until: Optional[datetime] = Field(default=None, sa_column=utc_column())


__all__ = ["Role", "User", "AuthSession", "Invitation", "LoginThrottle"]
