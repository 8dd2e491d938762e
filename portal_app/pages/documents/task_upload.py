"""A task link's upload: the client's own checklist page (its state and its item card, drop zone and
progress rows), driven by the link's limited session, which lists and accepts its one item only."""
from __future__ import annotations

import reflex as rx

from portal_app.components.i18n import t
from portal_app.components.ui import error_callout, notice_callout
from portal_app.pages.documents.client_documents import ClientChecklist, item_card
from portal_app.pages.identity.task_link_state import TaskLinkState, TaskSession
from portal_app.services.identity import task_links
from portal_app.state import run


class TaskUploadState(TaskSession, ClientChecklist, rx.State):
    done: bool = False

    async def _refresh(self, actor) -> None:
        await super()._refresh(actor)
        if self.items and not self.selected_id:
            self.selected_id = self.items[0]["id"]  # its one item, open at its drop zone

    @rx.event
    async def load(self):
        self.done = False
        self.access, self.error, self.notice, self.file_rows, self.selected_id = "checking", "", "", [], ""
        return await self._load_page(self._refresh)

    async def _after_upload(self, actor) -> None:
        await self._refresh(actor)
        self.done = await run(task_links.finish_if_done, actor)


def _done() -> rx.Component:
    return rx.vstack(
        rx.callout(t("tasklink.done_title"), icon="circle_check", color_scheme="green", high_contrast=True,
                   role="status", id="task-done", width="100%"),
        rx.text(t("tasklink.done_body")),
        rx.foreach(TaskUploadState.file_rows, lambda row: rx.text(row["message"], size="2", class_name="file-done")),
        spacing="3", width="100%",
    )


def task_upload_view() -> rx.Component:
    s = TaskUploadState
    return rx.vstack(
        error_callout(s.error), notice_callout(s.notice),
        rx.cond(s.done, _done(), rx.vstack(rx.foreach(s.items, lambda item: item_card(item, s)), width="100%",
                                          spacing="3")),
        rx.cond(~s.done, rx.button(t("tasklink.turn_off"), on_click=TaskLinkState.turn_off, type="button",
                                   variant="soft", color_scheme="gray", size="2", id="task-turn-off")),
        spacing="3", width="100%",
    )
