"""GET /api/support-files/{request_id}?t=TOKEN: the file sent with a support request, decrypted as it
streams, for the staff member (and session) the link was minted for. Anything wrong: 403, no bytes."""
from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from portal_app import client_address
from portal_app.api.files import decrypted_body
from portal_app.services.files import names as filenames
from portal_app.services.files import store as filestore
from portal_app.services.identity import auth
from portal_app.services.kernel.errors import PortalError
from portal_app.services.support import files as support_files
from portal_app.session_cookie import token_from_header


async def download(request: Request) -> Response:
    ip = client_address.from_request(request)
    actor = await asyncio.to_thread(auth.resolve, token_from_header(request.headers.get("cookie")), ip=ip)
    try:
        found = await asyncio.to_thread(support_files.open_download, actor, request.path_params["request_id"],
                                        request.query_params.get("t", ""))
    except PortalError:
        return JSONResponse({"error": "forbidden", "message": "This link is not valid for you, or it has expired."},
                            status_code=403, headers={"Cache-Control": "no-store"})
    pieces = filestore.stream(found)
    try:
        first = await asyncio.to_thread(next, pieces, b"")
    except (filestore.IntegrityError, OSError, filestore.StorageError):
        return JSONResponse({"error": "integrity", "message": "This file could not be opened safely."},
                            status_code=500, headers={"Cache-Control": "no-store"})

    headers = {"Content-Disposition": filenames.content_disposition(found.attachment_name or "file", "attachment"),
               "Cache-Control": "no-store", "Content-Length": str(found.size_bytes), "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": "sandbox; default-src 'none'"}
    return StreamingResponse(decrypted_body(first, pieces), media_type=found.content_type or "application/octet-stream", headers=headers)


def routes() -> list[Route]:
    return [Route("/api/support-files/{request_id}", download, methods=["GET"])]
