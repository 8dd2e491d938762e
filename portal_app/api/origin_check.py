"""The port trap, said in plain words. A browser that opened the portal at an address other than
PORTAL_PUBLIC_URL (say http://localhost:3100 while it is set to :3000) gets pages whose websocket
the server refuses: a dead Sign-in button. In development such a page request is answered with
a short page naming both addresses and what to do; in production nothing is refused (a proxy may
rewrite Host), but the log says it. Each mismatched origin is logged once, with the setting to use."""
from __future__ import annotations

import html
import logging

from portal_app.services.kernel import origins
from portal_app.services.kernel.settings import get_settings

log = logging.getLogger("portal.origin")
_SKIP = ("/api/", "/_event", "/_upload", "/ping", "/_health", "/_all_routes", "/assets/", "/favicon")


def _page(seen: str, public: str) -> bytes:
    seen_h, public_h = html.escape(seen), html.escape(public)
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Wrong address for this portal"
            f"</title><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head><body><main>"
            f"<h1>This portal is set up for another address</h1>"
            f"<p>You opened <strong>{seen_h}</strong>, but the portal is set up to be used at "
            f"<strong>{public_h}</strong>. From here its buttons could not reach the server.</p>"
            f"<p><a href=\"{public_h}/\">Open {public_h}</a></p>"
            f"<p>If you run this portal: start it with <code>PORTAL_PUBLIC_URL={seen_h}</code>, or leave "
            f"PORTAL_PUBLIC_URL unset while developing (it then follows the port, as in "
            f"<code>make run PORT=3100</code>).</p></main></body></html>").encode()


class OriginCheck:
    def __init__(self, app):
        self.app = app
        self._told: set[str] = set()

    def _browser_origin(self, scope) -> str:
        host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        return f"{scope.get('scheme', 'http')}://{host}" if host else ""

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") != "GET" or scope["path"].startswith(_SKIP):
            return await self.app(scope, receive, send)
        accept = dict(scope.get("headers") or []).get(b"accept", b"")
        cfg, seen = get_settings(), self._browser_origin(scope)
        if b"text/html" not in accept or not seen or not origins.mismatch(seen, cfg.public_url, cfg.is_production):
            return await self.app(scope, receive, send)
        if seen not in self._told:
            self._told.add(seen)
            log.warning(origins.advice(seen, cfg.public_url))
        if cfg.is_production:
            return await self.app(scope, receive, send)
        body = _page(seen, cfg.public_url)
        await send({"type": "http.response.start", "status": 421,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"),
                                (b"content-length", str(len(body)).encode()), (b"cache-control", b"no-store")]})
        await send({"type": "http.response.body", "body": body})
