"""Matters (one immigration case each), their case types and the staff assigned to them."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.base import json_column, new_id, utc_column, utcnow


class CaseType(SQLModel, table=True):
    __tablename__ = "case_type"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    code: str = Field(max_length=32, sa_column_kwargs={"unique": True})
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=1000)
    is_active: bool = True


class Matter(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    reference: str = Field(max_length=32, sa_column_kwargs={"unique": True})
    title: str = Field(max_length=200)
    case_type_id: uuid.UUID = Field(foreign_key="case_type.id", index=True)
    client_id: uuid.UUID = Field(foreign_key="client.id", index=True)
    petitioner_name: Optional[str] = Field(default=None, max_length=200)
    organization_id: Optional[uuid.UUID] = Field(default=None, foreign_key="organization.id", index=True)
    shared_with_organization: bool = False
    organization_pays: bool = False
    responsible_attorney_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id", index=True)
    status: str = Field(default="open", max_length=24, index=True)
    receipt_numbers: list = Field(default_factory=list, sa_column=json_column())
    priority_date: Optional[date] = None
    opened_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    closed_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    filed_at: Optional[datetime] = Field(default=None, sa_column=utc_column())  # 0005: sent to USCIS


class MatterNumber(SQLModel, table=True):
    """The last matter number handed out in each year (MTR-<year>-<n>). Opening a matter bumps its
    year's row in the same statement that reads it, so two matters opened at once never share one."""

    __tablename__ = "matter_number"

    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last_seq: int = 0


class MatterMember(SQLModel, table=True):
    """A staff member assigned to a matter. Staff other than admins see only these matters."""

    __tablename__ = "matter_member"

    matter_id: uuid.UUID = Field(foreign_key="matter.id", primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", primary_key=True, index=True)
    role_on_matter: str = Field(max_length=32)  # attorney | paralegal | billing
    added_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
