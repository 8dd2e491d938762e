"""Staff tasks open once per subject and close with the work; the loop runs jobs when due."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlmodel import select

from models import Task, utcnow
from portal_app.jobs import loop
from portal_app.jobs.registry import Job
from portal_app.services.kernel import db
from portal_app.services.tasks import lifecycle as tasks
from tests.world import build_world


def test_open_is_idempotent_and_close_finishes(portal_db):
    world = build_world()
    matter, subject = world.matters["own"], uuid.uuid4()
    with db.write() as s:
        first = tasks.open_task(s, matter_id=matter.id, kind="review_upload", title="Review passport",
                                subject_type="document_version", subject_id=subject)
        second = tasks.open_task(s, matter_id=matter.id, kind="review_upload", title="Review passport",
                                 subject_type="document_version", subject_id=subject)
        assert first is second and first.assignee_id == world.users["paralegal"].id
    with db.write() as s:
        assert tasks.close_tasks_for(s, subject_type="document_version", subject_id=subject) == 1
        assert tasks.close_tasks_for(s, subject_type="document_version", subject_id=subject) == 0
    with db.read() as s:
        assert s.exec(select(Task.status)).all() == ["done"]


def test_task_falls_back_to_the_responsible_attorney(portal_db):
    world = build_world()
    with db.write() as s:
        matter = s.merge(world.matters["other"])
        matter.responsible_attorney_id = world.users["other_attorney"].id
    with db.write() as s:
        task = tasks.open_task(s, matter_id=world.matters["other"].id, kind="review_upload", title="x",
                               subject_type="document_version", subject_id=uuid.uuid4())
        assert task.assignee_id == world.users["other_attorney"].id


def test_loop_runs_each_job_when_due_and_survives_a_failure(portal_db):
    calls = []

    def broken(now):
        raise RuntimeError("boom")

    jobs = [Job("counting", lambda now: calls.append(now) or {"n": 1}, timedelta(minutes=10)),
            Job("broken", broken, timedelta(minutes=10))]
    start = utcnow()
    assert loop.run_due_once(start, jobs=jobs) == {"counting": {"n": 1}, "broken": {"error": 1}}
    assert loop.run_due_once(start + timedelta(minutes=5), jobs=jobs) == {"broken": {"error": 1}}  # retried sooner
    assert loop.run_due_once(start + timedelta(minutes=10), jobs=jobs)["counting"] == {"n": 1}
    assert len(calls) == 2
