"""Deadlines on a matter and staff tasks."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.base import new_id, utc_column, utcnow


class Deadline(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    matter_id: uuid.UUID = Field(foreign_key="matter.id", index=True)
    kind: str = Field(max_length=32)  # rfe_response | noid_response | biometrics | interview | ...
    title: str = Field(max_length=200)
    due_date: date = Field(index=True)
    source_date: Optional[date] = None
    rule: str = Field(default="", max_length=120)
    client_visible: bool = False
    override_reason: Optional[str] = Field(default=None, max_length=500)
    source: str = Field(default="manual", max_length=64)  # manual | uscis:<receipt> | the notice it came from
    rule_due_date: Optional[date] = None  # the date the rule gave, kept when staff override it
    overridden_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    overridden_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    created_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    completed_at: Optional[datetime] = Field(default=None, sa_column=utc_column())


class Task(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    # empty only for work on no matter (0007: an overdue support request)
    matter_id: Optional[uuid.UUID] = Field(default=None, foreign_key="matter.id", index=True)
    assignee_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id", index=True)
    kind: str = Field(max_length=32)  # review_upload | approve_invoice | file | status_change | ...
    title: str = Field(max_length=200)
    subject_type: Optional[str] = Field(default=None, max_length=32)
    subject_id: Optional[uuid.UUID] = None
    due_date: Optional[date] = None
    status: str = Field(default="open", max_length=16, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    closed_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
