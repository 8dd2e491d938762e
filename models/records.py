"""Keeping records right: retention policies per case type (and the firm's default), legal holds,
the retention reviews that list what falls due and wait for an administrator's approval, and the
tags that put matters in a pilot cohort for the firm's figures."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.base import json_column, new_id, utc_column, utcnow


class RetentionPolicy(SQLModel, table=True):
    """How long a closed matter's documents are kept: scope is "default" or a case type code."""

    __tablename__ = "retention_policy"

    scope: str = Field(primary_key=True, max_length=32)
    keep_months: int
    updated_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class LegalHold(SQLModel, table=True):
    """While a hold is in force (released_at empty) nothing on the matter is deleted."""

    __tablename__ = "legal_hold"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    matter_id: uuid.UUID = Field(foreign_key="matter.id", index=True)
    reason: str = Field(max_length=500)
    placed_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    placed_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    released_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    released_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    release_reason: str = Field(default="", max_length=500)


class RetentionReview(SQLModel, table=True):
    """A matter whose documents fell due under a policy: pending -> approved -> deleted, or cancelled.
    The daily job lists them; only an administrator's approval (in the audit chain) deletes."""

    __tablename__ = "retention_review"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    matter_id: uuid.UUID = Field(foreign_key="matter.id", index=True)
    status: str = Field(default="pending", max_length=16, index=True)
    policy_scope: str = Field(max_length=32)
    keep_months: int
    closed_on: date
    due_on: date
    files_due: int = 0
    bytes_due: int = 0
    listed_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    decided_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    decided_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    approval_seq: Optional[int] = None
    certificate_seq: Optional[int] = None
    deleted_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    note: str = Field(default="", max_length=500)
    summary: dict = Field(default_factory=dict, sa_column=json_column())


class MatterTag(SQLModel, table=True):
    """A label on a matter; "pilot" puts it in the pilot cohort the figures compare with the rest."""

    __tablename__ = "matter_tag"

    matter_id: uuid.UUID = Field(foreign_key="matter.id", primary_key=True)
    tag: str = Field(primary_key=True, max_length=32, index=True)
    added_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    added_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
