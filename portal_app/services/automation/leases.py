"""Leases that let several processes share the background jobs: exactly one runs each due job.

Each job has one `job_state` row. A process runs a job only after a conditional UPDATE made it
the holder ("due, and nobody holds an unexpired lease"); that UPDATE is atomic on SQLite (the
write lock) and on PostgreSQL (the row lock, with the condition re-checked after a wait). A holder
that crashes never releases its lease: it expires, the next process takes the job over and the
crashed run is marked abandoned. Finishing is fenced by the holder name, so a holder whose lease
was taken over cannot overwrite the new holder's state. Every time comes from the caller's clock.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from models import JobRun, JobState
from portal_app.services.kernel import db

MAX_RETRY_DELAY = timedelta(minutes=15)


@dataclass(frozen=True)
class Claim:
    name: str
    holder: str
    due_at: datetime
    run_id: uuid.UUID


def _insert_ignoring_conflicts(s: Session, rows: list[dict]) -> None:
    dialect = s.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(JobState.__table__)
    s.execute(insert.values(rows).on_conflict_do_nothing(index_elements=["name"]))


def register(names: list[str], now: datetime) -> None:
    """Create the state row of every job that has none yet (due at once)."""
    if not names:
        return
    with db.write() as s:
        _insert_ignoring_conflicts(s, [{"name": n, "next_due_at": now, "last_status": "", "last_result": {},
                                        "run_count": 0, "consecutive_failures": 0} for n in names])


def claim(name: str, holder: str, now: datetime, lease: timedelta) -> Claim | None:
    """Become the holder of a due job, or return None when it is not due or someone holds it."""
    with db.write() as s:
        row = s.execute(
            sa.update(JobState)
            .where(JobState.name == name, JobState.next_due_at <= now,
                   sa.or_(JobState.holder.is_(None), JobState.lease_expires_at <= now))
            .values(holder=holder, lease_expires_at=now + lease, last_started_at=now)
            .returning(JobState.next_due_at)
        ).first()
        if row is None:
            return None
        s.execute(
            sa.update(JobRun).where(JobRun.job_name == name, JobRun.status == "running")
            .values(status="abandoned", finished_at=now,
                    error="the process running it stopped answering; its lease expired and another took over")
        )
        run = JobRun(job_name=name, holder=holder, due_at=row[0], started_at=now)
        s.add(run)
        return Claim(name=name, holder=holder, due_at=row[0], run_id=run.id)


def next_due(due_at: datetime, every: timedelta, now: datetime) -> datetime:
    """The first slot of the job's schedule after `now` (slots missed while down are skipped)."""
    if due_at > now:
        return due_at
    missed = (now - due_at) // every
    return due_at + every * (missed + 1)


def _did_something(result: dict) -> bool:
    return any(value for value in result.values() if isinstance(value, (int, float)))


def finish(claim: Claim, now: datetime, every: timedelta, *, result: dict | None = None,
           error: str | None = None) -> bool:
    """Release the lease and schedule the next run. False when the lease had been taken over."""
    failed = error is not None
    with db.write() as s:
        state = s.exec(select(JobState).where(JobState.name == claim.name, JobState.holder == claim.holder)
                       .with_for_update()).first()
        run = s.get(JobRun, claim.run_id)
        if state is None:
            return False
        state.consecutive_failures = state.consecutive_failures + 1 if failed else 0
        if failed:
            retry = min(every, timedelta(seconds=30) * 2 ** (state.consecutive_failures - 1), MAX_RETRY_DELAY)
            state.next_due_at = now + max(retry, timedelta(seconds=1))
        else:
            state.next_due_at = next_due(claim.due_at, every, now)
        state.holder, state.lease_expires_at, state.last_finished_at = None, None, now
        state.last_status, state.last_error = ("failed", error[:2000]) if failed else ("ok", None)
        state.last_result, state.run_count = result or {}, state.run_count + 1
        if run is not None and run.status == "running":
            if failed or _did_something(result or {}):
                run.status, run.finished_at, run.result, run.error = ("failed" if failed else "ok"), now, result or {}, error
            else:
                s.delete(run)  # idle runs are counted on the state row only
        return True
