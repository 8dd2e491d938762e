"""The background loop, started with the app as a Reflex lifespan task.

Every few seconds it runs the jobs in jobs/registry.py that are due, each in a thread so the
event loop never waits on the database, SMTP or a remote API.
"""
from __future__ import annotations

import asyncio
import logging
import os
from datetime import datetime

from models import utcnow
from portal_app.jobs.registry import JOBS

log = logging.getLogger("portal.jobs")
TICK_SECONDS = float(os.environ.get("PORTAL_JOBS_INTERVAL", "5"))
_last_run: dict[str, datetime] = {}


def run_due_once(now: datetime | None = None) -> dict[str, dict]:
    """Run every job whose interval has passed since its last run in this process."""
    now, results = now or utcnow(), {}
    for job in JOBS:
        last = _last_run.get(job.name)
        if last is not None and now - last < job.every:
            continue
        try:
            results[job.name] = job.run(now)
        except Exception:  # noqa: BLE001 - one failing job must not stop the others
            log.exception("job %s failed", job.name)
            results[job.name] = {"error": 1}
        _last_run[job.name] = now
    return results


async def background_loop() -> None:
    while True:
        try:
            await asyncio.to_thread(run_due_once)
        except Exception:  # noqa: BLE001 - one bad pass must not stop the loop
            log.exception("background jobs pass failed")
        await asyncio.sleep(TICK_SECONDS)
