"""The background loop, started with the app as a Reflex lifespan task.

Every few seconds it runs the jobs in jobs/registry.py that are due. Which jobs are due, and
which process runs them, is decided in the database (services/automation/leases.py): with several
workers or processes each due job runs exactly once, and a crashed holder's lease expires. The
clock is a parameter all the way down; the same pass runs from cron as
`python -m portal_app.cli jobs run-due`. Jobs run in a thread so the event loop never waits on the
database, SMTP or a remote API.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import traceback
import uuid
from datetime import datetime, timedelta

from portal_app.jobs.registry import JOBS, Job
from portal_app.services.automation import leases as job_leases
from portal_app.services.kernel.clock import utcnow
from portal_app.services.kernel.settings import get_settings

log = logging.getLogger("portal.jobs")
HOLDER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def run_job(job: Job, now: datetime, holder: str = HOLDER) -> dict | None:
    """Run one job if it is due and this process wins its lease; None when it did not run."""
    claim = job_leases.claim(job.name, holder, now, job.lease)
    if claim is None:
        return None
    started = time.monotonic()
    try:
        result = job.run(now) or {}
    except Exception as exc:  # noqa: BLE001 - a failing job is recorded, and the others still run
        log.exception("job %s failed", job.name)
        error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=8)}"
        job_leases.finish(claim, now + timedelta(seconds=time.monotonic() - started), job.every, error=error)
        return {"error": 1}
    job_leases.finish(claim, now + timedelta(seconds=time.monotonic() - started), job.every, result=result)
    return result


def run_due_once(now: datetime | None = None, *, jobs: list[Job] | None = None,
                 holder: str = HOLDER) -> dict[str, dict]:
    """One pass: every due job whose lease this process wins, in registry order."""
    now, jobs = now or utcnow(), JOBS if jobs is None else jobs
    job_leases.register([job.name for job in jobs], now)
    results = {}
    for job in jobs:
        outcome = run_job(job, now, holder)
        if outcome is not None:
            results[job.name] = outcome
    return results


async def background_loop() -> None:
    if not get_settings().jobs_in_workers:
        log.info("background jobs run apart (PORTAL_JOBS_IN_WORKERS=false): not in this worker")
        return
    while True:
        try:
            await asyncio.to_thread(run_due_once)
        except Exception:  # noqa: BLE001 - one bad pass (say, the database restarting) must not stop the loop
            log.exception("background jobs pass failed")
        await asyncio.sleep(get_settings().jobs_interval_seconds)


def run_forever(stop_after: int | None = None) -> int:
    """The same loop as a process of its own (`python -m portal_app.cli jobs loop`); returns passes run."""
    passes = 0
    while stop_after is None or passes < stop_after:
        try:
            run_due_once()
        except Exception:  # noqa: BLE001 - as in the workers: one bad pass must not stop the loop
            log.exception("background jobs pass failed")
        passes += 1
        if stop_after is None or passes < stop_after:
            time.sleep(get_settings().jobs_interval_seconds)
    return passes
