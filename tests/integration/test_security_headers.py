"""The Content-Security-Policy and HSTS on real responses through the request guard: inline
scripts allowed only by the hashes of the built pages (never by what a response contains), no
'unsafe-inline' for scripts, Stripe's origins only when payments go through Stripe, HSTS only
when the public URL is https. The browser suite checks the same policy against the real pages."""
from __future__ import annotations

import base64
import hashlib
import os

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient

from portal_app.api import RequestGuard
from portal_app.services.kernel.settings import reset_settings

THEME = "document.documentElement.classList.add('light');"
BOOT = 'import("/assets/entry.client.js");'


def _sha(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"


@pytest.fixture
def built(tmp_path):
    pages = tmp_path / "client"
    (pages / "login").mkdir(parents=True)
    (pages / "index.html").write_text(f"<html><head><script>{THEME}</script>"
                                      f'<script src="/assets/app.js"></script></head></html>')
    (pages / "login" / "index.html").write_text(f'<html><script type="module" async="">{BOOT}</script></html>')
    return pages


def _app() -> Starlette:
    async def page(request):  # a response that carries a script the build never had
        return HTMLResponse(f"<script>{request.query_params.get('q', '')}</script>")

    async def asset(request):  # a built file, as the static files answer it
        kind = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8", "ico": "image/x-icon",
                "svg": "image/svg+xml"}.get(request.path_params["ext"])
        if kind is None:  # a file that is not there: the HTML 404 page
            return HTMLResponse("<html><body>404</body></html>", status_code=404)
        return Response("x", media_type=kind)

    async def health(request):
        return PlainTextResponse("ok")

    return Starlette(routes=[Route("/page", page), Route("/assets/app.{ext}", asset), Route("/api/health", health)])


def _csp(client, path="/page?q=alert(1)") -> dict[str, list[str]]:
    header = client.get(path).headers["content-security-policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def test_scripts_are_allowed_only_by_the_built_pages_hashes(built):
    with TestClient(RequestGuard(_app(), pages_dir=built)) as client:
        csp = _csp(client)
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    scripts = csp["script-src"]
    assert _sha(THEME) in scripts and _sha(BOOT) in scripts
    assert _sha("alert(1)") not in scripts  # what a response contains is never allowed
    assert "'unsafe-inline'" not in scripts and "https://js.stripe.com" not in scripts
    assert "ws://localhost:3000" in csp["connect-src"] and "upgrade-insecure-requests" not in csp


def test_a_new_build_is_picked_up(built):
    with TestClient(RequestGuard(_app(), pages_dir=built)) as client:
        assert _sha("fresh();") not in _csp(client)["script-src"]
        index = built / "index.html"
        index.write_text("<script>fresh();</script>")
        stat = index.stat()
        os.utime(index, (stat.st_atime, stat.st_mtime + 5))
        assert _sha("fresh();") in _csp(client)["script-src"]


def test_stripe_origins_and_hsts_only_when_needed(built, monkeypatch):
    monkeypatch.setenv("PORTAL_PUBLIC_URL", "https://portal.firm.example")
    for name, value in {"STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_PUBLISHABLE_KEY": "pk_test_x",
                        "STRIPE_WEBHOOK_SECRET": "whsec_x"}.items():
        monkeypatch.setenv(name, value)
    reset_settings()
    with TestClient(RequestGuard(_app(), pages_dir=built)) as client:
        response = client.get("/page")
        csp = _csp(client)
    assert response.headers["strict-transport-security"] == "max-age=63072000; includeSubDomains"
    assert "https://js.stripe.com" in csp["script-src"] and "https://hooks.stripe.com" in csp["frame-src"]
    assert "https://api.stripe.com" in csp["connect-src"] and "wss://portal.firm.example" in csp["connect-src"]
    assert "upgrade-insecure-requests" in csp


def test_no_hsts_on_plain_http(built):
    with TestClient(RequestGuard(_app(), pages_dir=built)) as client:
        assert "strict-transport-security" not in client.get("/page").headers


def test_scripts_styles_and_icons_carry_no_document_headers_and_everything_else_does(built):
    """A page's ~30 scripts each carried the 2.9 KB policy (issue 15); a browser applies it to
    documents only. Whatever the path, an answer that is a document keeps every header, and so
    does an SVG, which opened on its own is a document that can run script."""
    with TestClient(RequestGuard(_app(), pages_dir=built)) as client:
        script, style, icon = (client.get(f"/assets/app.{ext}").headers for ext in ("js", "css", "ico"))
        missing, svg, page, health = (client.get(path).headers for path in ("/assets/app.png", "/assets/app.svg",
                                                                            "/page", "/api/health"))
    for headers in (script, style, icon):
        assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "same-origin"
        assert not {"content-security-policy", "x-frame-options", "permissions-policy"} & set(headers)
    for headers in (missing, svg, page, health):
        assert "frame-ancestors 'none'" in headers["content-security-policy"] and headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff" and "permissions-policy" in headers
    assert svg["content-security-policy"].startswith("default-src 'none';") and "sandbox" in svg["content-security-policy"]
    assert "'self'" not in svg["content-security-policy"] and "'self'" in page["content-security-policy"]
