"""Second factors (TOTP, RFC 6238), one-time recovery codes, the half-done sign-in between the
password and the code, and the browsers a person has signed in from."""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from models.base import new_id, utc_column, utcnow


class SecondFactor(SQLModel, table=True):
    """A person's authenticator app. The TOTP secret is encrypted with the master keys."""

    __tablename__ = "second_factor"

    user_id: uuid.UUID = Field(foreign_key="user.id", primary_key=True)
    secret_enc: str = Field(max_length=400)
    enrolled_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    last_step: int = 0  # the last 30-second step a code was accepted for: a code works once


class RecoveryCode(SQLModel, table=True):
    """One-time codes for a lost phone; only their hashes are stored."""

    __tablename__ = "recovery_code"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    code_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    used_at: Optional[datetime] = Field(default=None, sa_column=utc_column())


class SignInChallenge(SQLModel, table=True):
    """The password was right; the second factor (or its enrolment) is still to come."""

    __tablename__ = "sign_in_challenge"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    purpose: str = Field(max_length=16)  # "verify" | "enroll"
    pending_secret_enc: Optional[str] = Field(default=None, max_length=400)
    created_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    expires_at: datetime = Field(sa_column=utc_column(nullable=False))
    attempts: int = 0
    used_at: Optional[datetime] = Field(default=None, sa_column=utc_column())
    known_device: bool = False
    ip: Optional[str] = Field(default=None, max_length=64)
    user_agent: Optional[str] = Field(default=None, max_length=300)


class KnownDevice(SQLModel, table=True):
    """A browser a person has signed in from (its long-lived device cookie, hashed)."""

    __tablename__ = "known_device"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key="user.id", index=True)
    device_hash: str = Field(max_length=64, index=True)
    first_seen_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))
    last_seen_at: datetime = Field(default_factory=utcnow, sa_column=utc_column(nullable=False))


__all__ = ["SecondFactor", "RecoveryCode", "SignInChallenge", "KnownDevice"]
