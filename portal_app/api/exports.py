"""GET /api/exports/{matter_id}?t=TOKEN: the matter's whole file as one ZIP, streamed.

The requester must be signed in as the user and session the link was minted for; the permission
table is asked again. The archive is made as it is sent (a sync generator, which Starlette runs in a
worker thread, so the event loop never waits on decryption); nothing is stored on the way.
"""
from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from portal_app import client_address
from portal_app.services.files.names import content_disposition
from portal_app.services.identity import auth
from portal_app.services.kernel.errors import Conflict, PortalError
from portal_app.services.records.export import archive
from portal_app.services.records.export import links as export_links
from portal_app.session_cookie import token_from_header


async def download(request: Request) -> Response:
    ip = client_address.from_request(request)
    actor = await asyncio.to_thread(auth.resolve, token_from_header(request.headers.get("cookie")), ip=ip)
    try:
        plan = await asyncio.to_thread(export_links.open_export, actor, request.path_params["matter_id"],
                                       request.query_params.get("t", ""))
    except Conflict as exc:
        return JSONResponse({"error": "conflict", "message": exc.message(actor.locale if actor else "en")},
                            status_code=409, headers={"Cache-Control": "no-store"})
    except PortalError:
        return JSONResponse({"error": "forbidden", "message": "This link is not valid for you, or it has expired."},
                            status_code=403, headers={"Cache-Control": "no-store"})
    headers = {"Content-Disposition": content_disposition(plan.file_name), "Cache-Control": "no-store",
               "X-Content-Type-Options": "nosniff"}
    return StreamingResponse(archive.stream(plan), media_type="application/zip", headers=headers)


def routes() -> list[Route]:
    return [Route("/api/exports/{matter_id}", download, methods=["GET"])]
