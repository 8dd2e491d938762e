"""The records part of a matter's page: a copy of the whole file (staff, and the client for their own
matter), and for staff the milestones (filed, closed) and the legal hold."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.ui import card, error_callout, notice_callout
from portal_app.services.kernel import localtime
from portal_app.services.matters import lifecycle
from portal_app.services.records import holds, matter_records
from portal_app.services.records.export import links as export_links
from portal_app.state import WidgetState, full_page_load, run


class MatterRecordsState(WidgetState, rx.State):
    info: dict[str, str] = {}
    may_export: bool = False
    may_edit: bool = False
    may_hold: bool = False

    def _matter_id(self) -> str:
        return self._url_segment()

    async def _refresh(self, actor) -> None:
        r = await run(matter_records.for_matter, actor, self._matter_id())
        day = lambda v: localtime.format_date(localtime.today(v, None), actor.locale) if v else ""  # noqa: E731
        self.info = {"status": r.status, "filed": day(r.filed_at), "closed": day(r.closed_at), "hold_id": r.hold_id,
                     "hold_reason": r.hold_reason, "deleted": day(r.deleted_at),
                     "certificate": str(r.certificate_seq or "")}
        self.may_export, self.may_edit, self.may_hold = r.may_export, r.may_edit, r.may_hold

    @rx.event
    async def load(self):
        self.error, self.notice, self.info = "", "", {}
        self.may_export = self.may_edit = self.may_hold = False
        return await self._load_page(self._refresh)

    async def _change(self, fn, *args, notice: str):
        return await self._act(fn, *args, notice=t(notice), then=self._refresh)

    @rx.event
    async def export(self):
        return await self._act(self._export)

    async def _export(self, actor):
        link = await run(export_links.mint, actor, self._matter_id())
        self.notice = t("records.export_started")
        return full_page_load(link)

    @rx.event
    async def mark_filed(self):
        return await self._change(lifecycle.mark_filed, self._matter_id(), notice="records.filed_saved")

    @rx.event
    async def close(self):
        return await self._change(lifecycle.close, self._matter_id(), notice="records.closed_saved")

    @rx.event
    async def reopen(self):
        return await self._change(lifecycle.reopen, self._matter_id(), notice="records.reopened_saved")

    @rx.event
    async def place_hold(self, form: dict):
        return await self._change(holds.place, self._matter_id(), str(form.get("reason", "")), notice="records.hold_placed")

    @rx.event
    async def release_hold(self, form: dict):
        return await self._change(holds.release, self.info.get("hold_id", ""), str(form.get("reason", "")),
                               notice="records.hold_released")


def _staff_tools() -> rx.Component:
    s = MatterRecordsState
    return rx.vstack(
        rx.cond(s.may_edit, rx.hstack(
            rx.cond(s.info["filed"] != "", rx.text(t("records.filed_on"), " ", s.info["filed"], size="2"),
                    rx.button(t("records.mark_filed"), on_click=s.mark_filed, variant="soft", id="mark-filed")),
            rx.cond(s.info["status"] == "closed",
                    rx.hstack(rx.text(t("records.closed_on"), " ", s.info["closed"], size="2"),
                              rx.button(t("records.reopen"), on_click=s.reopen, variant="soft", id="reopen-matter")),
                    rx.button(t("records.close"), on_click=s.close, variant="soft", color_scheme="gray",
                              id="close-matter")),
            wrap="wrap", spacing="3", align="center")),
        rx.cond(s.may_hold, rx.cond(
            s.info["hold_id"] != "",
            rx.form(rx.vstack(
                rx.callout(t("records.under_hold") + " " + s.info["hold_reason"], icon="lock", color_scheme="amber",
                           width="100%", id="hold-notice"),
                rx.hstack(rx.input(name="reason", placeholder=t("records.release_reason"), width="100%",
                                   aria_label=t("records.release_reason")),
                          rx.button(t("records.release_hold"), type="submit", variant="soft"), width="100%"),
                width="100%"), on_submit=s.release_hold, reset_on_submit=True, width="100%"),
            rx.form(rx.hstack(rx.input(name="reason", placeholder=t("records.hold_reason"), width="100%",
                                       aria_label=t("records.hold_reason"), id="hold-reason"),
                              rx.button(t("records.place_hold"), type="submit", variant="soft", color_scheme="amber",
                                        id="place-hold"), width="100%"),
                    on_submit=s.place_hold, reset_on_submit=True, width="100%"))),
        rx.cond(s.info["deleted"] != "", rx.text(t("records.deleted_on"), " ", s.info["deleted"], " · ",
                                                  t("records.certificate"), " #", s.info["certificate"], size="2")),
        width="100%", spacing="3")


def matter_records_section() -> rx.Component:
    s = MatterRecordsState
    return rx.cond(s.may_export | s.may_edit | s.may_hold, rx.vstack(
        rx.heading(t("records.matter_heading"), size="4"),
        card(
            error_callout(s.error), notice_callout(s.notice),
            rx.cond(s.may_export, rx.vstack(
                rx.text(t("records.export_explained"), size="2"),
                rx.button(rx.icon("download", size=16), t("records.export_button"), on_click=s.export,
                          id="export-matter", type="button"),
                spacing="2", width="100%")),
            _staff_tools(),
        ), width="100%"))
