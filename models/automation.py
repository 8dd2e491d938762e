"""Workflow automation: background job leases and runs, reminders and digests, notification
preferences, and USCIS receipts with their status history."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import json_column, new_id, utc_column, utcnow


class JobState(SQLModel, table=True):
    """One row per background job: when it is next due, and who holds its lease right now.

    A process runs a job only after a conditional UPDATE made it the holder; a crashed holder's
    lease simply expires and another process takes the job over."""

    __tablename__ = "job_state"

    name: str = Field(primary_key=True, max_length=64)
    next_due_at: datetime = Field(sa_column=utc_column(nullable=False))
    holder: Optional[str] = Field(default=None, max_length=120)
    lease_expires_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    last_started_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    last_finished_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    last_status: str = Field(default="", max_length=16)  # ok | failed | abandoned
    last_result: dict = Field(default_factory=dict, sa_column=json_column())
    last_error: Optional[str] = Field(default=None, max_length=2000)
    run_count: int = 0
    consecutive_failures: int = 0


class JobRun(SQLModel, table=True):
    """A run that did something, failed, or was abandoned by a crashed holder (idle runs are only
    counted on JobState, so a job due every few seconds does not fill the table)."""

    __tablename__ = "job_run"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    job_name: str = Field(max_length=64, index=True)
    holder: str = Field(max_length=120)
    due_at: datetime = Field(sa_column=utc_column(nullable=False))
    started_at: datetime = Field(sa_column=utc_column(nullable=False, index=True))
    finished_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    status: str = Field(default="running", max_length=16, index=True)  # running | ok | failed | abandoned
    result: dict = Field(default_factory=dict, sa_column=json_column())
    error: Optional[str] = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))


class ReminderItem(SQLModel, table=True):
    """One reminder occurrence for one person ("passport still missing, day 7"). The unique key makes
    collecting idempotent; a digest later lists every pending item of a person in one mail."""

    __tablename__ = "reminder_item"
    __table_args__ = (sa.UniqueConstraint("recipient_id", "subject_type", "subject_id", "occurrence",
                                          name="uq_reminder_item_occurrence"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    recipient_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    matter_id: uuid.UUID = Field(foreign_key="matter.id", index=True)
    kind: str = Field(max_length=32)  # document_missing | documents_overdue_staff | invoice_due | deadline
    subject_type: str = Field(max_length=32)
    subject_id: uuid.UUID
    occurrence: str = Field(max_length=24)  # d3, d7, d14, d21... | due-30 ... | inv-3, inv0, inv+7 ...
    occurs_on: date = Field(index=True)
    essential: bool = False  # legal-deadline reminders: sent even to people who turned reminders off
    params: dict = Field(default_factory=dict, sa_column=json_column())
    status: str = Field(default="pending", max_length=16, index=True)  # pending | sent | dropped | opted_out
    digest_id: Optional[uuid.UUID] = Field(default=None, foreign_key="reminder_digest.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class ReminderDigest(SQLModel, table=True):
    """The one digest a person gets on one local day."""

    __tablename__ = "reminder_digest"
    __table_args__ = (sa.UniqueConstraint("user_id", "local_date", name="uq_reminder_digest_day"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    local_date: date
    outbox_message_id: Optional[uuid.UUID] = Field(default=None, foreign_key="outbox_message.id")
    item_count: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class NotificationPreference(SQLModel, table=True):
    """What a person chose about mail. Without a row: reminders on."""

    __tablename__ = "notification_preference"

    user_id: uuid.UUID = Field(foreign_key="user.id", primary_key=True)
    reminders_off: bool = False
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class TrackedReceipt(SQLModel, table=True):
    """A USCIS receipt number on a matter, polled through the Case Status API."""

    __tablename__ = "tracked_receipt"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    matter_id: uuid.UUID = Field(foreign_key="matter.id", index=True)
    receipt_number: str = Field(max_length=13, sa_column_kwargs={"unique": True})
    form_type: str = Field(default="", max_length=16)
    current_status: str = Field(default="", max_length=200)
    status_category: str = Field(default="", max_length=24)
    status_changed_on: Optional[date] = None
    last_checked_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    next_check_at: datetime = Field(sa_column=utc_column(nullable=False, index=True))
    error_count: int = 0
    last_error: Optional[str] = Field(default=None, max_length=300)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class ReceiptStatusEvent(SQLModel, table=True):
    """Each status USCIS reported for a receipt, in the order we saw them."""

    __tablename__ = "receipt_status_event"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    receipt_id: uuid.UUID = Field(foreign_key="tracked_receipt.id", index=True)
    status: str = Field(max_length=200)
    category: str = Field(default="other", max_length=24)
    description: str = Field(default="", sa_column=sa.Column(sa.Text(), nullable=False))
    status_date: Optional[date] = None
    observed_at: datetime = Field(sa_column=utc_column(nullable=False))
    client_notified: bool = False


class ApiUsage(SQLModel, table=True):
    """Calls made to an outside API per UTC day (USCIS allows 1,000 a day), and any back-off."""

    __tablename__ = "api_usage"

    service: str = Field(primary_key=True, max_length=32)
    day: date = Field(primary_key=True)
    calls: int = 0
    blocked_until: Optional[datetime] = Field(default=None, sa_column=utc_column())
