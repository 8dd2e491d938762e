"""The background jobs, one entry each. The loop (jobs/loop.py) runs those that are due.

A job is a plain function taking the current time (aware UTC) and returning a small dict of
counts. Jobs must be idempotent: running one twice for the same time changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from portal_app.services import billing_jobs, expiry, mail


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[datetime], dict]
    every: timedelta


def _deliver_mail(now: datetime) -> dict:
    return {"sent": mail.deliver_pending(now=now)}


JOBS: list[Job] = [
    Job("mail.deliver", _deliver_mail, timedelta(seconds=5)),
    Job("documents.reopen_expiring", expiry.reopen_expiring, timedelta(days=1)),
    *billing_jobs.JOBS,
]
