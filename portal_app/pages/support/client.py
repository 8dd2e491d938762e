"""'I need help' for a signed-in client: a short form (topic, what happened, a screenshot if they
like), then every request they made with its status and the firm's answer. The file goes through
the documents' upload receiver (same checks, encrypted as it arrives) and is held until Send."""
from __future__ import annotations

import dataclasses

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.layout import shell
from portal_app.components.ui import card, empty, error_callout, gated, notice_callout, stacked_form, their_text
from portal_app.pages.documents.upload_receiver import UploadRows, receive_files
from portal_app.pages.support.common import body_field, row_of, topic_select
from portal_app.services.kernel import localtime
from portal_app.services.support import files as support_files
from portal_app.services.support import requests as support
from portal_app.state import PageState, run

UPLOAD_ID = "support-file"
ACCEPT = {"application/pdf": [".pdf"], "image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"]}


class SupportState(PageState, UploadRows, rx.State):
    rows: list[dict[str, str]] = []
    held_name: str = ""
    _held: dict = {}  # the checked, encrypted file waiting for Send (server side only)

    async def _fill(self, actor) -> None:
        self.rows = [row_of(r, actor) for r in await run(support.mine, actor)]

    @rx.event
    async def load(self):
        self.error, self.notice, self.held_name, self._held, self.file_rows = "", "", "", {}, []
        return await self._load_page(self._fill)

    @rx.event
    async def submit(self, form: dict):
        return await self._act(self._submit, form, then=self._fill)

    async def _submit(self, actor, form: dict) -> None:
        receipt = await run(support.submit, actor, str(form.get("topic", "")), str(form.get("body", "")),
                            held=support_files.HeldFile(**self._held) if self._held else None)
        self._held, self.held_name, self.file_rows = {}, "", []
        self.notice = t("support.received", actor.locale, reference=receipt.reference,
                        due=localtime.shown_datetime(receipt.due_at, actor.timezone or None, actor.locale))

    @rx.event(background=True)
    async def attach(self, chunks: rx.UploadChunkIterator, names: list[str]):
        held: list = []
        await receive_files(self, chunks, "", names, [], target_for=support_files.target_for,
                            incoming=lambda actor, target, name: support_files.IncomingSupportFile(
                                actor, target, name, held))
        async with self:
            if held:
                self._held, self.held_name = dataclasses.asdict(held[-1]), held[-1].name
        return rx.clear_selected_files(UPLOAD_ID)

    async def _after_upload(self, actor) -> None:
        return None

    @rx.event
    def forget_file(self):
        self._held, self.held_name, self.file_rows = {}, "", []

    @rx.event
    def files_refused(self, rejected: list[dict]):
        self.error = t("support.file_refused", max=f"{support_files.MAX_BYTES // (1024 * 1024)} MB")


def _file_zone() -> rx.Component:
    s = SupportState
    return rx.vstack(
        rx.el.label(rx.upload.root(
            rx.hstack(rx.icon("paperclip", size=16), rx.text(t("support.attach"), size="2", weight="medium"),
                      align="center", spacing="2", padding="6px 12px", border_radius="6px",
                      background="var(--accent-3)", color="var(--accent-12)", cursor="pointer"),
            id=UPLOAD_ID, multiple=False, max_files=1, accept=ACCEPT, max_size=support_files.MAX_BYTES,
            no_click=True, on_drop=s.attach(rx.upload_files_chunk(upload_id=UPLOAD_ID), rx.selected_files(UPLOAD_ID)),
            on_drop_rejected=s.files_refused)),
        rx.foreach(s.file_rows, lambda r: rx.cond(r["state"] == "failed", rx.text(
            r["name"], ": ", r["message"], size="2", color_scheme="red", high_contrast=True, class_name="file-failed"))),
        rx.cond(s.uploading, rx.hstack(rx.spinner(size="1"), rx.text(t("conversations.uploading"), size="1"))),
        rx.cond(s.held_name != "", rx.hstack(
            rx.icon("paperclip", size=14), rx.text(their_text(s.held_name), size="2", id="held-file"),
            rx.button(t("conversations.remove_file"), size="1", variant="ghost", color_scheme="red", type="button",
                      on_click=s.forget_file), spacing="2", align="center")),
        rx.text(t("support.attach_hint"), size="1", color_scheme="gray"),
        spacing="2", width="100%")


def _request(r) -> rx.Component:
    return card(
        rx.hstack(rx.text(r["reference"], weight="bold", size="2"), rx.badge(r["topic"]),
                  rx.badge(r["status_label"], color_scheme=r["color"], class_name="support-status"),
                  wrap="wrap", spacing="2"),
        rx.text(their_text(r["body"]), size="2", white_space="pre-wrap"),
        rx.cond(r["file"] != "", rx.hstack(rx.icon("paperclip", size=12), rx.text(their_text(r["file"]), size="1"),
                                           spacing="1", align="center")),
        rx.text(t("support.asked"), " ", r["asked_at"], size="1", color_scheme="gray"),
        rx.cond(r["answer"] != "", rx.callout(their_text(r["answer"]), icon="message_circle", color_scheme="green",
                                              size="1", width="100%", class_name="support-answer", high_contrast=True)),
        class_name="support-request",
    )


def _content() -> rx.Component:
    s = SupportState
    return rx.vstack(
        rx.heading(t("support.title"), size="7"),
        rx.text(t("support.intro"), color_scheme="gray"),
        notice_callout(s.notice), error_callout(s.error),
        stacked_form(topic_select(), body_field(), _file_zone(),
                     rx.button(t("support.send"), type="submit", size="3", width="100%", id="support-send",
                               disabled=s.uploading),
                     on_submit=s.submit, reset_on_submit=True),
        rx.heading(t("support.mine"), size="4"),
        rx.cond(s.rows.length() > 0, rx.vstack(rx.foreach(s.rows, _request), width="100%", spacing="2"),
                empty(t("support.none_yet"))),
        spacing="4", width="100%",
    )


def support_page() -> rx.Component:
    return shell(gated(SupportState.access, _content()), narrow=True)


def register(app: rx.App) -> None:
    app.add_page(support_page, route="/support", title=t("support.title"), on_load=SupportState.load)
