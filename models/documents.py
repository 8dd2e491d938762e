"""Uploaded documents. Every version is kept; content lives encrypted in storage."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import new_id, utc_column, utcnow


class Document(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    matter_id: uuid.UUID = Field(foreign_key="matter.id", index=True)
    request_id: Optional[uuid.UUID] = Field(default=None, foreign_key="document_request.id", index=True)
    kind: str = Field(default="evidence", max_length=24)  # evidence | invoice_pdf | receipt_pdf
    display_name: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class DocumentVersion(SQLModel, table=True):
    """One uploaded file. storage_key is random and says nothing about the client."""

    __tablename__ = "document_version"
    __table_args__ = (sa.UniqueConstraint("document_id", "version_no"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    document_id: uuid.UUID = Field(foreign_key="document.id", index=True)
    version_no: int = 1
    storage_key: str = Field(max_length=128, sa_column_kwargs={"unique": True})
    wrapped_key: str = Field(max_length=512)
    chunk_size: int = 1024 * 1024
    size_bytes: int = 0
    sha256: str = Field(max_length=64, index=True)
    content_type: str = Field(max_length=100)
    stored_name: str = Field(max_length=255)
    original_name: str = Field(max_length=255)
    rendition_of_id: Optional[uuid.UUID] = Field(default=None, foreign_key="document_version.id")
    review_status: str = Field(default="pending", max_length=16)  # pending | accepted | rejected
    review_note: Optional[str] = Field(default=None, max_length=1000)
    reviewed_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    reviewed_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    uploaded_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    uploaded_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    # 0005: set when retention deleted the file (its data key destroyed, the object removed)
    shredded_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
