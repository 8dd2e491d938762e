"""The state of a matter's thread page: the messages, what I am writing, my files not yet sent,
and for staff the "needs a reply" mark, the assignee and filing an attachment to a checklist item.
Files stream through the documents' upload receiver into the same checks and encryption."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.pages.documents.checklist_common import size_label
from portal_app.pages.documents.upload_receiver import UploadRows, receive_files
from portal_app.services.conversations import attachments, messages, summaries, threads
from portal_app.services.files import links as file_links
from portal_app.services.kernel import localtime
from portal_app.state import PageState, run

UPLOAD_ID = "message-files"


def _message_row(m: threads.MessageView, actor) -> dict[str, str]:
    return {"id": m.id, "author": m.author, "mine": "yes" if m.mine else "", "firm": "yes" if m.from_firm else "",
            "body": m.body, "urgent": "yes" if m.urgent else "",
            "at": localtime.shown_datetime(m.created_at, actor.timezone or None, actor.locale)}


def _file_rows(view: threads.ThreadView) -> list[dict[str, str]]:
    return [{"message_id": m.id, "id": a.id, "version_id": a.version_id, "name": a.name,
             "size": size_label(a.size_bytes), "filed": a.filed_to} for m in view.messages for a in m.attachments]


class ThreadState(PageState, UploadRows, rx.State):
    matter: dict[str, str] = {}
    messages: list[dict[str, str]] = []
    files: list[dict[str, str]] = []
    pending: list[dict[str, str]] = []
    team: list[dict[str, str]] = []
    items: list[dict[str, str]] = []
    draft: str = ""
    needs_reply: bool = False
    assignee_id: str = ""
    may_write: bool = False
    may_attach: bool = False
    may_assign: bool = False
    link: dict[str, str] = {}

    async def _refresh(self, actor) -> None:
        matter_id = self._url_segment(2)
        view = await run(threads.read_thread, actor, matter_id)
        self.matter = {"id": view.matter_id, "reference": view.reference, "title": view.title,
                       "thread_id": view.thread_id, "assignee": view.assignee}
        self.messages, self.files = [_message_row(m, actor) for m in view.messages], _file_rows(view)
        self.needs_reply, self.assignee_id = view.needs_reply, view.assignee_id
        self.may_write, self.may_attach, self.may_assign = view.may_write, view.may_attach, view.may_assign
        self.team = [{"id": uid, "name": name} for uid, name in view.team]
        await self._refresh_pending(actor)
        self.items = ([{"id": i, "title": title} for i, title in await run(summaries.filing_targets, actor, matter_id)]
                      if view.may_assign else [])

    async def _refresh_pending(self, actor) -> None:
        found = await run(summaries.pending, actor, self.matter["id"]) if self.may_attach else []
        self.pending = [{"id": p.id, "name": p.name, "size": size_label(p.size_bytes)} for p in found]

    @rx.event
    async def load(self):
        self.access, self.error, self.notice, self.file_rows, self.link = "checking", "", "", [], {}
        return await self._load_page(self._refresh)

    @rx.event
    def set_draft(self, value: str):
        self.draft = str(value)[:6000]

    @rx.event
    async def send(self, form: dict):
        body, urgent = str(form.get("body", self.draft)), bool(form.get("urgent"))
        ids = [p["id"] for p in self.pending]
        return await self._act(messages.send, self.matter.get("id", ""), body, ids, urgent=urgent,
                        notice=t("conversations.sent"), then=self._after_send)

    async def _after_send(self, actor) -> None:
        self.draft, self.file_rows = "", []
        await self._refresh(actor)

    @rx.event(background=True)
    async def attach(self, chunks: rx.UploadChunkIterator, matter_id: str, names: list[str], sizes: list[int]):
        await receive_files(self, chunks, str(matter_id), names, sizes, target_for=attachments.target_for,
                            incoming=attachments.IncomingAttachment)
        return rx.clear_selected_files(UPLOAD_ID)

    async def _after_upload(self, actor) -> None:
        await self._refresh_pending(actor)

    @rx.event
    def files_refused(self, rejected: list[dict]):
        self.error = t("conversations.refused_in_browser", count=len(rejected),
                       max=size_label(attachments.max_bytes()))

    @rx.event
    async def discard(self, attachment_id: str):
        return await self._act(attachments.discard, str(attachment_id), then=self._refresh_pending)

    @rx.event
    async def toggle_needs_reply(self, value: bool):
        return await self._act(threads.set_needs_reply, self.matter.get("thread_id", ""), bool(value), then=self._refresh,
                        notice=t("conversations.marked") if value else t("conversations.unmarked"))

    @rx.event
    async def assign(self, user_id: str):
        return await self._act(threads.assign, self.matter.get("thread_id", ""), str(user_id), then=self._refresh,
                        notice=t("conversations.assigned"))

    @rx.event
    async def file_to_item(self, form: dict):
        return await self._act(attachments.file_to_item, str(form.get("attachment", "")), str(form.get("item", "")),
                        notice=t("conversations.filed"), then=self._refresh)

    @rx.event
    async def make_link(self, version_id: str, name: str):
        return await self._act(self._make_link, str(version_id), str(name))

    async def _make_link(self, actor, version_id: str, name: str) -> None:
        self.link = {"name": name, "url": await run(file_links.mint, actor, version_id, "attachment")}
