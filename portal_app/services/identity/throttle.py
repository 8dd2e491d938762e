"""Counting failed sign-ins per account and per IP, with a temporary lockout.

Accounts are keyed by a hash of the typed e-mail address, whether or not such an account
exists, so a lockout says nothing about who has an account.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from models import LoginThrottle


@dataclass(frozen=True)
class Limit:
    key: str
    max_failures: int


def account_key(email: str) -> str:
    return "acct:" + hashlib.sha256(email.encode("utf-8")).hexdigest()[:40]


def ip_key(ip: str) -> str:
    return "ip:" + (ip or "unknown")[:60]


def locked_until(db: Session, keys: list[str], now: datetime) -> datetime | None:
    """The latest lockout end among these keys, if any is still running."""
    ends = []
    for key in keys:
        row = db.get(LoginThrottle, key)
        if row is not None and row.locked_until is not None and row.locked_until > now:
            ends.append(row.locked_until)
    return max(ends) if ends else None


def record_failure(db: Session, limit: Limit, now: datetime, window: timedelta, lockout: timedelta) -> bool:
    """Count one failure; returns True when this failure starts a lockout."""
    row = db.get(LoginThrottle, limit.key)
    if row is None:
        row = LoginThrottle(key=limit.key, failures=0, window_started_at=now)
        db.add(row)
    if now - row.window_started_at > window:
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    if row.failures >= limit.max_failures:
        row.locked_until = now + lockout
        row.failures, row.window_started_at = 0, now
        return True
    return False


def clear(db: Session, key: str) -> None:
    row = db.get(LoginThrottle, key)
    if row is not None:
        db.delete(row)
