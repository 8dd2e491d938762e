"""My tasks: what is assigned to me (or open on my matters), due dates soonest first, overdue in
red; a task closes itself when its work is done, or here by hand."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import data_table, error_callout, gated, notice_callout, views
from portal_app.services.kernel.localtime import format_date
from portal_app.services.tasks import lists as task_list
from portal_app.state import PageState, run

VIEWS = ("mine", "matters", "done")


def _due(task: task_list.TaskView) -> tuple[str, str]:
    if task.due_date is None:
        return t("tasks.no_due"), "gray"
    if task.status == "open" and task.days_left < 0:
        return f"{format_date(task.due_date)} · {t('tasks.overdue')}", "red"
    if task.status == "open" and task.days_left == 0:
        return f"{format_date(task.due_date)} · {t('tasks.due_today')}", "orange"
    return format_date(task.due_date), "gray"


class TasksState(PageState, rx.State):
    view: str = "mine"
    rows: list[dict[str, str]] = []

    async def _fill(self, actor) -> None:
        found = await run(task_list.list_tasks, actor, self.view)
        self.rows = [{"id": x.id, "title": x.title, "matter_id": x.matter_id, "reference": x.reference,
                      "matter_title": x.matter_title, "assignee": x.assignee, "status": x.status,
                      "due": _due(x)[0], "tone": _due(x)[1], "open": x.open_path} for x in found]

    @rx.event
    async def load(self):
        self.view, self.error, self.notice = "mine", "", ""
        return await self._load_page(self._fill)

    @rx.event
    async def show(self, view: str | list[str]):
        view = view[0] if isinstance(view, list) and view else view
        self.view = view if view in VIEWS else "mine"
        self.notice = ""
        return await self._load_page(self._fill)

    @rx.event
    async def complete(self, task_id: str):
        # the list is read again whether or not it worked: it shows what is true now
        return (await self._act(task_list.complete, str(task_id), notice=t("tasks.completed"))
                or await self._load_page(self._fill))


def _row(r: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(r["due"], color=rx.cond(r["tone"] == "red", "var(--red-11)", "inherit"),
                              weight=rx.cond(r["tone"] == "gray", "regular", "bold"))),
        rx.table.cell(rx.link(r["title"], href=r["open"], class_name="open-task")),
        rx.table.cell(rx.cond(r["matter_id"] == "", rx.link(t("support.staff_title"), href="/staff/support"),
                              rx.link(r["reference"], href="/matters/" + r["matter_id"])),
                      rx.text(r["matter_title"], size="1")),
        rx.table.cell(r["assignee"]),
        rx.table.cell(rx.cond(r["status"] == "open", rx.button(
            t("tasks.mark_done"), size="1", variant="soft", type="button", on_click=TasksState.complete(r["id"])))),
        class_name=rx.cond(r["tone"] == "red", "task-row overdue", "task-row"),
    )


def _content() -> rx.Component:
    header = [t(k) for k in ("tasks.col_due", "tasks.col_task", "tasks.col_matter", "tasks.col_assignee")] + [""]
    return rx.vstack(
        rx.heading(t("tasks.title"), size="7"),
        views({v: t(f"tasks.{v}") for v in VIEWS}, value=TasksState.view, on_change=TasksState.show, id="task-views"),
        notice_callout(TasksState.notice), error_callout(TasksState.error),
        data_table(header, TasksState.rows, _row, none=t("tasks.none")),
        spacing="4", width="100%",
    )


def tasks_page() -> rx.Component:
    return shell(gated(TasksState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(tasks_page, route="/tasks", title=t("tasks.title"), on_load=TasksState.load)
