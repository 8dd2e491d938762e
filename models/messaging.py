"""Mail waiting to go out, and outbound webhooks with every delivery attempt."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import json_column, new_id, utc_column, utcnow


class OutboxMessage(SQLModel, table=True):
    """The source of truth for mail; a sender adapter (console or SMTP) delivers it."""

    __tablename__ = "outbox_message"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    to_address: str = Field(max_length=254)
    to_user_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id", index=True)
    matter_id: Optional[uuid.UUID] = Field(default=None, foreign_key="matter.id", index=True)
    template: str = Field(max_length=48)
    locale: str = Field(default="en", max_length=16)
    subject: str = Field(max_length=300)
    body_text: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))
    body_html: Optional[str] = Field(default=None, sa_column=sa.Column(sa.Text(), nullable=True))
    status: str = Field(default="pending", max_length=16, index=True)  # pending | sent | failed
    attempts: int = 0
    last_error: Optional[str] = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    next_attempt_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    sent_at: Optional[datetime] = Field(default=None, sa_column=utc_column())


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoint"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    url: str = Field(max_length=500)
    description: str = Field(default="", max_length=200)
    secret: str = Field(max_length=200)  # whsec_..., stored wrapped by the master key
    previous_secret: Optional[str] = Field(default=None, max_length=200)
    previous_secret_expires_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    event_types: list = Field(default_factory=list, sa_column=json_column())
    allow_private_network: bool = False
    is_active: bool = True
    disabled_reason: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})  # 0003
    created_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class WebhookDelivery(SQLModel, table=True):
    """One message to one endpoint; webhook-id stays the same across retries."""

    __tablename__ = "webhook_delivery"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    endpoint_id: uuid.UUID = Field(foreign_key="webhook_endpoint.id", index=True)
    message_id: str = Field(max_length=64, index=True)
    event_type: str = Field(max_length=48)
    payload: dict = Field(default_factory=dict, sa_column=json_column())
    status: str = Field(default="pending", max_length=16, index=True)  # pending | delivered | failed
    attempts: list = Field(default_factory=list, sa_column=json_column())
    attempt_count: int = 0
    next_attempt_at: Optional[datetime] = Field(default=None, sa_column=utc_column(index=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    delivered_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
