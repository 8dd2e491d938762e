"""Two worker processes run the background loop against the same database at once (PostgreSQL in
`make test`'s PostgreSQL run, SQLite in the other): each job runs exactly once per due time, and
when the holder of a job is killed mid-run, the other takes it over once the lease has expired."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlmodel import select

from models import JobRun, JobState
from portal_app.services.kernel import db

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)


class Worker:
    def __init__(self, name: str, env: dict) -> None:
        self.name = name
        self.proc = subprocess.Popen([sys.executable, "-m", "tests.integration.loop_worker", name], cwd=ROOT, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)

    def send(self, now: datetime) -> None:
        self.proc.stdin.write(now.isoformat() + "\n")
        self.proc.stdin.flush()

    def answer(self) -> list[str]:
        line = self.proc.stdout.readline()
        assert line, f"worker {self.name} died"
        return json.loads(line)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture
def workers(portal_db, tmp_path):
    env = {**os.environ, "LOOP_EVIDENCE": str(tmp_path / "evidence.log"), "LOOP_BLOCK": str(tmp_path / "block")}
    started = []

    def start(name: str) -> Worker:
        started.append(Worker(name, env))
        return started[-1]

    yield start, tmp_path
    for worker in started:
        worker.stop()


def _evidence(folder: Path) -> list[list[str]]:
    path = folder / "evidence.log"
    return [line.split() for line in path.read_text().splitlines()] if path.exists() else []


def test_each_job_runs_exactly_once_per_due_time(workers):
    start, folder = workers
    a, b = start("a"), start("b")
    ran = Counter()
    for minute in range(60):
        now = T0 + timedelta(minutes=minute)
        first, second = (a, b) if minute % 2 == 0 else (b, a)
        first.send(now)
        second.send(now)  # both hold the same time at once and race for the same leases
        answers = first.answer() + second.answer()
        assert len(answers) == len(set(answers)), f"a job ran twice at {now}: {answers}"
        ran.update(answers)
    runs = Counter((job, at) for job, at, _worker in _evidence(folder))
    assert set(runs.values()) == {1}
    assert Counter(job for job, _at in runs) == {"tick": 60, "every5": 12, "slow-start": 6, "slow-done": 6}
    by_worker = Counter(worker for _job, _at, worker in _evidence(folder))
    print("runs per worker:", dict(by_worker))
    assert ran == {"tick": 60, "every5": 12, "slow": 6}
    with db.read() as s:
        states = {st.name: st for st in s.exec(select(JobState)).all()}
    assert states["tick"].next_due_at == T0 + timedelta(minutes=60) and states["tick"].run_count == 60
    assert states["slow"].next_due_at == T0 + timedelta(minutes=60) and states["slow"].holder is None


def _wait_for(predicate, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_killing_the_holder_lets_the_other_take_over_after_the_lease(workers):
    start, folder = workers
    (folder / "block").touch()
    a, b = start("a"), start("b")
    a.send(T0)
    _wait_for(lambda: ["slow-start", T0.isoformat(), "a"] in _evidence(folder))
    os.kill(a.proc.pid, signal.SIGKILL)  # the holder dies in the middle of the job
    a.proc.wait(timeout=10)
    (folder / "block").unlink()
    b.send(T0 + timedelta(seconds=10))
    assert b.answer() == ["every5", "tick"]  # jobs a never reached run now; "slow" is still leased
    b.send(T0 + timedelta(seconds=29))
    assert b.answer() == []
    b.send(T0 + timedelta(seconds=31))
    assert b.answer() == ["slow"]  # the lease expired: b takes over the same due time
    assert [e for e in _evidence(folder) if e[0].startswith("slow")] == [
        ["slow-start", T0.isoformat(), "a"], ["slow-start", (T0 + timedelta(seconds=31)).isoformat(), "b"],
        ["slow-done", (T0 + timedelta(seconds=31)).isoformat(), "b"]]
    with db.read() as s:
        runs = s.exec(select(JobRun).where(JobRun.job_name == "slow").order_by(JobRun.started_at)).all()
        state = s.get(JobState, "slow")
    assert [(r.holder, r.status, r.due_at) for r in runs] == [("a", "abandoned", T0), ("b", "ok", T0)]
    assert "lease expired" in runs[0].error
    assert state.next_due_at == T0 + timedelta(minutes=10) and state.holder is None and state.last_status == "ok"
    b.send(T0 + timedelta(minutes=1))
    assert b.answer() == ["tick"]  # and the schedule goes on
