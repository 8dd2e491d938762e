"""Payment-processor state the portal keeps: the provider's customer per client (for saved cards;
the portal never sees card data), and the embedded sandbox processor's own intents and saved test
cards (brand and last four digits only)."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import json_column, new_id, utc_column, utcnow


class PaymentCustomer(SQLModel, table=True):
    __tablename__ = "payment_customer"
    __table_args__ = (sa.UniqueConstraint("client_id", "provider", "account"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    client_id: uuid.UUID = Field(foreign_key="client.id", index=True)
    provider: str = Field(max_length=16)  # sandbox | stripe
    account: str = Field(max_length=16)  # operating | trust
    customer_ref: str = Field(max_length=120)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class SandboxIntent(SQLModel, table=True):
    """A payment intent of the sandbox processor, shaped like Stripe's. No money moves."""

    __tablename__ = "sandbox_intent"

    id: str = Field(primary_key=True, max_length=40)
    account: str = Field(max_length=16)
    amount: int
    currency: str = Field(max_length=3)
    status: str = Field(max_length=32)
    meta: dict = Field(default_factory=dict, sa_column=json_column())
    client_secret: str = Field(max_length=120)
    customer: Optional[str] = Field(default=None, max_length=40)
    payment_method: Optional[str] = Field(default=None, max_length=40)
    method_type: str = Field(default="card", max_length=24)
    charge_id: Optional[str] = Field(default=None, max_length=40)
    amount_refunded: int = 0
    fee: int = 0
    last_error: dict = Field(default_factory=dict, sa_column=json_column())
    settle_at: Optional[datetime] = Field(default=None, sa_column=utc_column(index=True))
    settle_outcome: Optional[str] = Field(default=None, max_length=16)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class SandboxPaymentMethod(SQLModel, table=True):
    __tablename__ = "sandbox_payment_method"

    id: str = Field(primary_key=True, max_length=40)
    customer: str = Field(max_length=40, index=True)
    test_number_key: str = Field(max_length=16)  # which documented test card (never a card number)
    brand: str = Field(max_length=16)
    last4: str = Field(max_length=4)
    exp_month: int
    exp_year: int
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
