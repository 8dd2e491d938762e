"""The background jobs run inside every worker by default, or in a process of their own
(`python -m portal_app.cli jobs loop` with PORTAL_JOBS_IN_WORKERS=false, deploy/systemd/portal-jobs.service)."""
from __future__ import annotations

import asyncio

from sqlmodel import select

from models import JobState
from portal_app.jobs import loop
from portal_app.jobs.registry import JOBS
from portal_app.services.kernel import db
from portal_app.services.kernel.settings import reset_settings


def test_a_worker_leaves_the_jobs_alone_when_they_run_apart(portal_db, monkeypatch):
    monkeypatch.setenv("PORTAL_JOBS_IN_WORKERS", "false")
    reset_settings()
    asyncio.run(asyncio.wait_for(loop.background_loop(), timeout=5))  # returns at once instead of looping
    with db.read() as s:
        assert s.exec(select(JobState)).all() == []


def test_the_jobs_process_runs_the_same_passes(portal_db, monkeypatch):
    monkeypatch.setenv("PORTAL_JOBS_INTERVAL", "0.01")
    reset_settings()
    assert loop.run_forever(stop_after=2) == 2
    with db.read() as s:
        states = s.exec(select(JobState)).all()
    assert {state.name for state in states} == {job.name for job in JOBS}
    assert all(state.run_count == 1 and state.last_status in ("ok", "failed") for state in states)
