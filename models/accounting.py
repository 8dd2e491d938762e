"""Journals (one balanced transaction each, posted at most once per posting key) and the
three-way trust reconciliations staff record."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.base import json_column, new_id, utc_column, utcnow


class Journal(SQLModel, table=True):
    """The header of a balanced set of ledger entries. posting_key is unique: the same business
    fact (a payment succeeding, a refund reaching a cumulative amount) is never posted twice."""

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    posting_key: str = Field(max_length=160, sa_column_kwargs={"unique": True})
    book: str = Field(max_length=16, index=True)  # trust | operating
    kind: str = Field(max_length=32)
    memo: str = Field(default="", max_length=300)
    client_id: Optional[uuid.UUID] = Field(default=None, foreign_key="client.id", index=True)
    matter_id: Optional[uuid.UUID] = Field(default=None, foreign_key="matter.id")
    invoice_id: Optional[uuid.UUID] = Field(default=None, foreign_key="invoice.id")
    payment_id: Optional[uuid.UUID] = Field(default=None, foreign_key="payment.id")
    created_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False, index=True))


class TrustReconciliation(SQLModel, table=True):
    """Bank statement balance (entered by staff), trust journal and client ledgers, side by side."""

    __tablename__ = "trust_reconciliation"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    period_start: date
    period_end: date = Field(index=True)
    currency: str = Field(default="USD", max_length=3)
    bank_balance_cents: int
    journal_balance_cents: int
    client_ledgers_cents: int
    differences: list = Field(default_factory=list, sa_column=json_column())
    note: str = Field(default="", max_length=500)
    created_by_id: Optional[uuid.UUID] = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
