"""Receiving streamed uploads in a background event handler.

Reflex hands the handler an async iterator of chunks (file name, offset, bytes) while the body
is still arriving. Each file is fed, about a megabyte at a time, to uploads.IncomingFile in a
worker thread (encryption and checks never run on the event loop), and the state lock is taken
only to move a progress bar or show a result. A file the server refuses is discarded at once and
its remaining bytes are drained without being kept.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import reflex as rx

from portal_app.components.i18n import t
from portal_app.services.documents import uploads
from portal_app.services.files import names as filenames
from portal_app.services.kernel.errors import PortalError
from portal_app.state import run

log = logging.getLogger("portal.uploads")
UPLOAD_ID = "documents"
FEED_BYTES = 1024 * 1024
IDLE_SECONDS = 120
MAX_FILES = 10


class UploadRows(rx.State, mixin=True):
    """One progress row per file of the current upload."""

    file_rows: list[dict[str, str]] = []
    uploading: bool = False
    sent_percent: int = 0

    @rx.event
    def on_progress(self, progress: dict):
        self.sent_percent = int(100 * float(progress.get("progress", 0) or 0))


async def _chunks(chunks: rx.UploadChunkIterator) -> AsyncIterator:
    iterator = chunks.__aiter__()
    while True:
        try:
            yield await asyncio.wait_for(iterator.__anext__(), IDLE_SECONDS)
        except StopAsyncIteration:
            return


async def _set_row(page_state, index: int, name: str = "", **values: str) -> None:
    """Update one file's row; with `name`, a file the page did not list beforehand (a one-step
    upload from on_drop, where the selection is not known yet) gets its row here."""
    async with page_state:
        rows = [dict(r) for r in page_state.file_rows]
        if name and index == len(rows):
            rows.append({"name": filenames.display_name(name), "percent": "0", "state": "waiting", "message": ""})
        if 0 <= index < len(rows):
            rows[index].update(values)
            page_state.file_rows = rows


class _Receiver:
    def __init__(self, state, actor, target, sizes: list[int], incoming=uploads.IncomingFile) -> None:
        self.state, self.actor, self.target, self.sizes, self.opens = state, actor, target, sizes, incoming
        self.index, self.incoming, self.buffer, self.skip, self.name = -1, None, bytearray(), False, None
        self.seen = 0

    def is_new_file(self, chunk) -> bool:
        return chunk.filename != self.name or (chunk.offset == 0 and self.seen > 0)

    async def start(self, filename: str) -> None:
        await self.finish()
        self.index, self.name, self.skip, self.buffer, self.seen = self.index + 1, filename, False, bytearray(), 0
        self.incoming = await run(self.opens, self.actor, self.target, filename)
        await _set_row(self.state, self.index, filename, state="uploading")

    async def take(self, data: bytes) -> None:
        self.seen += len(data)
        if self.skip or self.incoming is None:
            return
        self.buffer += data
        if len(self.buffer) >= FEED_BYTES:
            await self._feed()

    async def _feed(self) -> None:
        piece, self.buffer = bytes(self.buffer), bytearray()
        try:
            await run(self.incoming.feed, piece)
        except PortalError as error:
            await self._failed(error.message(self.actor.locale))
            return
        size = self.sizes[self.index] if self.index < len(self.sizes) and self.sizes[self.index] else 0
        percent = min(99, int(100 * self.incoming.received / size)) if size else 50
        await _set_row(self.state, self.index, percent=str(percent))

    async def _failed(self, message: str) -> None:
        self.skip, self.buffer = True, bytearray()
        await _set_row(self.state, self.index, state="failed", message=message, percent="100")

    async def finish(self) -> None:
        if self.incoming is None or self.skip:
            self.incoming = None
            return
        incoming, self.incoming = self.incoming, None
        try:
            if self.buffer:
                self.incoming = incoming
                await self._feed()
                self.incoming = None
                if self.skip:
                    return
            done = await run(incoming.finish)
        except PortalError as error:
            await self._failed(error.message(self.actor.locale))
            return
        except Exception:  # noqa: BLE001 - the client gets a plain sentence, the log the trace
            log.exception("storing an upload failed")
            await run(incoming.abort)
            await self._failed(t("error.server", self.actor.locale))
            return
        await _set_row(self.state, self.index, state="done", percent="100",
                       message=t("documents.saved_as_name", self.actor.locale, name=done.stored_name))

    async def abort(self) -> None:
        if self.incoming is not None:
            await run(self.incoming.abort)
            self.incoming = None


async def _begin(state, names: list[str]):
    async with state:
        actor = await state._signed_in_actor()
        state.error, state.notice, state.uploading, state.sent_percent = "", "", True, 0
        state.file_rows = [{"name": filenames.display_name(n), "percent": "0", "state": "waiting", "message": ""}
                           for n in names[:MAX_FILES]]
    return actor


async def receive_files(state, chunks: rx.UploadChunkIterator, request_id: str, names: list, sizes: list, *,
                        target_for=uploads.target_for, incoming=uploads.IncomingFile) -> None:
    """Drive one upload request from the first chunk to the last, then refresh the page's checklist.
    `target_for` and `incoming` default to a checklist item; a message attachment passes its own."""
    names = [str(n) for n in (names or [])]
    sizes = [int(s) if str(s).isdigit() else 0 for s in (sizes or [])]
    actor = await _begin(state, names)
    receiver, refusal = None, None
    try:
        if actor is None:
            refusal = t("error.not_allowed")
        elif len(names) > MAX_FILES:
            refusal = t("upload.too_many_files", actor.locale, max=MAX_FILES)
        else:
            try:
                receiver = _Receiver(state, actor, await run(target_for, actor, request_id), sizes, incoming)
            except PortalError as error:
                refusal = error.message(actor.locale)
        async for chunk in _chunks(chunks):
            if receiver is None:
                continue  # drain: the bytes are read and dropped
            if receiver.is_new_file(chunk):
                await receiver.start(chunk.filename)
            await receiver.take(chunk.data)
        if receiver is not None:
            await receiver.finish()
    except (TimeoutError, asyncio.TimeoutError):
        if receiver is not None:
            await receiver.abort()
            await receiver._failed(t("upload.interrupted", actor.locale, name=receiver.name or ""))
    finally:
        if receiver is not None and receiver.incoming is not None:
            await receiver.abort()
        async with state:
            state.uploading = False
            if refusal:
                state.error = refusal
                state.file_rows = [{**r, "state": "failed", "percent": "100"} for r in state.file_rows]
            if actor is not None:
                await state._after_upload(actor)
