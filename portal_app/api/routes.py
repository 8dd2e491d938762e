"""Health, and the two session routes that set and clear the HttpOnly cookie."""
from __future__ import annotations

import asyncio
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from portal_app.api import exports, files, stripe_webhook, support_files
from portal_app.services.identity import auth
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import PortalError
from portal_app.services.kernel.settings import get_settings
from portal_app.session_cookie import cookie_name, safe_next


async def health(_request: Request) -> Response:
    ok = await asyncio.to_thread(db.ping)
    body = {"status": "ok" if ok else "error", "db": "ok" if ok else "unavailable"}
    return JSONResponse(body, status_code=200 if ok else 503, headers={"Cache-Control": "no-store"})


async def exchange(request: Request) -> Response:
    token = request.query_params.get("t", "")
    try:
        session_token, max_age = await asyncio.to_thread(auth.exchange, token)
    except PortalError:
        return RedirectResponse("/login?notice=link_expired", status_code=303)
    response = RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    response.set_cookie(cookie_name(), session_token, max_age=max_age, path="/", httponly=True,
                        samesite="lax", secure=get_settings().cookie_secure)
    response.headers["Cache-Control"] = "no-store"
    return response


async def clear(request: Request) -> Response:
    notice = request.query_params.get("notice", "signed_out")
    response = RedirectResponse(f"/login?notice={quote(notice if notice.isidentifier() else 'signed_out')}", 303)
    response.delete_cookie(cookie_name(), path="/", httponly=True, samesite="lax", secure=get_settings().cookie_secure)
    response.headers["Cache-Control"] = "no-store"
    return response


async def api_not_found(_request: Request) -> Response:
    return JSONResponse({"error": "not_found", "message": "There is nothing at this address."}, status_code=404)


def build_api() -> Starlette:
    return Starlette(routes=[
        Route("/api/health", health, methods=["GET"]),
        Route("/api/session/exchange", exchange, methods=["GET"]),
        Route("/api/session/clear", clear, methods=["GET"]),
        *stripe_webhook.ROUTES,
        *files.routes(),
        *exports.routes(),
        *support_files.routes(),
        Route("/api/{rest:path}", api_not_found, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ])
