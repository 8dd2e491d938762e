"""Staff tasks: opened by the work that needs them (an upload to review, an invoice to approve,
a status change) and closed by the work that finishes them. Both calls run inside the caller's
transaction; opening is idempotent per (subject, kind) while a task is open."""
from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, select

from models import Matter, MatterMember, Task, utcnow


def assignee_on_matter(s: Session, matter_id: uuid.UUID, role_on_matter: str) -> uuid.UUID | None:
    """The matter's paralegal or attorney (falling back to the responsible attorney)."""
    member = s.exec(select(MatterMember.user_id).where(MatterMember.matter_id == matter_id,
                                                       MatterMember.role_on_matter == role_on_matter)).first()
    if member is not None:
        return member
    return s.exec(select(Matter.responsible_attorney_id).where(Matter.id == matter_id)).first()


def open_task(s: Session, *, matter_id: uuid.UUID, kind: str, title: str, subject_type: str,
              subject_id: uuid.UUID, assignee_id: uuid.UUID | None = None, role_on_matter: str = "paralegal",
              due_date: date | None = None) -> Task:
    existing = s.exec(select(Task).where(Task.subject_type == subject_type, Task.subject_id == subject_id,
                                         Task.kind == kind, Task.status == "open")).first()
    if existing is not None:
        return existing
    task = Task(matter_id=matter_id, kind=kind, title=title[:200], subject_type=subject_type, subject_id=subject_id,
                assignee_id=assignee_id or assignee_on_matter(s, matter_id, role_on_matter), due_date=due_date)
    s.add(task)
    return task


def close_tasks_for(s: Session, *, subject_type: str, subject_id: uuid.UUID, kind: str | None = None) -> int:
    query = select(Task).where(Task.subject_type == subject_type, Task.subject_id == subject_id, Task.status == "open")
    if kind is not None:
        query = query.where(Task.kind == kind)
    tasks = s.exec(query).all()
    for task in tasks:
        task.status, task.closed_at = "done", utcnow()
    return len(tasks)
