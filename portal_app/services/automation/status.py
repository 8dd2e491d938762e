"""What admins see of the background loop: each job's schedule, lease and last outcome, the
recent runs that did something, failed or were abandoned, and the mail queue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select

from models import JobRun, JobState, OutboxMessage, utcnow
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput

RECENT = 100


@dataclass(frozen=True)
class JobView:
    name: str
    every: timedelta | None
    next_due_at: datetime | None
    holder: str
    lease_expires_at: datetime | None
    last_started_at: datetime | None
    last_finished_at: datetime | None
    last_status: str
    last_result: dict
    last_error: str
    run_count: int
    consecutive_failures: int


@dataclass(frozen=True)
class RunView:
    job_name: str
    holder: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    result: dict
    error: str


@dataclass(frozen=True)
class Overview:
    jobs: list[JobView]
    runs: list[RunView]
    mail_pending: int
    mail_failed: int


def overview(actor: Actor, schedule: dict[str, timedelta]) -> Overview:
    """`schedule` is the registry's job name -> interval (jobs not run yet show with no state)."""
    policy.require(actor, "jobs.view")
    with db.read() as s:
        states = {j.name: j for j in s.exec(select(JobState)).all()}
        runs = s.exec(select(JobRun).order_by(JobRun.started_at.desc()).limit(RECENT)).all()
        counts = dict(s.exec(select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)).all())
    jobs = []
    for name in dict.fromkeys([*schedule, *states]):
        st = states.get(name)
        jobs.append(JobView(
            name, schedule.get(name), st.next_due_at if st else None, (st.holder or "") if st else "",
            st.lease_expires_at if st else None, st.last_started_at if st else None,
            st.last_finished_at if st else None, st.last_status if st else "", st.last_result if st else {},
            (st.last_error or "") if st else "", st.run_count if st else 0, st.consecutive_failures if st else 0))
    return Overview(jobs, [RunView(r.job_name, r.holder, r.started_at, r.finished_at, r.status, r.result, r.error or "")
                           for r in runs], counts.get("pending", 0), counts.get("failed", 0))


def run_soon(actor: Actor, name: str, now: datetime | None = None) -> None:
    """Make a job due now (the next pass of any worker runs it)."""
    policy.require(actor, "jobs.view")
    now = now or utcnow()
    with db.write() as s:
        state = s.get(JobState, name)
        if state is None:
            raise InvalidInput("jobs.unknown", name=name[:64])
        state.next_due_at = min(state.next_due_at, now)
        audit.record(s, "job.run_requested", actor=actor, object_type="job", object_id=name)
