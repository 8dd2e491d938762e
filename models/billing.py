"""Invoices, payments and the double-entry ledger. Money is integer cents plus a currency."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Optional

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.base import json_column, new_id, utc_column, utcnow


class Invoice(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    number: str = Field(max_length=32, sa_column_kwargs={"unique": True})
    matter_id: uuid.UUID = Field(foreign_key="matter.id", index=True)
    kind: str = Field(max_length=16)  # retainer | milestone | expense
    status: str = Field(default="draft", max_length=16, index=True)
    currency: str = Field(default="USD", max_length=3)
    subtotal_cents: int = 0
    tax_cents: int = 0
    total_cents: int = 0
    paid_cents: int = 0
    refunded_cents: int = 0
    terms: str = Field(default="", max_length=500)
    due_date: Optional[date] = None
    issued_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    approved_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    created_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    # added by the billing migration (0003)
    title: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    allow_partial: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    approval_requested_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    approved_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    sent_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    paid_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    voided_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    void_reason: str = Field(default="", max_length=300, sa_column_kwargs={"server_default": ""})
    pdf_version_id: Optional[uuid.UUID] = None


class InvoiceLine(SQLModel, table=True):
    __tablename__ = "invoice_line"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    invoice_id: uuid.UUID = Field(foreign_key="invoice.id", index=True)
    position: int = 0
    kind: str = Field(max_length=24)  # legal_fee | filing_fee | disbursement
    description: str = Field(max_length=300)
    quantity: int = 1
    unit_amount_cents: int = 0
    amount_cents: int = 0
    tax_rate_bp: int = 0  # basis points
    requires_client_approval: bool = False
    client_approved_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    # added by the billing migration (0003)
    fee_code: Optional[str] = Field(default=None, max_length=40)
    tax_cents: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    client_declined_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    client_decided_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")


class Payment(SQLModel, table=True):
    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    invoice_id: uuid.UUID = Field(foreign_key="invoice.id", index=True)
    matter_id: uuid.UUID = Field(foreign_key="matter.id", index=True)
    client_id: uuid.UUID = Field(foreign_key="client.id", index=True)
    provider: str = Field(max_length=16)  # sandbox | stripe | manual
    provider_ref: Optional[str] = Field(default=None, max_length=120, sa_column_kwargs={"unique": True})
    method: str = Field(default="card", max_length=24)
    destination: str = Field(default="operating", max_length=16)  # trust | operating
    status: str = Field(default="pending", max_length=24, index=True)
    amount_cents: int = 0
    fee_cents: int = 0
    refunded_cents: int = 0
    currency: str = Field(default="USD", max_length=3)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    received_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    # added by the billing migration (0003)
    account: str = Field(default="operating", max_length=16, sa_column_kwargs={"server_default": "operating"})
    attempt_no: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    idempotency_key: Optional[str] = Field(default=None, max_length=120)
    payer_user_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    reference: str = Field(default="", max_length=80, sa_column_kwargs={"server_default": ""})
    failure_message: str = Field(default="", max_length=300, sa_column_kwargs={"server_default": ""})
    status_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    posted_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    disputed_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    receipt_version_id: Optional[uuid.UUID] = None


class LedgerEntry(SQLModel, table=True):
    """One leg of a balanced journal transaction; the legs of a transaction share journal_id."""

    __tablename__ = "ledger_entry"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    journal_id: uuid.UUID = Field(index=True)
    account: str = Field(max_length=40, index=True)  # trust_bank | client_trust | operating_bank | fees_earned | ...
    client_id: Optional[uuid.UUID] = Field(default=None, foreign_key="client.id", index=True)
    matter_id: Optional[uuid.UUID] = Field(default=None, foreign_key="matter.id", index=True)
    invoice_id: Optional[uuid.UUID] = Field(default=None, foreign_key="invoice.id")
    payment_id: Optional[uuid.UUID] = Field(default=None, foreign_key="payment.id")
    amount_cents: int  # debit positive, credit negative
    currency: str = Field(default="USD", max_length=3)
    memo: str = Field(default="", max_length=300)
    created_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


class ProviderEvent(SQLModel, table=True):
    """Every verified payment-provider event, unique by id (replays do nothing): stored when it
    arrives, then posted to the books by the inbox (payments/inbox.py); `status` changes in the same
    transaction as the event's effect."""

    __tablename__ = "provider_event"
    __table_args__ = (sa.UniqueConstraint("provider", "event_id"), sa.Index("ix_provider_event_open", "status",
                                                                            "next_attempt_at"))

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    provider: str = Field(max_length=16)
    event_id: str = Field(max_length=120)
    event_type: str = Field(max_length=80)
    payload: dict = Field(default_factory=dict, sa_column=json_column())
    received_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    # added by the webhook inbox migration (0008): pending | deferred | applied | ignored | failed
    status: str = Field(default="pending", max_length=16, sa_column_kwargs={"server_default": "applied"})
    account: str = Field(default="", max_length=16, sa_column_kwargs={"server_default": ""})
    event_created_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    next_attempt_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    processed_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    last_error: str = Field(default="", max_length=300, sa_column_kwargs={"server_default": ""})
