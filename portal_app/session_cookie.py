"""The session cookie: HttpOnly, SameSite=Lax, Secure (with the __Host- prefix) behind HTTPS.
The browser holds only this opaque token; everything else is server-side."""
from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from portal_app.services.kernel.settings import get_settings


def cookie_name() -> str:
    return "__Host-portal_session" if get_settings().cookie_secure else "portal_session"


def token_from_header(cookie_header: str | None) -> str | None:
    if not cookie_header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except CookieError:
        return None
    morsel = jar.get(cookie_name())
    return morsel.value if morsel else None


def safe_next(value: str | None, default: str = "/") -> str:
    """Only local paths: never an open redirect to another site."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value
