"""Background jobs, for admins: each job's schedule, lease and last outcome; recent runs that did
something, failed or were abandoned; the mail queue and the mail that finally failed."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import data_table, error_callout, gated, notice_callout
from portal_app.jobs.registry import JOBS
from portal_app.services.automation import status as job_status
from portal_app.services.kernel import localtime
from portal_app.services.messaging import log as mail_log
from portal_app.state import PageState, run


def _at(value: datetime | None, reader) -> str:
    return localtime.shown_datetime(value, reader.timezone, reader.locale) if value else "—"


def _every(value: timedelta | None) -> str:
    if value is None:
        return "—"
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"


class JobsAdminState(PageState, rx.State):
    jobs: list[dict[str, str]] = []
    runs: list[dict[str, str]] = []
    failed_mail: list[dict[str, str]] = []
    queue: str = ""

    async def _fill(self, actor) -> None:
        seen = await run(job_status.overview, actor, {job.name: job.every for job in JOBS})
        failed = await run(mail_log.failed, actor)
        self.jobs = [{"name": j.name, "every": _every(j.every), "last": _at(j.last_started_at, actor),
                      "status": j.last_status or "—", "next": _at(j.next_due_at, actor), "holder": j.holder or "—",
                      "error": j.last_error.splitlines()[0] if j.last_error else "",
                      "result": json.dumps(j.last_result, sort_keys=True)} for j in seen.jobs]
        self.runs = [{"job": r.job_name, "started": _at(r.started_at, actor), "status": r.status, "holder": r.holder,
                      "result": r.error.splitlines()[0] if r.error else json.dumps(r.result, sort_keys=True)}
                     for r in seen.runs]
        self.failed_mail = [{"id": m.id, "to": m.to_address, "subject": m.subject, "error": m.last_error,
                             "reference": m.reference, "when": _at(m.created_at, actor)} for m in failed]
        self.queue = t("jobs.mail_queue", pending=seen.mail_pending, failed=seen.mail_failed)

    @rx.event
    async def load(self):
        self.error, self.notice = "", ""
        return await self._load_page(self._fill)

    async def _request(self, fn, *args, notice: str):
        # the page is read again whether or not it worked: it shows what is true now
        return await self._act(fn, *args, notice=notice) or await self._load_page(self._fill)

    @rx.event
    async def run_now(self, name: str):
        return await self._request(job_status.run_soon, str(name), notice=t("jobs.requested"))

    @rx.event
    async def retry_mail(self, message_id: str):
        return await self._request(mail_log.retry, str(message_id), notice=t("mail.retried"))


def _tone(status) -> rx.Var:
    return rx.match(status, ("ok", "green"), ("failed", "red"), ("abandoned", "orange"), "gray")


def _job_row(j: dict) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(j["name"])), rx.table.cell(j["every"]), rx.table.cell(j["last"]),
        rx.table.cell(rx.vstack(rx.badge(j["status"], color_scheme=_tone(j["status"])),
                                rx.text(rx.cond(j["error"] != "", j["error"], j["result"]), size="1"), spacing="1")),
        rx.table.cell(j["next"]), rx.table.cell(rx.text(j["holder"], size="1")),
        rx.table.cell(rx.button(t("jobs.run_now"), size="1", variant="soft", type="button",
                                on_click=JobsAdminState.run_now(j["name"]))),
        class_name="job-row")


def _content() -> rx.Component:
    jobs_header = [t(k) for k in ("jobs.col_job", "jobs.col_every", "jobs.col_last", "jobs.col_status", "jobs.col_next",
                                  "jobs.col_holder")] + [""]
    run_header = [t(k) for k in ("jobs.col_job", "jobs.col_started", "jobs.col_status", "jobs.col_holder",
                                 "jobs.col_result")]
    return rx.vstack(
        rx.heading(t("jobs.title"), size="7"), rx.text(t("jobs.intro"), color_scheme="gray"),
        notice_callout(JobsAdminState.notice), error_callout(JobsAdminState.error),
        data_table(jobs_header, JobsAdminState.jobs, _job_row, size="1"),
        rx.text(JobsAdminState.queue, weight="medium", id="mail-queue"),
        rx.heading(t("jobs.failed_mail"), size="5"),
        data_table(["", "", "", ""], JobsAdminState.failed_mail, lambda m: rx.table.row(
            rx.table.cell(m["when"]), rx.table.cell(m["to"], rx.text(m["reference"], size="1")),
            rx.table.cell(m["subject"], rx.text(m["error"], size="1", color_scheme="red")),
            rx.table.cell(rx.button(t("mail.retry"), size="1", variant="soft", type="button",
                                    on_click=JobsAdminState.retry_mail(m["id"])))), none=t("jobs.no_failed_mail"), size="1"),
        rx.heading(t("jobs.runs"), size="5"),
        data_table(run_header, JobsAdminState.runs, lambda r: rx.table.row(
            rx.table.cell(rx.code(r["job"])), rx.table.cell(r["started"]),
            rx.table.cell(rx.badge(r["status"], color_scheme=_tone(r["status"]))), rx.table.cell(r["holder"]),
            rx.table.cell(rx.text(r["result"], size="1")), class_name="run-row"), none=t("jobs.no_runs"), size="1"),
        spacing="4", width="100%",
    )


def jobs_admin_page() -> rx.Component:
    return shell(gated(JobsAdminState.access, _content()))


def register(app: rx.App) -> None:
    app.add_page(jobs_admin_page, route="/admin/jobs", title=t("jobs.title"), on_load=JobsAdminState.load)
