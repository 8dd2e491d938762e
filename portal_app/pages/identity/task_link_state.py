"""The state behind a one-tap task link's page (/task/<token>). Opening the page only looks at the
link (`load`: a mail scanner that follows it uses nothing); the page's own button uses it (`use`,
an event from this page, never a GET) and keeps the limited session's token in a backend-only var
of this tab. Nothing else in the portal reads that token: every other page asks for a sign-in."""
from __future__ import annotations

import reflex as rx

from portal_app import client_address
from portal_app.components.i18n import t
from portal_app.services.identity import task_links
from portal_app.services.kernel import i18n
from portal_app.services.kernel.errors import PortalError
from portal_app.state import run, signed_out_locale


class TaskLinkState(rx.State):
    info: dict[str, str] = {}  # kind, title, reference, matter_title
    link_error: str = ""
    notice: str = ""
    opened: bool = False
    busy: bool = False
    _session: str = ""  # the limited session's token: backend only, never sent to the browser
    _session_for: str = ""  # the link token it was opened from

    def _token(self) -> str:
        return str(self.router.url.path.rstrip("/").rsplit("/", 1)[-1])

    async def task_actor(self):
        """The limited actor of this tab's task session, or None once it has ended."""
        if not self._session:
            return None
        return await run(task_links.resolve, self._session, ip=client_address.from_router(self.router))

    async def end(self, key: str) -> None:
        """The limited session ended (expired, the link revoked): say so, hold nothing."""
        locale = await signed_out_locale(self)
        self._session, self._session_for, self.opened = "", "", False
        self.link_error = t(key, locale)

    @staticmethod
    def _task_page_load(kind: str):
        """The load handler of the task's own state (imported here: those states stand on this one)."""
        from portal_app.pages.billing.task_pay import TaskPayState
        from portal_app.pages.documents.task_upload import TaskUploadState

        return TaskPayState.load if kind == "pay" else TaskUploadState.load

    @rx.event
    async def load(self):
        self.busy, self.notice = False, ""
        locale = await signed_out_locale(self)
        token = self._token()
        if self._session and self._session_for == token and await self.task_actor() is not None:
            self.opened, self.link_error = True, ""  # this tab reloaded: the session it opened holds
            return self._task_page_load(self.info.get("kind", ""))
        self.opened, self._session, self._session_for = False, "", ""
        try:
            info = await run(task_links.peek, token, locale)
        except PortalError as exc:
            self.info, self.link_error = {}, exc.message(locale)
            return None
        self.link_error = ""
        self.info = {"kind": info.kind, "title": info.title, "reference": info.reference,
                     "matter_title": info.matter_title}
        return None

    @rx.event
    async def use(self):
        """The button: use the link, open the limited session, show the task."""
        if self.busy or self.opened:
            return None
        self.busy = True
        locale = await signed_out_locale(self)
        token = self._token()
        try:
            opened = await run(task_links.open_session, token, ip=client_address.from_router(self.router),
                               user_agent=self.router.headers.user_agent)
        except PortalError as exc:
            self.link_error, self.busy = exc.message(locale), False
            return None
        self._session, self._session_for, self.opened, self.busy = opened.session_token, token, True, False
        return self._task_page_load(opened.kind)

    @rx.event
    async def turn_off(self):
        """The person turns this link off from its own page."""
        actor = await self.task_actor()
        if actor is None:
            await self.end("tasklink.session_ended")
            return
        try:
            await run(task_links.revoke, actor, str(actor.task.link_id))
        except PortalError as exc:
            self.link_error = exc.message(actor.locale)
            return
        await self.end("tasklink.revoked")  # the page says why it cannot be used now, and that it is off
        self.notice = t("tasklink.turned_off_notice", actor.locale)


class TaskSession(rx.State, mixin=True):
    """Mixed into a task's own page state (the upload, the payment) in front of its usual state: the
    actor is the link's limited one, from this tab's task session, never the sign-in cookie."""

    async def _signed_in_actor(self):
        actor = await (await self.get_state(TaskLinkState)).task_actor()
        if actor is not None:
            i18n.READER_LOCALE.set(actor.locale)
        return actor

    async def _gone(self):
        await (await self.get_state(TaskLinkState)).end("tasklink.session_ended")
        return None

    def _matter_id(self, actor) -> str:
        return str(actor.task.matter_id)

    def _invoice_id(self, actor) -> str:
        return str(actor.task.object_id)
