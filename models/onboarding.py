"""A client's getting-started: the short mail sequence their invitation starts, and whether they
put away the "three next steps" card on their home."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.base import utc_column


class Onboarding(SQLModel, table=True):
    """One row per client user. The steps themselves are reminder items (subject "onboarding",
    subject id = this user), so each is recorded once and goes out in the person's digest."""

    __tablename__ = "onboarding"

    user_id: uuid.UUID = Field(foreign_key="user.id", primary_key=True)
    status: str = Field(default="running", max_length=16, index=True)  # running | stopped | finished | none
    started_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    stopped_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    stop_reason: str = Field(default="", max_length=24)  # client_acted | by_staff | by_client | expired | done
    stopped_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    next_steps_dismissed_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
