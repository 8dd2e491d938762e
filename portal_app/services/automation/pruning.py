"""Keeping the workflow tables small: old job runs and settled reminder items are removed.
Mail in the outbox and audit events are never pruned here (they are the record)."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from models import JobRun, ReminderItem
from portal_app.services.kernel import db

JOB_RUNS_KEPT = timedelta(days=90)
REMINDERS_KEPT = timedelta(days=400)


def prune(now: datetime) -> dict[str, int]:
    with db.write() as s:
        runs = s.execute(sa.delete(JobRun).where(JobRun.started_at < now - JOB_RUNS_KEPT,
                                                 JobRun.status != "running")).rowcount
        items = s.execute(sa.delete(ReminderItem).where(ReminderItem.created_at < now - REMINDERS_KEPT,
                                                        ReminderItem.status != "pending")).rowcount
    return {"job_runs": runs or 0, "reminder_items": items or 0}
