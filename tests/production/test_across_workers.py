"""Through the TLS proxy, across both workers: the session cookie is `__Host-` and Secure; a
client signs in on worker a and carries on on worker b (Reflex state in Redis); what she uploads
through b, staff download through a, byte for byte."""
from __future__ import annotations

import random
import re

import redis
from playwright.sync_api import expect
from sqlmodel import select

from models import DocumentRequest, Matter
from portal_app.services.kernel import db
from tests import sample_files
from tests.production.conftest import ARTIFACTS, new_page
from tests.production.steps import (
    browser_cookies,
    eventually,
    log_size,
    matter_id,
    pin,
    request,
    served_by,
    sign_in,
    sign_in_staff,
)

H1B = "MTR-2026-0002"


def request_id(key: str, reference: str = H1B) -> str:
    with db.read() as s:
        return str(s.exec(select(DocumentRequest.id).join(Matter, Matter.id == DocumentRequest.matter_id)
                          .where(Matter.reference == reference, DocumentRequest.key == key)).one())


def upload(page, key: str, name: str, data: bytes, mime: str = "application/pdf") -> None:
    item = page.locator(f"#item-{request_id(key)}")
    item.locator(".open-item").click()
    item.locator("input[type=file]").set_input_files([{"name": name, "mimeType": mime, "buffer": data}])
    expect(item.locator(".selected-file", has_text=name)).to_be_visible()
    item.locator("#send-files").click()
    expect(item.locator(".upload-file .file-done")).to_have_count(1, timeout=60_000)


def test_the_session_cookie_is_host_only_and_secure(page, topology):
    sign_in(page, "maria@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert "portal_session" not in cookies
    session = cookies["__Host-portal_session"]
    assert session["secure"] and session["httpOnly"] and session["sameSite"] == "Lax"
    assert session["path"] == "/" and session["domain"] == "portal.test"  # host-only: no Domain attribute
    assert page.evaluate("document.cookie").find("portal_session") == -1
    answer = request(topology, "GET", "/api/health", cookies=browser_cookies(page))
    assert answer.status == 200 and answer.headers["strict-transport-security"].startswith("max-age=31536000")


def test_signed_in_on_one_worker_carries_on_on_the_other(browsers, topology):
    client = new_page(browsers, topology, phone=True)
    staff = new_page(browsers, topology)
    h1b = matter_id(H1B)
    try:
        pin(client, "a")
        start = log_size(topology)
        sign_in(client, "wei@demo.example")
        client.wait_for_url(re.compile(r"^[^?]*/client/?$"))
        expect(client.locator("#my-matters")).to_contain_text(H1B)
        assert set(served_by(topology, r"/api/session/exchange", start)) == {"a"}

        token = client.evaluate("window.sessionStorage.getItem('token')")
        keys = redis.Redis(host="127.0.0.1", port=6379, db=topology.redis_db).keys(f"{token}*")
        assert keys, "the tab's Reflex state is not in Redis"

        pin(client, "b")
        mark = log_size(topology)
        client.goto(f"/matters/{h1b}/documents")
        expect(client.locator(".request-item").first).to_be_visible()
        data = sample_files.pdf(2, padding=random.randrange(10_000, 20_000))
        upload(client, "degree_diploma", "diploma scan.pdf", data)
        assert set(served_by(topology, r"POST /_upload", mark)) == {"b"}
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        client.screenshot(path=str(ARTIFACTS / "upload-through-worker-b-phone.png"), full_page=True)
        client.goto("about:blank")  # nginx logs a websocket when it closes
        sockets = eventually(lambda: (found := served_by(topology, r"/_event/.*transport=websocket", start))
                             and found[-1] == "b" and found)
        assert set(sockets[:-1]) == {"a"}, sockets  # signed in on a; the documents page talked to b

        _staff_download_through_a(staff, topology, h1b, data)
    finally:
        client.context.close()
        staff.context.close()


def _staff_download_through_a(staff, topology, h1b: str, data: bytes) -> None:
    pin(staff, "a")
    mark = log_size(topology)
    sign_in_staff(staff, "paralegal@demo.example", start=f"/login?next=/matters/{h1b}/checklist")
    staff.wait_for_url(re.compile(rf"^[^?]*/matters/{h1b}/checklist/?$"))
    newest = _newest_version("degree_diploma")
    staff.locator(f"#version-{newest} .get-links").click()
    href = staff.locator("#link-download").get_attribute("href")
    response = request(topology, "GET", href, cookies=browser_cookies(staff))
    assert response.status == 200 and response.body == data
    assert response.headers["cache-control"] == "no-store"
    assert set(served_by(topology, r"GET /api/files/", mark)) == {"a"}
    staff.screenshot(path=str(ARTIFACTS / "review-through-worker-a-desktop.png"), full_page=True)


def _newest_version(key: str) -> str:
    from models import Document, DocumentVersion

    with db.read() as s:
        return str(s.exec(select(DocumentVersion.id).join(Document, Document.id == DocumentVersion.document_id)
                          .join(DocumentRequest, DocumentRequest.id == Document.request_id)
                          .join(Matter, Matter.id == DocumentRequest.matter_id)
                          .where(Matter.reference == H1B, DocumentRequest.key == key, Document.kind == "evidence")
                          .order_by(DocumentVersion.version_no.desc())).first())
