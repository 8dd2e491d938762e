"""The background jobs, one entry each. The loop (jobs/loop.py) runs those that are due.

A job is a plain function taking the current time (aware UTC) and returning a small dict of
counts. Jobs must be idempotent: running one twice for the same time changes nothing. `lease` is
how long a process may hold the job before another may take it over (keep it well above the
job's longest run).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from portal_app.services.auditing import checkpointing as audit_checkpointing
from portal_app.services.automation import pruning as retention
from portal_app.services.billing import jobs as billing_jobs
from portal_app.services.documents import expiry
from portal_app.services.files import orphans
from portal_app.services.messaging import mail
from portal_app.services.onboarding import sequence as onboarding
from portal_app.services.records import due as retention_due
from portal_app.services.reminders import collect as reminders
from portal_app.services.reminders import digests
from portal_app.services.support import requests as support_requests
from portal_app.services.uscis import polling as uscis_polling


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[datetime], dict]
    every: timedelta
    lease: timedelta = timedelta(minutes=10)


def _deliver_mail(now: datetime) -> dict:
    return {"sent": mail.deliver_pending(now=now)}


def _collect_reminders(now: datetime) -> dict:
    return {"collected": reminders.collect(now)}


JOBS: list[Job] = [
    Job("reminders.collect", _collect_reminders, timedelta(hours=1)),  # reminders are due by date: hourly is enough
    # before the digest: a client who acted since the last pass does not get "first steps"
    Job("onboarding.steps", onboarding.advance, timedelta(minutes=15)),
    Job("reminders.digest", digests.send_due, timedelta(minutes=15)),
    Job("uscis.poll", uscis_polling.poll_due, timedelta(minutes=5)),
    Job("retention", retention.prune, timedelta(days=1)),
    Job("mail.deliver", _deliver_mail, timedelta(seconds=5)),
    Job("documents.reopen_expiring", expiry.reopen_expiring, timedelta(days=1)),
    Job("records.retention_due", retention_due.list_due, timedelta(days=1)),  # lists only: deleting needs approval
    Job("files.sweep_orphans", orphans.sweep, timedelta(hours=6)),
    # A deleted tail of the audit chain is caught back to the last checkpoint: keep this short.
    Job("audit.checkpoint", audit_checkpointing.write_checkpoint, timedelta(minutes=10)),
    Job("support.overdue", support_requests.open_overdue, timedelta(minutes=5)),  # SLAs are in hours
    *(Job(job.name, job.run, job.every, job.lease) for job in billing_jobs.JOBS),
]
