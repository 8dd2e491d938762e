"""Slowing down password guessing without locking out the people who know their password.

- Per account (a hash of the typed address, whether or not such an account exists, so a lockout
  says nothing about who has one): `account_max_failures` wrong passwords within the window lock
  that account for `lockout_minutes`, doubling with each lockout in a row up to 8 times as long
  (back-off); a success clears it. A browser the person has signed in from before (their device
  cookie, see devices.py) is exempt from that lockout and has its own counter instead, so an
  attacker elsewhere cannot lock the owner out of their own account (OWASP "device cookies").
- Per address: `ip_max_failures` wrong passwords from one address within the window mark the
  address for `lockout_minutes`. From a marked address, an account that already has a wrong
  password on record is refused without its password being checked; an account the attacker has
  not tried still signs in with its correct password. The whole firm behind one proxy (or one
  office NAT) is never locked out by one attacker among them; the attacker gets at most one guess
  per account from that address until it cools down.
- The address is the client's real one only when PORTAL_TRUSTED_PROXIES names the proxy in front
  (portal_app/client_address.py); otherwise it is the peer's.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from models import LoginThrottle

MAX_BACKOFF = 8
QUIET_RESETS_BACKOFF = timedelta(hours=24)


@dataclass(frozen=True)
class Rules:
    account_max: int
    ip_max: int
    window: timedelta
    lockout: timedelta


def account_key(email: str) -> str:
    return "acct:" + hashlib.sha256(email.encode("utf-8")).hexdigest()[:40]


def device_key(email: str, device_hash: str) -> str:
    return "dev:" + hashlib.sha256(f"{email}\n{device_hash}".encode("utf-8")).hexdigest()[:40]


def ip_key(ip: str) -> str:
    return "ip:" + (ip or "unknown")[:60]


def _locked(row: LoginThrottle | None, now: datetime) -> datetime | None:
    return row.locked_until if row is not None and row.locked_until and row.locked_until > now else None


def _recent_failures(row: LoginThrottle | None, now: datetime, window: timedelta) -> int:
    if row is None or now - row.window_started_at > window:
        return 0
    return row.failures


def wait_until(db: Session, rules: Rules, *, account: str, ip: str, now: datetime) -> datetime | None:
    """When this attempt may be made, if not now. `account` is the account key, or the device key
    when the attempt comes from a browser known to the account."""
    own = db.get(LoginThrottle, account)
    if (until := _locked(own, now)) is not None:
        return until
    address = db.get(LoginThrottle, ip_key(ip))
    if (until := _locked(address, now)) is not None and (_recent_failures(own, now, rules.window) or _locked_before(own)):
        return until
    return None


def _locked_before(row: LoginThrottle | None) -> bool:
    return row is not None and row.lockouts > 0


def _count(db: Session, key: str, limit: int, now: datetime, rules: Rules, *, backoff: bool) -> datetime | None:
    row = db.get(LoginThrottle, key)
    if row is None:
        row = LoginThrottle(key=key, failures=0, lockouts=0, window_started_at=now)
        db.add(row)
    if row.locked_until is not None and now - row.locked_until > QUIET_RESETS_BACKOFF:
        row.lockouts = 0
    if now - row.window_started_at > rules.window:
        row.failures, row.window_started_at = 0, now
    row.failures += 1
    if row.failures < limit:
        return None
    row.lockouts = (row.lockouts or 0) + 1
    factor = min(2 ** (row.lockouts - 1), MAX_BACKOFF) if backoff else 1
    row.locked_until = now + rules.lockout * factor
    row.failures, row.window_started_at = 0, now
    return row.locked_until


def record_sign_in_failure(db: Session, rules: Rules, *, account: str, ip: str, now: datetime) -> datetime | None:
    """Count one wrong password; returns when the account's lockout ends if this one started it."""
    until = _count(db, account, rules.account_max, now, rules, backoff=True)
    _count(db, ip_key(ip), rules.ip_max, now, rules, backoff=False)
    return until


# A plain counter with a fixed lockout, for other rate limits (support requests from signed-out
# visitors count their requests here): `locked_until` and `record_failure`, as before issue 11.

@dataclass(frozen=True)
class Limit:
    key: str
    max_failures: int


def locked_until(db: Session, keys: list[str], now: datetime) -> datetime | None:
    """The latest lockout end among these keys, if any is still running."""
    ends = [until for key in keys if (until := _locked(db.get(LoginThrottle, key), now)) is not None]
    return max(ends) if ends else None


def record_failure(db: Session, limit: Limit, now: datetime, window: timedelta, lockout: timedelta) -> bool:
    """Count one event on `limit.key`; returns True when this one starts a lockout."""
    rules = Rules(account_max=limit.max_failures, ip_max=limit.max_failures, window=window, lockout=lockout)
    return _count(db, limit.key, limit.max_failures, now, rules, backoff=False) is not None


def clear(db: Session, *keys: str) -> None:
    for key in keys:
        row = db.get(LoginThrottle, key)
        if row is not None:
            db.delete(row)
