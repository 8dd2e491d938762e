"""Billing configuration kept as data: the firm's billing settings (one row), the fee schedule of
government filing fees, invoice templates, and periodic billing schedules per matter."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import json_column, new_id, utc_column, utcnow


class BillingSettings(SQLModel, table=True):
    """One row (id=1). Changed only by admins, every change audited."""

    __tablename__ = "billing_settings"

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    currency: str = Field(default="USD", max_length=3)
    approval_threshold_cents: int = 500_000
    card_payments_to_trust: bool = False
    partial_payments_allowed: bool = True
    minimum_partial_cents: int = 5_000
    default_due_days: int = 14
    default_terms: str = Field(default="", max_length=500)
    invoice_prefix: str = Field(default="INV", max_length=12)
    next_invoice_seq: int = 1
    trust_instructions: str = Field(default="", max_length=500)
    # 0008: a retainer invoice is not sent until the matter's engagement letter is signed
    retainer_needs_engagement: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    updated_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    updated_at: Optional[datetime] = Field(default=None, sa_column=utc_column())


class FeeScheduleItem(SQLModel, table=True):
    """A government filing fee per form (USCIS fees change: staff keep this table current)."""

    __tablename__ = "fee_schedule_item"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    code: str = Field(max_length=40, sa_column_kwargs={"unique": True})
    form: str = Field(max_length=40)
    description: str = Field(max_length=200)
    amount_cents: int
    currency: str = Field(default="USD", max_length=3)
    effective_on: Optional[date] = None
    source_note: str = Field(default="", max_length=300)
    is_active: bool = True
    updated_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class InvoiceTemplate(SQLModel, table=True):
    """Lines, terms and due days to start an invoice from (a retainer, a periodic bill, ...)."""

    __tablename__ = "invoice_template"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    name: str = Field(max_length=120, sa_column_kwargs={"unique": True})
    kind: str = Field(max_length=16)  # retainer | milestone | expense
    lines: list = Field(default_factory=list, sa_column=json_column())
    terms: str = Field(default="", max_length=500)
    due_days: int = 14
    is_active: bool = True
    updated_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    updated_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class BillingSchedule(SQLModel, table=True):
    """Periodic billing: every `interval_months` a draft invoice is made from the template."""

    __tablename__ = "billing_schedule"
    __table_args__ = (sa.UniqueConstraint("matter_id", "template_id"),)

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    matter_id: uuid.UUID = Field(foreign_key="matter.id", index=True)
    template_id: uuid.UUID = Field(foreign_key="invoice_template.id")
    interval_months: int = 1
    next_run_on: date = Field(index=True)
    is_active: bool = True
    last_invoice_id: Optional[uuid.UUID] = Field(default=None, foreign_key="invoice.id")
    created_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
