"""The port trap (`make run PORT=3100`): unset, PORTAL_PUBLIC_URL follows the port, so the websocket's
allowed origin and every mail link match the address in the browser; set to another address, a
browser that opens the portal there is told in plain words, and the log says what to set."""
from __future__ import annotations

import importlib
import logging

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from portal_app.api.origin_check import OriginCheck
from portal_app.services.kernel.settings import get_settings, reset_settings

HTML = {"accept": "text/html,application/xhtml+xml"}


def _app():
    inner = Starlette(routes=[Route("/{path:path}", lambda _r: PlainTextResponse("the page"))])
    return OriginCheck(inner)


@pytest.fixture
def unset(monkeypatch):
    monkeypatch.delenv("PORTAL_PUBLIC_URL", raising=False)
    monkeypatch.setenv("PORTAL_ENV", "development")
    reset_settings()


def test_the_public_url_follows_the_port_when_unset(unset, monkeypatch):
    monkeypatch.setenv("REFLEX_FRONTEND_PORT", "3100")  # what `reflex run --frontend-port 3100` sets
    reset_settings()
    assert get_settings().public_url == "http://localhost:3100"
    import rxconfig

    rxconfig = importlib.reload(rxconfig)
    assert "http://localhost:3100" in rxconfig.config.cors_allowed_origins
    assert not any(o.endswith(":3000") for o in rxconfig.config.cors_allowed_origins)
    monkeypatch.delenv("REFLEX_FRONTEND_PORT")
    reset_settings()
    assert get_settings().public_url == "http://localhost:3000"  # Reflex's own default port


def test_a_set_url_wins_over_the_port(unset, monkeypatch):
    monkeypatch.setenv("REFLEX_FRONTEND_PORT", "3100")
    monkeypatch.setenv("PORTAL_PUBLIC_URL", "https://portal.firm.example/")
    reset_settings()
    assert get_settings().public_url == "https://portal.firm.example"


def test_a_browser_at_another_port_is_told_and_the_log_says_what_to_set(unset, monkeypatch, caplog):
    monkeypatch.setenv("PORTAL_PUBLIC_URL", "http://localhost:3000")
    reset_settings()
    client = TestClient(_app(), base_url="http://localhost:3100")
    with caplog.at_level(logging.WARNING, logger="portal.origin"):
        page = client.get("/login", headers=HTML)
        client.get("/staff", headers=HTML)
    assert page.status_code == 421
    text = page.text
    assert "You opened <strong>http://localhost:3100</strong>" in text
    assert "http://localhost:3000" in text and "PORTAL_PUBLIC_URL=http://localhost:3100" in text
    assert "<script" not in text  # it must show without the page's scripts (and under the strict CSP)
    told = [r.getMessage() for r in caplog.records if r.name == "portal.origin"]
    assert len(told) == 1 and "start the portal with PORTAL_PUBLIC_URL=http://localhost:3100" in told[0]


def test_the_right_address_and_non_page_requests_pass(unset, monkeypatch):
    monkeypatch.setenv("PORTAL_PUBLIC_URL", "http://localhost:3000")
    reset_settings()
    right = TestClient(_app(), base_url="http://localhost:3000")
    assert right.get("/login", headers=HTML).text == "the page"
    assert TestClient(_app(), base_url="http://127.0.0.1:3000").get("/login", headers=HTML).text == "the page"
    wrong = TestClient(_app(), base_url="http://localhost:3100")
    assert wrong.get("/api/health", headers=HTML).text == "the page"  # routes, files, the socket: untouched
    assert wrong.get("/login").text == "the page"  # not a page load (no text/html)


def test_production_only_logs(unset, monkeypatch, caplog):
    monkeypatch.setenv("PORTAL_PUBLIC_URL", "https://portal.firm.example")
    reset_settings()
    production = get_settings().model_copy(update={"env": "production"})  # a proxy may rewrite Host there
    assert production.is_production
    monkeypatch.setattr("portal_app.api.origin_check.get_settings", lambda: production)
    with caplog.at_level(logging.WARNING, logger="portal.origin"):
        page = TestClient(_app(), base_url="http://10.0.0.5:8000").get("/login", headers=HTML)
    assert page.text == "the page"
    assert any("PORTAL_PUBLIC_URL=http://10.0.0.5:8000" in r.getMessage() for r in caplog.records)
