"""Polling USCIS case status from the background loop, within the API's limits.

USCIS allows 5 requests a second and 1,000 a day. Each pass takes its share of what is left of
today's budget (spread over the passes left in the UTC day, at least a few when there is budget),
most urgent first: receipts with an RFE or NOID outstanding, then those checked longest ago.
A 429 blocks the API for Retry-After (an hour when not given); a receipt that fails is retried
later with growing back-off; refused credentials fail the job so the admin sees it.
"""
from __future__ import annotations

import math
import time
from datetime import datetime, timedelta
from typing import Callable

import sqlalchemy as sa
from sqlmodel import select

from models import ApiUsage, TrackedReceipt
from portal_app.services.kernel import db
from portal_app.services.kernel.settings import get_settings
from portal_app.services.uscis import receipts as uscis_receipts
from portal_app.services.uscis import status as uscis_status
from portal_app.services.uscis.api import UscisClient, UscisError

SERVICE = "uscis"
PASS_SECONDS = 300
MIN_PER_PASS = 10
_client: tuple[object, UscisClient] | None = None


def client() -> UscisClient:
    """One client per configuration, so the bearer token is reused across passes."""
    global _client
    cfg = get_settings().uscis
    if _client is None or _client[0] != cfg:
        _client = (cfg, UscisClient(cfg))
    return _client[1]


def _usage(now: datetime) -> ApiUsage:
    with db.write() as s:
        usage = s.get(ApiUsage, (SERVICE, now.date()))
        if usage is None:
            usage = ApiUsage(service=SERVICE, day=now.date())
            s.add(usage)
        return usage


def _budget(usage: ApiUsage, now: datetime) -> int:
    remaining = max(get_settings().uscis.daily_limit - usage.calls, 0)
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo)
    passes_left = max(math.ceil((midnight - now).total_seconds() / PASS_SECONDS), 1)
    return min(remaining, max(math.ceil(remaining / passes_left), MIN_PER_PASS))


def _due(now: datetime, limit: int) -> list[TrackedReceipt]:
    urgent = sa.case((TrackedReceipt.status_category.in_(["rfe", "noid"]), 0), else_=1)
    with db.read() as s:
        return list(s.exec(select(TrackedReceipt).where(TrackedReceipt.is_active, TrackedReceipt.next_check_at <= now)
                           .order_by(urgent, TrackedReceipt.next_check_at).limit(limit)).all())


def _count_call(now: datetime) -> None:
    with db.write() as s:
        s.execute(sa.update(ApiUsage).where(ApiUsage.service == SERVICE, ApiUsage.day == now.date())
                  .values(calls=ApiUsage.calls + 1))


def _block(now: datetime, seconds: float | None) -> None:
    with db.write() as s:
        s.execute(sa.update(ApiUsage).where(ApiUsage.service == SERVICE, ApiUsage.day == now.date())
                  .values(blocked_until=now + timedelta(seconds=seconds if seconds is not None else 3600)))


def _failed(receipt_id, now: datetime, error: UscisError) -> None:
    with db.write() as s:
        tracked = s.get(TrackedReceipt, receipt_id)
        tracked.error_count += 1
        tracked.last_error = str(error)[:300]
        if error.kind in ("not_found", "bad_receipt"):
            delay = timedelta(days=7)
        else:
            delay = min(timedelta(minutes=15) * 2 ** (tracked.error_count - 1), timedelta(days=1))
        tracked.next_check_at = now + delay


def poll_due(now: datetime, api: UscisClient | None = None, sleep: Callable[[float], None] = time.sleep) -> dict:
    """One polling pass; returns counts (checked, changed, errors, and blocked when rate limited)."""
    cfg = get_settings().uscis
    counts = {"tracked": uscis_receipts.sync_from_matters(now), "checked": 0, "changed": 0, "errors": 0}
    if not cfg.enabled:
        return counts
    usage = _usage(now)
    if usage.blocked_until is not None and usage.blocked_until > now:
        return {**counts, "blocked": 1}
    api = api or client()
    for tracked in _due(now, _budget(usage, now)):
        _count_call(now)
        try:
            case = api.case_status(tracked.receipt_number)
        except UscisError as error:
            if error.kind == "auth":
                raise
            if error.kind == "rate_limited":
                _block(now, error.retry_after)
                return {**counts, "blocked": 1}
            _failed(tracked.id, now, error)
            counts["errors"] += 1
            continue
        with db.write() as s:
            changed = uscis_status.record(s, s.get(TrackedReceipt, tracked.id), case, now)
        counts["checked"] += 1
        counts["changed"] += int(changed)
        sleep(1 / max(cfg.per_second, 1))
    return counts
