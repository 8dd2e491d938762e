"""Evidence checklists: versioned templates per case type, the requests they open on a matter,
and intake forms with their answers."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import json_column, new_id, utc_column, utcnow

# An item still asked for (requested, or sent back) with a due date: overdue once that date is past.
OVERDUE_CANDIDATE = "removed_at IS NULL AND status IN ('requested', 'rejected') AND due_date IS NOT NULL"


class ChecklistTemplate(SQLModel, table=True):
    """One version of a case type's checklist; edits create a new version."""

    __tablename__ = "checklist_template"
    __table_args__ = (sa.UniqueConstraint("case_type_id", "version"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    case_type_id: uuid.UUID = Field(foreign_key="case_type.id", index=True)
    version: int = 1
    is_current: bool = True
    created_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    note: str = Field(default="", max_length=500)


class ChecklistTemplateItem(SQLModel, table=True):
    __tablename__ = "checklist_template_item"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    template_id: uuid.UUID = Field(foreign_key="checklist_template.id", index=True)
    key: str = Field(max_length=64)
    position: int = 0
    title: str = Field(max_length=200)
    why: str = Field(default="", max_length=2000)
    example: str = Field(default="", max_length=1000)
    accepted_types: list = Field(default_factory=list, sa_column=json_column())
    max_size_bytes: int = 10 * 1024 * 1024
    naming_convention: str = Field(default="", max_length=200)
    provided_by: str = Field(default="beneficiary", max_length=32)
    expires: bool = False
    # "" (upload as it is) or "wet_ink": a USCIS form to print, sign in ink and upload as a scan
    signing: str = Field(default="", max_length=16, sa_column_kwargs={"server_default": ""})  # 0008
    condition: Optional[dict] = Field(default=None, sa_column=json_column(nullable=True))


class DocumentRequest(SQLModel, table=True):
    """One item the firm needs on one matter: requested -> uploaded -> accepted | rejected | waived."""

    __tablename__ = "document_request"
    # a matter's items counted by state (MatterProgress) from this index alone; the overdue ones
    # (asked for, past their due date) found without reading the items that are not
    __table_args__ = (
        sa.Index("ix_document_request_matter_counts", "matter_id", "removed_at", "status", "due_date"),
        sa.Index("ix_document_request_overdue", "due_date", "matter_id", sqlite_where=sa.text(OVERDUE_CANDIDATE),
                 postgresql_where=sa.text(OVERDUE_CANDIDATE)),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    matter_id: uuid.UUID = Field(foreign_key="matter.id", index=True)
    template_item_id: Optional[uuid.UUID] = Field(default=None, foreign_key="checklist_template_item.id")
    key: str = Field(default="", max_length=64)
    title: str = Field(max_length=200)
    why: str = Field(default="", max_length=2000)
    example: str = Field(default="", max_length=1000)
    accepted_types: list = Field(default_factory=list, sa_column=json_column())
    max_size_bytes: int = 10 * 1024 * 1024
    naming_convention: str = Field(default="", max_length=200)
    provided_by: str = Field(default="beneficiary", max_length=32)
    expires: bool = False
    expiry_date: Optional[date] = None
    status: str = Field(default="requested", max_length=16, index=True)
    rejection_reason: Optional[str] = Field(default=None, max_length=1000)
    note: Optional[str] = Field(default=None, max_length=1000)
    due_date: Optional[date] = None
    requested_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    removed_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    # 0008: a wet-ink USCIS form (see ChecklistTemplateItem.signing) and the firm's "we hold the original"
    signing: str = Field(default="", max_length=16, sa_column_kwargs={"server_default": ""})
    original_held_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    original_held_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")


class IntakeForm(SQLModel, table=True):
    """A versioned intake questionnaire for a case type (questions kept as data)."""

    __tablename__ = "intake_form"
    __table_args__ = (sa.UniqueConstraint("case_type_id", "version"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    case_type_id: uuid.UUID = Field(foreign_key="case_type.id", index=True)
    version: int = 1
    title: str = Field(max_length=200)
    questions: list = Field(default_factory=list, sa_column=json_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class IntakeResponse(SQLModel, table=True):
    """A client's answers for one matter: a draft saved as they type, then submitted once."""

    __tablename__ = "intake_response"
    __table_args__ = (sa.UniqueConstraint("matter_id", "form_id"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    matter_id: uuid.UUID = Field(foreign_key="matter.id", index=True)
    form_id: uuid.UUID = Field(foreign_key="intake_form.id")
    answers: dict = Field(default_factory=dict, sa_column=json_column())
    status: str = Field(default="draft", max_length=16)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    submitted_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    submitted_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")


class MatterProgress(SQLModel, table=True):
    """Each matter's checklist counted: its items (removed ones left out) by state, and the evidence
    versions waiting for review. Derived data, rewritten from the items in the same transaction as
    every change to an item, its evidence or a version (portal_app/services/kernel/matter_progress.py),
    so the staff checklist dashboard reads 5,000 rows instead of counting 100,000 items. What is
    overdue depends on the reader's date and is counted when read."""

    __tablename__ = "matter_progress"

    matter_id: uuid.UUID = Field(sa_column=sa.Column(sa.Uuid(), sa.ForeignKey("matter.id", ondelete="CASCADE"),
                                                     primary_key=True))
    total: int = 0
    received: int = 0  # uploaded, accepted or waived
    complete: int = 0  # accepted or waived
    missing: int = 0  # requested or rejected
    awaiting_review: int = 0
