"""The people and employers a matter is about."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.base import new_id, utc_column, utcnow


class Organization(SQLModel, table=True):
    """An employer or petitioning company; its HR contacts are users with role hr_liaison."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    name: str = Field(max_length=200)
    billing_email: Optional[str] = Field(default=None, max_length=254)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class Client(SQLModel, table=True):
    """A person the firm represents; user_id is set once they have a portal login."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    user_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id", sa_column_kwargs={"unique": True})
    full_name: str = Field(max_length=200)
    email: str = Field(max_length=254, index=True)
    phone: Optional[str] = Field(default=None, max_length=40)
    preferred_language: str = Field(default="en", max_length=16)
    date_of_birth: Optional[date] = None
    country_of_birth: Optional[str] = Field(default=None, max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
