"""Per-item size limits on /_upload, before a byte of the body is read.

The upload page sends the document request's id (X-Portal-Request) and how many files it sends
(X-Portal-Files). When the declared body length is more than that many files at the item's limit
(plus multipart overhead), the request is refused with 413 at once. RequestGuard's firm-wide cap
still applies; the streaming handler then counts every file's bytes exactly, so headers that lie
gain nothing.
"""
from __future__ import annotations

import asyncio
import json

from portal_app.services.documents.uploads import item_size_limit

PART_OVERHEAD = 16 * 1024
MAX_FILES = 10


class UploadItemLimit:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].endswith("/_upload"):
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        declared, request_id = headers.get(b"content-length"), headers.get(b"x-portal-request")
        if declared and declared.isdigit() and request_id:
            count = headers.get(b"x-portal-files", b"1")
            files = min(MAX_FILES, max(1, int(count))) if count.isdigit() else 1
            limit = await asyncio.to_thread(item_size_limit, request_id.decode("latin-1"))
            if limit is not None and int(declared) > files * (limit + PART_OVERHEAD) + PART_OVERHEAD:
                body = json.dumps({"error": "too_large", "message": "These files are larger than this item allows "
                                   f"({limit // (1024 * 1024)} MB per file)."}).encode()
                await send({"type": "http.response.start", "status": 413,
                            "headers": [(b"content-type", b"application/json"),
                                        (b"content-length", str(len(body)).encode())]})
                await send({"type": "http.response.body", "body": body})
                return None
        return await self.app(scope, receive, send)
