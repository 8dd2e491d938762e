"""Engagement letters: the firm's fee agreement per case type, and a client's electronic signature
on it for one matter (the exact text shown, its SHA-256, who, when, from where, the signed PDF)."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import new_id, utc_column, utcnow


class EngagementTemplate(SQLModel, table=True):
    """The fee agreement of one case type; the row without a case type is the firm's default for
    every case type without its own. Staff edit it (each edit bumps the version and is audited);
    {client_name}, {matter_reference}, ... are filled in from the matter when a client reads it."""

    __tablename__ = "engagement_template"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    case_type_id: Optional[uuid.UUID] = Field(default=None, foreign_key="case_type.id",
                                              sa_column_kwargs={"unique": True})
    title: str = Field(max_length=200)
    body: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    version: int = 1
    updated_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class EngagementLetter(SQLModel, table=True):
    """A client's signature on a matter's fee agreement: one per matter (the unique matter id is
    what refuses a second signature, even two at the same moment). `body` is the exact text the
    client was shown and `text_sha256` its hash (UTF-8); the signed PDF repeats both."""

    __tablename__ = "engagement_letter"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    matter_id: uuid.UUID = Field(foreign_key="matter.id", sa_column_kwargs={"unique": True})
    template_id: uuid.UUID = Field(foreign_key="engagement_template.id")
    template_version: int
    title: str = Field(max_length=200)
    body: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    text_sha256: str = Field(max_length=64)
    signer_id: uuid.UUID = Field(foreign_key="user.id")
    signed_name: str = Field(max_length=200)
    consent_at: datetime = Field(sa_column=utc_column(nullable=False))
    signed_at: datetime = Field(sa_column=utc_column(nullable=False))
    signed_ip: str = Field(default="", max_length=64)
    signer_timezone: str = Field(default="", max_length=64)
    locale: str = Field(default="en", max_length=16)
    pdf_version_id: Optional[uuid.UUID] = Field(default=None, foreign_key="document_version.id")
