"""The tamper-evident audit log: append-only events chained by SHA-256."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.base import json_column, utc_column


class AuditEvent(SQLModel, table=True):
    """entry_hash = SHA-256(prev_hash + canonical JSON of the event's fields); mac = HMAC of it."""

    __tablename__ = "audit_event"

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    occurred_at: datetime = Field(sa_column=utc_column(nullable=False, index=True))
    actor_id: Optional[uuid.UUID] = Field(default=None, index=True)
    actor_role: str = Field(default="", max_length=32)
    action: str = Field(max_length=64, index=True)
    object_type: str = Field(default="", max_length=32)
    object_id: str = Field(default="", max_length=64)
    matter_id: Optional[uuid.UUID] = Field(default=None, index=True)
    ip: str = Field(default="", max_length=64)
    details: dict = Field(default_factory=dict, sa_column=json_column())
    prev_hash: str = Field(max_length=64)
    entry_hash: str = Field(max_length=64)
    # HMAC-SHA256 over (seq, entry_hash) with a key derived from a master key (never stored here),
    # and which key: an attacker who can rewrite the table cannot forge it (kernel/audit/keys.py).
    mac: str = Field(default="", max_length=64)
    mac_key: str = Field(default="", max_length=16)


class AuditHead(SQLModel, table=True):
    """One row: the last sequence number and hash. Appends lock it, so the chain never forks."""

    __tablename__ = "audit_head"

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_seq: int = 0
    last_hash: str = Field(max_length=64)
