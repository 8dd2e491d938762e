"""Every attempt to deliver an outbound webhook, kept for the delivery log and for replay."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.base import new_id, utc_column


class WebhookAttempt(SQLModel, table=True):
    __tablename__ = "webhook_attempt"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    delivery_id: uuid.UUID = Field(foreign_key="webhook_delivery.id", index=True)
    attempt_no: int
    attempted_at: datetime = Field(sa_column=utc_column(nullable=False))
    status_code: Optional[int] = None
    duration_ms: int = 0
    error: str = Field(default="", max_length=300)
    response_snippet: str = Field(default="", max_length=300)
    replay: bool = False
