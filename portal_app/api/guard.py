"""ASGI middleware in front of everything: body-size limits before a byte of the body is read,
security headers on every response, and no stack trace ever sent to a browser."""
from __future__ import annotations

import json
import logging

from portal_app.services.settings import get_settings

log = logging.getLogger("portal.http")

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(self), microphone=(), geolocation=()"),
    (b"content-security-policy", b"frame-ancestors 'none'; base-uri 'self'; form-action 'self'"),
]


class BodyTooLarge(Exception):
    pass


def _json(status: int, code: str, message: str) -> tuple[dict, dict]:
    body = json.dumps({"error": code, "message": message}).encode()
    start = {"type": "http.response.start", "status": status,
             "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]}
    return start, {"type": "http.response.body", "body": body}


class RequestGuard:
    def __init__(self, app, max_request_bytes: int | None = None, max_upload_bytes: int | None = None):
        cfg = get_settings()
        self.app = app
        self.max_request = max_request_bytes or cfg.max_request_bytes
        self.max_upload = max_upload_bytes or cfg.max_upload_bytes

    def _limit_for(self, path: str) -> int:
        return self.max_upload if path.startswith("/_upload") else self.max_request

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self._limit_for(scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await self._reply(send, *_json(413, "too_large", f"This request is too large (limit {limit // 1024} KB)."))
        seen, started, overflow = 0, False, False
        too_large = _json(413, "too_large", "This request is too large.")

        async def limited_receive():
            nonlocal seen, overflow
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    overflow = True
                    raise BodyTooLarge()
            return message

        async def send_with_headers(message):
            nonlocal started
            if overflow:  # whatever the app answers to a body cut short, the browser gets a 413
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._reply(send, *too_large)
                return
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in SECURITY_HEADERS if h[0] not in names]
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if not started:
                await self._reply(send, *too_large)
        except Exception:  # noqa: BLE001 - the browser gets a plain message, the log gets the trace
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if not started:
                await self._reply(send, *_json(500, "server_error", "Something went wrong on our side. Please try again."))

    @staticmethod
    async def _reply(send, start: dict, body: dict) -> None:
        start["headers"] = start["headers"] + SECURITY_HEADERS
        await send(start)
        await send(body)
