"""The Content-Security-Policy (and HSTS) the portal sends: the strictest Reflex 0.10.1 allows.

What the built pages need, read from `.web/build/client` and reflex_base's `state.js`:
- Every prerendered page carries inline scripts (the colour-mode script, React Router's context
  and stream, React's streaming helpers, the module bootstrap). They are allowed one by one by
  their SHA-256, taken from the built HTML, never from a response: nothing a request puts into a
  page can become allowed. Any other inline script, injected tag or `on...=` attribute is blocked.
- `eval`: state.js runs every `_call_script`/`_call_function` event through eval (rx.call_script,
  toasts and redirects sent from event handlers), so 'unsafe-eval' has to stay. Hashes cannot
  cover eval; the server only ever sends code it wrote itself.
- Styles: Emotion writes <style> tags and Radix sets style attributes at run time, without a nonce
  hook, so style-src needs 'unsafe-inline' (styles cannot run script).
- The websocket to the same origin: 'self', plus the ws(s) form of the public URL for browsers
  that do not match ws: under 'self'.
- Stripe.js and its frames for the Payment Element, only when payments go through Stripe (Stripe's
  integration security guide): script-src/frame-src js.stripe.com, frame-src hooks.stripe.com,
  connect-src api.stripe.com.
"""
from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

from portal_app.services.kernel.settings import Settings

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc\s*=)[^>]*>(.*?)</script>", re.S | re.I)
STRIPE_SCRIPTS = ("https://js.stripe.com", "https://*.js.stripe.com")
STRIPE_FRAMES = ("https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com")
STRIPE_CONNECT = ("https://api.stripe.com",)
HSTS = b"max-age=63072000; includeSubDomains"


def inline_script_hashes(build_dir: Path) -> list[str]:
    """The CSP sources ('sha256-...') of every inline script in the built pages, sorted."""
    found: set[str] = set()
    for page in sorted(build_dir.rglob("*.html")) if build_dir.is_dir() else []:
        for body in INLINE_SCRIPT.findall(page.read_text(encoding="utf-8")):
            digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
            found.add(f"'sha256-{digest}'")
    return sorted(found)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""


def _sockets(cfg: Settings) -> list[str]:
    parts = urlsplit(cfg.public_url)
    scheme = "wss" if parts.scheme == "https" else "ws"
    hosts = [parts.netloc]
    if not cfg.is_production:  # the same local names rxconfig allows for CORS
        port = f":{parts.port}" if parts.port else ""
        hosts += [f"localhost{port}", f"127.0.0.1{port}"]
    return [f"{scheme}://{host}" for host in dict.fromkeys(hosts)]


def policy(cfg: Settings, script_hashes: list[str]) -> str:
    stripe = cfg.payments.mode == "stripe"
    logo = _origin(cfg.firm_logo)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *script_hashes, "'unsafe-eval'", *(STRIPE_SCRIPTS if stripe else ())],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *([logo] if logo else [])],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", *_sockets(cfg), *(STRIPE_CONNECT if stripe else ())],
        "frame-src": ["'self'", *(STRIPE_FRAMES if stripe else ())],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    text = "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())
    return text + ("; upgrade-insecure-requests" if cfg.public_url.startswith("https://") else "")


# A script, a style sheet, a bitmap icon or a font is never a document: the policy, frame and
# permission headers mean nothing on it (browsers apply them to documents only), and they were
# ~2.9 KB on each of the ~30 files a page loads (issue 15). It keeps nosniff, the referrer policy and
# HSTS, as nginx serves /assets/ in production. An SVG keeps them all, its policy the strictest
# there is: opened on its own it is a document that could run script. Decided by what the answer
# is, not by its path: a missing /assets/ file is answered with the HTML 404 page, which keeps
# every header.
NOT_DOCUMENTS = (b"text/javascript", b"application/javascript", b"text/css", b"image/x-icon",
                 b"image/vnd.microsoft.icon", b"image/png", b"image/jpeg", b"image/webp", b"font/woff2", b"font/woff")
DOCUMENT_ONLY = (b"x-frame-options", b"permissions-policy", b"content-security-policy")


# An SVG runs nothing of ours and loads nothing: its own policy is this one line, not the pages'.
SVG_POLICY = b"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"


def headers_for_answer(headers: list[tuple[bytes, bytes]], content_type: bytes) -> list[tuple[bytes, bytes]]:
    kind = content_type.split(b";")[0].strip().lower()
    if kind in NOT_DOCUMENTS:
        return [h for h in headers if h[0] not in DOCUMENT_ONLY]
    if kind == b"image/svg+xml":
        return [(name, SVG_POLICY if name == b"content-security-policy" else value) for name, value in headers]
    return headers


class SecurityHeaders:
    """The headers added to every response. The script hashes are read from the build once, and
    again whenever the build changes (its index.html is rewritten by every build)."""

    def __init__(self, cfg: Settings, build_dir: Path) -> None:
        self.cfg, self.build_dir = cfg, build_dir
        self._stamp: float | None = None
        self._headers: list[tuple[bytes, bytes]] = []

    def _build_stamp(self) -> float:
        try:
            return (self.build_dir / "index.html").stat().st_mtime
        except OSError:
            return -1.0

    def headers(self) -> list[tuple[bytes, bytes]]:
        stamp = self._build_stamp()
        if stamp != self._stamp:
            csp = policy(self.cfg, inline_script_hashes(self.build_dir))
            self._headers = [
                (b"x-content-type-options", b"nosniff"),
                (b"x-frame-options", b"DENY"),
                (b"referrer-policy", b"same-origin"),
                (b"permissions-policy", b"camera=(self), microphone=(), geolocation=()"),
                (b"content-security-policy", csp.encode("ascii")),
                *([(b"strict-transport-security", HSTS)] if self.cfg.public_url.startswith("https://") else []),
            ]
            self._stamp = stamp
        return self._headers
