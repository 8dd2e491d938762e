"""Two sections of a matter page: USCIS receipts with their status history (staff add receipt
numbers), and, for staff, every mail sent on the matter with failures in red and a retry."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.ui import data_table, empty, error_callout, notice_callout
from portal_app.services.kernel import localtime, policy
from portal_app.services.kernel.localtime import format_date
from portal_app.services.kernel.settings import get_settings
from portal_app.services.messaging import log as mail_log
from portal_app.services.uscis import receipts as uscis_receipts
from portal_app.state import WidgetState, run


class MatterReceiptsState(WidgetState, rx.State):
    receipts: list[dict[str, str]] = []
    may_edit: bool = False

    async def _refresh(self, actor) -> None:
        found = await run(uscis_receipts.for_matter, actor, self._url_segment())
        self.receipts = [{
            "number": r.receipt_number, "form": r.form_type, "status": r.current_status or t("uscis.not_checked"),
            "checked": localtime.shown_datetime(r.last_checked_at, actor.timezone, actor.locale)
            if r.last_checked_at else "", "error": r.last_error,
            "history": " → ".join(e.status + (f" ({format_date(e.status_date)})" if e.status_date else "")
                                  for e in reversed(r.history)),
        } for r in found]
        self.may_edit = policy.role_allows(actor.role, "matter.edit")

    @rx.event
    async def load(self):
        self.error, self.notice, self.receipts, self.may_edit = "", "", [], False
        return await self._load_page(self._refresh)

    @rx.event
    async def add(self, form: dict):
        return await self._act(self._add, str(form.get("receipt", "")))

    async def _add(self, actor, receipt: str) -> None:
        number = await run(uscis_receipts.add, actor, self._url_segment(), receipt)
        self.notice = t("uscis.added", receipt=number)
        await self._refresh(actor)


def _receipt(r: dict) -> rx.Component:
    return rx.card(rx.vstack(
        rx.hstack(rx.code(r["number"]), rx.cond(r["form"] != "", rx.badge(r["form"])), rx.text(r["status"], weight="bold"),
                  wrap="wrap", align="center"),
        rx.cond(r["history"] != "", rx.text(r["history"], size="1", color_scheme="gray")),
        rx.cond(r["checked"] != "", rx.text(t("uscis.last_checked"), ": ", r["checked"], size="1", color_scheme="gray")),
        rx.cond(r["error"] != "", rx.text(r["error"], size="1", color_scheme="red")),
        spacing="1"), width="100%", class_name="receipt")


def matter_receipts_section() -> rx.Component:
    return rx.vstack(
        rx.heading(t("uscis.title"), size="4"),
        notice_callout(MatterReceiptsState.notice), error_callout(MatterReceiptsState.error),
        rx.cond(MatterReceiptsState.receipts.length() > 0,
                rx.vstack(rx.foreach(MatterReceiptsState.receipts, _receipt), width="100%", spacing="2"),
                empty(t("uscis.none"))),
        rx.cond(MatterReceiptsState.may_edit, rx.vstack(
            rx.form(rx.hstack(rx.input(name="receipt", placeholder="EAC9999103402", max_length=20, id="receipt-input"),
                              rx.button(t("uscis.add"), type="submit", id="add-receipt"), wrap="wrap"),
                    on_submit=MatterReceiptsState.add, reset_on_submit=True),
            rx.cond(not get_settings().uscis.enabled, rx.text(t("uscis.off_note"), size="1", color_scheme="gray")),
            width="100%")),
        on_mount=MatterReceiptsState.load, width="100%", spacing="2", id="matter-receipts",
    )


class MatterMailState(WidgetState, rx.State):
    messages: list[dict[str, str]] = []
    visible: bool = False

    async def _refresh(self, actor) -> None:
        found = await run(mail_log.for_matter, actor, self._url_segment())
        self.messages = [{"id": m.id, "when": localtime.shown_datetime(m.sent_at or m.created_at, actor.timezone, actor.locale),
                           "to": m.to_address,
                          "subject": m.subject, "status": m.status, "label": t(f"mail_log.status.{m.status}"),
                          "error": m.last_error} for m in found]
        self.visible = True

    @rx.event
    async def load(self):
        self.messages, self.visible, self.error, self.notice = [], False, "", ""
        return await self._load_page(self._refresh, staff=True)

    @rx.event
    async def retry(self, message_id: str):
        return await self._act(mail_log.retry, str(message_id), notice=t("mail.retried"), then=self._refresh)


def _mail_row(m: dict) -> rx.Component:
    failed = m["status"] == "failed"
    return rx.table.row(
        rx.table.cell(m["when"]), rx.table.cell(m["to"]), rx.table.cell(m["subject"]),
        rx.table.cell(rx.vstack(
            rx.badge(m["label"], color_scheme=rx.cond(failed, "red", rx.cond(m["status"] == "sent", "green", "gray"))),
            rx.cond(m["error"] != "", rx.text(m["error"], size="1", color_scheme="red")),
            rx.cond(failed, rx.button(t("mail.retry"), size="1", variant="soft", type="button",
                                      on_click=MatterMailState.retry(m["id"]))),
            spacing="1")),
        class_name="mail-row")


def matter_mail_section() -> rx.Component:
    header = [t(k) for k in ("mail_log.col_when", "mail_log.col_to", "mail_log.col_subject", "mail_log.col_status")]
    return rx.box(rx.cond(MatterMailState.visible, rx.vstack(
        rx.heading(t("mail_log.title"), size="4"),
        notice_callout(MatterMailState.notice), error_callout(MatterMailState.error),
        data_table(header, MatterMailState.messages, _mail_row, none=t("mail_log.none"), size="1"),
        width="100%", spacing="2")), on_mount=MatterMailState.load, width="100%", id="matter-mail")
