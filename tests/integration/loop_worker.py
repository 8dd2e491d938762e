"""A worker process for the multi-process loop tests: `python -m tests.integration.loop_worker NAME`.

Each line on stdin is a time (ISO 8601); the worker runs one loop pass at that time over the jobs
below and answers with one JSON line of what it ran. Jobs write what they did to the evidence file
named by LOOP_EVIDENCE (appends are atomic), so the test sees every run of every process."""
from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from portal_app.jobs.loop import run_due_once
from portal_app.jobs.registry import Job

EVIDENCE = Path(os.environ.get("LOOP_EVIDENCE", "/dev/null"))
BLOCK = Path(os.environ.get("LOOP_BLOCK", "/nonexistent"))
NAME = sys.argv[1] if len(sys.argv) > 1 else "worker"


def _note(text: str) -> None:
    fd = os.open(EVIDENCE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{text}\n".encode())
    finally:
        os.close(fd)


def _tick(name: str):
    def run(now: datetime) -> dict:
        _note(f"{name} {now.isoformat()} {NAME}")
        time.sleep(0.01)  # widen the window in which the other worker tries the same job
        return {"ran": 1}
    return run


def _slow(now: datetime) -> dict:
    _note(f"slow-start {now.isoformat()} {NAME}")
    while BLOCK.exists():  # stands for a long job: the test kills this process here
        time.sleep(0.05)
    _note(f"slow-done {now.isoformat()} {NAME}")
    return {"ran": 1}


JOBS = [
    Job("slow", _slow, timedelta(minutes=10), lease=timedelta(seconds=30)),
    Job("tick", _tick("tick"), timedelta(minutes=1)),
    Job("every5", _tick("every5"), timedelta(minutes=5)),
]


def main() -> int:
    for line in sys.stdin:
        now = datetime.fromisoformat(line.strip())
        ran = run_due_once(now, jobs=JOBS, holder=NAME)
        print(json.dumps(sorted(ran)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
