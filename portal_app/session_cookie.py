"""The session cookie: HttpOnly, SameSite=Lax, Secure (with the __Host- prefix) behind HTTPS.
The browser holds only this opaque token; everything else is server-side.

The routes that set or clear it take POST only, and only from the portal's own pages
(`same_origin`): a link or a form on another site can neither sign a person out nor in."""
from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlsplit

from portal_app.services.kernel.settings import get_settings


def cookie_name() -> str:
    return "__Host-portal_session" if get_settings().cookie_secure else "portal_session"


def device_cookie_name() -> str:
    """A long-lived random id of this browser, so that a sign-in from a new device can be told."""
    return "__Host-portal_device" if get_settings().cookie_secure else "portal_device"


def _from_header(cookie_header: str | None, name: str) -> str | None:
    if not cookie_header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def token_from_header(cookie_header: str | None) -> str | None:
    return _from_header(cookie_header, cookie_name())


def device_from_header(cookie_header: str | None) -> str | None:
    return _from_header(cookie_header, device_cookie_name())


def safe_next(value: str | None, default: str = "/") -> str:
    """Only local paths: never an open redirect to another site."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    return value


def _origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def own_origins(host: str = "", scheme: str = "http") -> set[str]:
    """The origins the portal's pages are served from: the public URL, and the address this very
    request was made to (the same page server on a developer's machine)."""
    origins = {_origin_of(get_settings().public_url)}
    if host:
        origins.add(f"{scheme}://{host}".lower())
    return origins - {""}


def same_origin(origin: str | None, fetch_site: str | None, *, host: str = "", scheme: str = "http") -> bool:
    """Whether a state-changing request came from one of the portal's own pages. Browsers send
    `Origin` on every POST; `Sec-Fetch-Site` stands in where a privacy setting strips it. A request
    with neither is refused."""
    if origin:
        return origin.lower() in own_origins(host, scheme)
    return (fetch_site or "").lower() == "same-origin"
