"""ASGI middleware in front of everything: body-size limits before a byte of the body is read,
security headers on every response (the Content-Security-Policy and HSTS: api/csp.py), and no
stack trace ever sent to a browser."""
from __future__ import annotations

import json
import logging
from pathlib import Path

from portal_app.api.csp import SecurityHeaders, headers_for_answer
from portal_app.services.kernel.settings import get_settings

log = logging.getLogger("portal.http")


def built_pages_dir() -> Path:
    """Where `reflex export`/`reflex run --env prod` put the prerendered pages."""
    from reflex.utils.prerequisites import get_web_dir
    from reflex_base import constants
    from reflex_base.config import get_config

    return (get_web_dir() / constants.Dirs.STATIC / get_config().frontend_path.strip("/")).resolve()


class BodyTooLarge(Exception):
    pass


def _json(status: int, code: str, message: str) -> tuple[dict, dict]:
    body = json.dumps({"error": code, "message": message}).encode()
    start = {"type": "http.response.start", "status": status,
             "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]}
    return start, {"type": "http.response.body", "body": body}


class RequestGuard:
    def __init__(self, app, max_request_bytes: int | None = None, max_upload_bytes: int | None = None,
                 pages_dir: Path | None = None):
        cfg = get_settings()
        self.app = app
        self.max_request = max_request_bytes or cfg.max_request_bytes
        self.max_upload = max_upload_bytes or cfg.max_upload_bytes
        self.security = SecurityHeaders(cfg, pages_dir or built_pages_dir())

    def _limit_for(self, path: str) -> int:
        return self.max_upload if path.startswith("/_upload") else self.max_request

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self._limit_for(scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length")
        headers = self.security.headers()
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await _reply(send, headers,
                                *_json(413, "too_large", f"This request is too large (limit {limit // 1024} KB)."))
        exchange = _Exchange(receive, send, limit, headers)
        try:
            await self.app(scope, exchange.receive, exchange.send)
        except BodyTooLarge:
            if not exchange.started:
                await _reply(send, headers, *_json(413, "too_large", "This request is too large."))
        except Exception:  # noqa: BLE001 - the browser gets a plain message, the log gets the trace
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not exchange.started:
                await _reply(send, headers,
                             *_json(500, "server_error", "Something went wrong on our side. Please try again."))


class _Exchange:
    """One request passing through the guard: counts the body as it arrives, adds the security
    headers to the answer, and turns any answer to a body cut short into a 413."""

    def __init__(self, receive, send, limit: int, headers: list[tuple[bytes, bytes]]) -> None:
        self._receive, self._send, self.limit, self.headers = receive, send, limit, headers
        self.seen, self.started, self.overflow = 0, False, False

    async def receive(self):
        message = await self._receive()
        if message["type"] == "http.request":
            self.seen += len(message.get("body", b""))
            if self.seen > self.limit:
                self.overflow = True
                raise BodyTooLarge()
        return message

    async def send(self, message) -> None:
        if self.overflow:
            if message["type"] == "http.response.start" and not self.started:
                self.started = True
                await _reply(self._send, self.headers, *_json(413, "too_large", "This request is too large."))
            return
        if message["type"] == "http.response.start":
            self.started = True
            own = {k.lower(): v for k, v in message.get("headers", [])}
            added = headers_for_answer(self.headers, own.get(b"content-type", b""))
            message["headers"] = list(message.get("headers", [])) + [h for h in added if h[0] not in own]
        await self._send(message)


async def _reply(send, headers: list[tuple[bytes, bytes]], start: dict, body: dict) -> None:
    start["headers"] = start["headers"] + headers
    await send(start)
    await send(body)
