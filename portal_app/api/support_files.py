"""GET /api/support-files/{request_id}?t=TOKEN: the file sent with a support request, decrypted as it
streams, for the staff member (and session) the link was minted for. Anything wrong: 403, no bytes."""
from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from portal_app import client_address
from portal_app.api.files import forbidden, stored_file_response
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
        return forbidden()
    headers = {"Content-Disposition": filenames.content_disposition(found.attachment_name or "file", "attachment"),
               "Cache-Control": "no-store", "Content-Length": str(found.size_bytes), "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": "sandbox; default-src 'none'"}
    return await stored_file_response(filestore.stream(found), found.content_type or "application/octet-stream",
                                      headers, what=f"the file of support request {found.reference}")


def routes() -> list[Route]:
    return [Route("/api/support-files/{request_id}", download, methods=["GET"])]
