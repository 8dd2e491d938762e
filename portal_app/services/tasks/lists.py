"""Each staff member's task list: what is assigned to them (or open on their matters), with due
dates, soonest first; tasks close themselves when the work is done, or by hand here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import select

from models import Matter, Task, User, utcnow
from portal_app.services.kernel import audit, db, localtime, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import NotAllowed

LIMIT = 300


@dataclass(frozen=True)
class TaskView:
    id: str
    matter_id: str
    reference: str
    matter_title: str
    kind: str
    title: str
    due_date: date | None
    days_left: int | None
    assignee: str
    status: str
    created_at: datetime
    open_path: str = ""  # where the work is: the file to review, the invoice to approve


def _open_path(task) -> str:
    if task.kind == "review_upload" and task.subject_type == "document_version":
        return f"/matters/{task.matter_id}/checklist?version={task.subject_id}"
    if task.subject_type == "invoice":
        return f"/billing/invoices/{task.subject_id}"
    if task.matter_id is None:  # a support request's task: the support queue
        return "/staff/support"
    return f"/matters/{task.matter_id}"


def _in_scope(actor: Actor) -> sa.ColumnElement[bool]:
    """Tasks on matters I may see, and work on no matter (an overdue support request) given to me."""
    return sa.or_(sa.and_(Task.matter_id.is_not(None), policy.matter_scope(actor, "task.view")),
                  sa.and_(Task.matter_id.is_(None), Task.assignee_id == actor.user_id))


def _query(actor: Actor, which: str):
    assignee = sa.orm.aliased(User)
    query = (select(Task, Matter.reference, Matter.title, assignee.full_name)
             .join(Matter, Matter.id == Task.matter_id, isouter=True)
             .join(assignee, assignee.id == Task.assignee_id, isouter=True)
             .where(_in_scope(actor)))
    if which == "mine":
        return query.where(Task.assignee_id == actor.user_id, Task.status == "open")
    if which == "done":
        return query.where(Task.assignee_id == actor.user_id, Task.status == "done")
    return query.where(Task.status == "open")  # "matters": every open task on my matters


def list_tasks(actor: Actor, which: str = "mine", now: datetime | None = None) -> list[TaskView]:
    """which: "mine" (open, assigned to me), "matters" (open on my matters), "done" (mine, recently closed)."""
    policy.require(actor, "staff.dashboard")
    if which not in ("mine", "matters", "done"):
        which = "mine"
    today = localtime.today_for(actor, now)
    order = [Task.closed_at.desc()] if which == "done" else [Task.due_date.is_(None), Task.due_date, Task.created_at]
    with db.read() as s:
        rows = s.exec(_query(actor, which).order_by(*order).limit(LIMIT)).all()
        return [TaskView(
            id=str(task.id), matter_id=str(task.matter_id or ""), reference=reference or "", matter_title=title or "",
            kind=task.kind,
            title=task.title, due_date=task.due_date,
            days_left=(task.due_date - today).days if task.due_date else None,
            assignee=assignee or "", status=task.status, created_at=task.created_at, open_path=_open_path(task),
        ) for task, reference, title, assignee in rows]


def open_count(actor: Actor) -> int:
    policy.require(actor, "staff.dashboard")
    with db.read() as s:
        return s.exec(select(sa.func.count()).select_from(Task).join(Matter, Matter.id == Task.matter_id, isouter=True)
                      .where(Task.assignee_id == actor.user_id, Task.status == "open", _in_scope(actor))).one()


def complete(actor: Actor, task_id: str, now: datetime | None = None) -> None:
    """Close a task by hand (the person who did the work, or anyone on the matter's team)."""
    with db.write() as s:
        task = s.get(Task, policy.parse_uuid(task_id))
        if task is None:
            raise NotAllowed()
        if task.matter_id is None:  # work on no matter: only the person it was given to
            if task.assignee_id != actor.user_id:
                raise NotAllowed()
        else:
            policy.require_matter(s, actor, "task.complete", task.matter_id)
        if task.status != "open":
            return
        task.status, task.closed_at = "done", now or utcnow()
        audit.record(s, "task.completed", actor=actor, object_type="task", object_id=task.id, matter_id=task.matter_id,
                     details={"kind": task.kind})
