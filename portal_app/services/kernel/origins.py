"""Which browser origins may talk to the portal, and what to tell a person who opened it elsewhere.

The websocket (and so every button) works only from an origin Reflex allows, and Reflex allows the
ones derived from PORTAL_PUBLIC_URL. When PORTAL_PUBLIC_URL is not set, it follows the port the
portal was started on (`make run PORT=3100`: Reflex puts the port in REFLEX_FRONTEND_PORT before it
starts the server process), so the default works on any port."""
from __future__ import annotations

import os
from urllib.parse import urlsplit

DEFAULT_PORT = 3000


def default_public_url() -> str:
    """http://localhost:<the port the portal runs on>, for development when PORTAL_PUBLIC_URL is unset."""
    port = os.environ.get("REFLEX_FRONTEND_PORT", "").strip()
    return f"http://localhost:{port if port.isdigit() else DEFAULT_PORT}"


def allowed_origins(public_url: str, production: bool) -> list[str]:
    """The public URL's origin; in development also localhost and 127.0.0.1 on the same port."""
    parts = urlsplit(public_url)
    origins = [f"{parts.scheme}://{parts.netloc}"]
    if not production:
        port = f":{parts.port}" if parts.port else ""
        origins += [f"http://localhost{port}", f"http://127.0.0.1{port}"]
    return sorted(set(origins))


def mismatch(browser_origin: str, public_url: str, production: bool) -> bool:
    return browser_origin.rstrip("/") not in allowed_origins(public_url, production)


def advice(browser_origin: str, public_url: str) -> str:
    """What the server log says: the one setting that makes this origin work."""
    return (f"A browser opened the portal at {browser_origin}, but PORTAL_PUBLIC_URL is {public_url}: its "
            f"buttons cannot reach the server from there (the websocket is refused). Open {public_url} instead, "
            f"or start the portal with PORTAL_PUBLIC_URL={browser_origin} (or leave PORTAL_PUBLIC_URL unset in "
            f"development: it then follows the port).")
