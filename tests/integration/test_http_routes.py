"""The /api routes and the request guard, over real HTTP handling (Starlette's TestClient)."""
from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from portal_app.api import RequestGuard, build_api
from portal_app.services.identity import auth, passwords
from portal_app.services.kernel.settings import reset_settings
from tests.world import build_world


@pytest.fixture
def client(portal_db):
    build_world(password_hash=passwords.hash_password("existing password 1"))
    with TestClient(RequestGuard(build_api()), follow_redirects=False) as c:
        yield c


def test_health_ok(client):
    response = client.get("/api/health")
    assert response.status_code == 200 and response.json() == {"status": "ok", "db": "ok"}


def test_health_503_when_the_database_does_not_answer(monkeypatch):
    monkeypatch.setenv("PORTAL_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")
    reset_settings()
    with TestClient(RequestGuard(build_api())) as c:
        response = c.get("/api/health")
    assert response.status_code == 503 and response.json() == {"status": "error", "db": "unavailable"}


OWN = {"Origin": "http://testserver"}


def test_exchange_sets_an_httponly_cookie_and_redirects_locally(client):
    signed = auth.sign_in("client@firm.example", "existing password 1")
    response = client.post("/api/session/exchange", data={"t": signed.exchange_token, "next": "https://evil.example/"},
                           headers=OWN)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("portal_session=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    assert auth.resolve(token).role == "client"
    again = client.post("/api/session/exchange", data={"t": signed.exchange_token}, headers=OWN)
    assert again.headers["location"] == "/login?notice=link_expired" and "set-cookie" not in again.headers


def test_exchange_takes_no_token_in_a_link_and_no_form_from_another_site(client):
    signed = auth.sign_in("client@firm.example", "existing password 1")
    by_link = client.get(f"/api/session/exchange?t={signed.exchange_token}")
    assert by_link.status_code == 405 and "set-cookie" not in by_link.headers
    cross = client.post("/api/session/exchange", data={"t": signed.exchange_token},
                        headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403 and "set-cookie" not in cross.headers
    # neither used the token up: the portal's own page still can
    assert client.post("/api/session/exchange", data={"t": signed.exchange_token}, headers=OWN).status_code == 303


def _signed_in_cookie(client) -> tuple[str, dict]:
    signed = auth.sign_in("client@firm.example", "existing password 1")
    token, _ = auth.exchange(signed.exchange_token)
    return token, {"Cookie": f"portal_session={token}"}


def test_sign_out_revokes_the_session_on_the_server_and_deletes_the_cookie(client):
    token, cookie = _signed_in_cookie(client)
    response = client.post("/api/session/clear", headers={**OWN, **cookie})
    assert response.status_code == 303 and response.headers["location"] == "/login?notice=signed_out"
    assert 'portal_session=""' in response.headers["set-cookie"] and "Max-Age=0" in response.headers["set-cookie"]
    assert auth.resolve(token) is None  # a copied cookie is worth nothing now


@pytest.mark.parametrize("how", ["link", "other_site", "no_origin", "null_origin"])
def test_no_link_or_other_site_can_sign_a_person_out(client, how):
    """The attack: <img src=/api/session/clear> or an auto-submitting form on another site."""
    token, cookie = _signed_in_cookie(client)
    if how == "link":
        response = client.get("/api/session/clear", headers=cookie)
        assert response.status_code == 405
    else:
        origin = {"other_site": {"Origin": "https://evil.example"}, "no_origin": {},
                  "null_origin": {"Origin": "null"}}[how]
        response = client.post("/api/session/clear", headers={**origin, **cookie})
        assert response.status_code == 403
    assert "set-cookie" not in response.headers and auth.resolve(token) is not None


def test_sign_out_without_origin_but_same_origin_fetch_metadata_is_accepted(client):
    token, cookie = _signed_in_cookie(client)
    response = client.post("/api/session/clear", headers={"Sec-Fetch-Site": "same-origin", **cookie})
    assert response.status_code == 303 and auth.resolve(token) is None


def test_unknown_api_route_is_a_plain_404(client):
    response = client.post("/api/nothing/here", json={})
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_security_headers_on_every_response(client):
    headers = client.get("/api/health").headers
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]


def _echo_app() -> Starlette:
    async def echo(request):
        return PlainTextResponse(str(len(await request.body())))

    async def boom(_request):
        raise RuntimeError("secret internals: /etc/passwd")

    return Starlette(routes=[Route("/echo", echo, methods=["POST"]), Route("/_upload", echo, methods=["POST"]),
                             Route("/boom", boom)])


def test_oversized_requests_are_refused_before_the_body_is_read():
    with TestClient(RequestGuard(_echo_app(), max_request_bytes=1000, max_upload_bytes=5000)) as c:
        assert c.post("/echo", content=b"x" * 1000).text == "1000"
        declared = c.post("/echo", content=b"x" * 1001)
        assert declared.status_code == 413 and "too large" in declared.json()["message"]
        assert c.post("/_upload", content=b"x" * 4000).text == "4000"
        assert c.post("/_upload", content=b"x" * 5001).status_code == 413

        def chunks():  # no Content-Length: counted as it streams in
            for _ in range(5):
                yield b"x" * 400

        assert c.post("/echo", content=chunks()).status_code == 413


def test_no_stack_trace_reaches_the_browser():
    with TestClient(RequestGuard(_echo_app()), raise_server_exceptions=False) as c:
        response = c.get("/boom")
    assert response.status_code == 500
    assert "secret internals" not in response.text and "Traceback" not in response.text
