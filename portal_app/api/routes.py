"""Health, and the two session routes that set and clear the HttpOnly cookie (POST from the
portal's own pages only)."""
from __future__ import annotations

import asyncio
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from portal_app import client_address
from portal_app.api import exports, files, i18n_catalogs, stripe_webhook, support_files
from portal_app.services.identity import auth
from portal_app.services.kernel import db, i18n
from portal_app.services.kernel.errors import PortalError
from portal_app.services.kernel.settings import get_settings
from portal_app.services.kernel.tokens import new_token
from portal_app.services.messaging import preferences
from portal_app.session_cookie import (
    cookie_name,
    device_cookie_name,
    device_from_header,
    safe_next,
    same_origin,
    token_from_header,
)

DEVICE_COOKIE_SECONDS = 400 * 24 * 3600  # browsers cap cookies at 400 days


async def health(_request: Request) -> Response:
    ok = await asyncio.to_thread(db.ping)
    body = {"status": "ok" if ok else "error", "db": "ok" if ok else "unavailable"}
    return JSONResponse(body, status_code=200 if ok else 503, headers={"Cache-Control": "no-store"})


def _from_own_page(request: Request) -> bool:
    return same_origin(request.headers.get("origin"), request.headers.get("sec-fetch-site"),
                       host=request.headers.get("host", ""), scheme=request.url.scheme)


def _refused() -> Response:
    return JSONResponse({"error": "cross_site", "message": "This request did not come from the portal's own page."},
                        status_code=403, headers={"Cache-Control": "no-store"})


def _post_only(_request: Request) -> Response:
    """A link (a scanner, an <img>, another site) never signs anyone in or out."""
    return JSONResponse({"error": "post_only", "message": "This address only takes a form sent from the portal."},
                        status_code=405, headers={"Allow": "POST", "Cache-Control": "no-store"})


async def exchange(request: Request) -> Response:
    if not _from_own_page(request):
        return _refused()
    form = await request.form()
    device = device_from_header(request.headers.get("cookie")) or new_token()
    try:
        session_token, max_age = await asyncio.to_thread(auth.exchange, str(form.get("t", "")), device=device)
    except PortalError:
        return RedirectResponse("/login?notice=link_expired", status_code=303)
    chosen = request.cookies.get(i18n.LANGUAGE_COOKIE)
    if chosen in i18n.offered_locales():  # chosen with the switch before signing in: now the account's
        await asyncio.to_thread(_carry_language, session_token, chosen)
    response = RedirectResponse(safe_next(str(form.get("next", ""))), status_code=303)
    secure = get_settings().cookie_secure
    response.set_cookie(cookie_name(), session_token, max_age=max_age, path="/", httponly=True,
                        samesite="lax", secure=secure)
    response.set_cookie(device_cookie_name(), device, max_age=DEVICE_COOKIE_SECONDS, path="/", httponly=True,
                        samesite="lax", secure=secure)
    response.headers["Cache-Control"] = "no-store"
    return response


def _carry_language(session_token: str, locale: str) -> None:
    actor = auth.resolve(session_token)
    if actor is not None and actor.locale != locale:
        preferences.set_language(actor, locale)


async def clear(request: Request) -> Response:
    """Sign out: the session behind the cookie is revoked on the server, then the cookie goes."""
    if not _from_own_page(request):
        return _refused()
    form = await request.form()
    notice = str(form.get("notice", "signed_out"))
    token = token_from_header(request.headers.get("cookie"))
    await asyncio.to_thread(auth.sign_out_token, token, ip=client_address.from_request(request))
    response = RedirectResponse(f"/login?notice={quote(notice if notice.isidentifier() else 'signed_out')}", 303)
    response.delete_cookie(cookie_name(), path="/", httponly=True, samesite="lax", secure=get_settings().cookie_secure)
    response.headers["Cache-Control"] = "no-store"
    return response


async def api_not_found(_request: Request) -> Response:
    return JSONResponse({"error": "not_found", "message": "There is nothing at this address."}, status_code=404)


def build_api() -> Starlette:
    return Starlette(routes=[
        Route("/api/health", health, methods=["GET"]),
        Route("/api/session/exchange", exchange, methods=["POST"]),
        Route("/api/session/exchange", _post_only, methods=["GET"]),
        Route("/api/session/clear", clear, methods=["POST"]),
        Route("/api/session/clear", _post_only, methods=["GET"]),
        *stripe_webhook.ROUTES,
        *files.routes(),
        *exports.routes(),
        *i18n_catalogs.ROUTES,
        *support_files.routes(),
        Route("/api/{rest:path}", api_not_found, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ])
