"""Document collection in a real browser, on an emulated phone: the demo client uploads two files
to one request and one to another and watches progress and the checklist percentage rise; the
paralegal rejects one with a reason; the client sees it and uploads again; the paralegal accepts;
the download link works for the paralegal and fails for another client."""
from __future__ import annotations

import re
import uuid
from pathlib import Path

from playwright.sync_api import expect
from sqlmodel import select

from models import Document, DocumentRequest, DocumentVersion, Matter, OutboxMessage
from portal_app.services.kernel import db
from tests import sample_files
from tests.e2e.helpers import matter_id, sign_in

H1B = "MTR-2026-0002"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def request_id(key: str) -> str:
    with db.read() as s:
        return str(s.exec(select(DocumentRequest.id).join(Matter, Matter.id == DocumentRequest.matter_id)
                          .where(Matter.reference == H1B, DocumentRequest.key == key)).one())


def versions_of(key: str) -> list[tuple[str, str]]:
    with db.read() as s:
        rows = s.exec(select(DocumentVersion.id, DocumentVersion.review_status)
                      .join(Document, Document.id == DocumentVersion.document_id)
                      .where(Document.request_id == uuid.UUID(request_id(key)), Document.kind == "evidence")
                      .order_by(DocumentVersion.version_no)).all()
    return [(str(i), status) for i, status in rows]


def percent(page) -> int:
    return int(page.locator(".checklist-percent").first.inner_text().rstrip("%"))


def upload(page, key: str, files: list[tuple[str, str, bytes]]) -> None:
    item = page.locator(f"#item-{request_id(key)}")
    item.locator(".open-item").click()
    item.locator("input[type=file]").set_input_files(
        [{"name": name, "mimeType": mime, "buffer": data} for name, mime, data in files])
    for name, _mime, _data in files:
        expect(item.locator(".selected-file", has_text=name)).to_be_visible()
    item.locator("#send-files").click()
    expect(item.locator(".upload-file .file-done")).to_have_count(len(files), timeout=30_000)


def phone(browser, server):
    chromium, devices = browser
    device = {k: v for k, v in devices["iPhone 13"].items() if k != "default_browser_type"}
    context = chromium.new_context(**device, base_url=server.url)
    context.set_default_timeout(20_000)
    return context.new_page()


def test_client_uploads_from_a_phone_and_the_paralegal_reviews(browser, server, page):
    client = phone(browser, server)
    h1b = matter_id(H1B)
    sign_in(client, "wei@demo.example", start=f"/login?next=/matters/{h1b}/documents")
    client.wait_for_url(re.compile(rf"^[^?]*/matters/{h1b}/documents/?$"))
    expect(client.locator(".request-item").first).to_be_visible()
    start = percent(client)

    upload(client, "degree_diploma", [("diploma scan.pdf", "application/pdf", sample_files.pdf(2)),
                                      ("IMG_0042.JPG", "image/jpeg", sample_files.jpeg((1200, 900)))])
    # the bar moves when the server's new figure arrives, a moment after the files show as done
    expect(client.locator(".checklist-percent").first).not_to_have_text(f"{start}%")
    after_two = percent(client)
    assert after_two > start
    expect(client.locator(f"#item-{request_id('degree_diploma')} .status-uploaded")).to_be_visible()
    upload(client, "transcripts", [("transcript.pdf", "application/pdf", sample_files.pdf(3))])
    expect(client.locator(".checklist-percent").first).not_to_have_text(f"{after_two}%")
    assert percent(client) > after_two
    ARTIFACTS.mkdir(exist_ok=True)
    client.screenshot(path=str(ARTIFACTS / "documents-on-a-phone.png"), full_page=True)
    assert [s for _v, s in versions_of("degree_diploma")] == ["pending", "pending"]

    blurry, clear = [v for v, _s in versions_of("degree_diploma")]
    sign_in(page, "paralegal@demo.example", start=f"/login?next=/matters/{h1b}/checklist")
    page.wait_for_url(re.compile(rf"^[^?]*/matters/{h1b}/checklist/?$"))
    reason = "The photo is cut off at the bottom; please send the whole diploma."
    page.locator(f"#version-{clear} input[name=reason]").fill(reason)
    page.locator(f"#version-{clear} .reject-version").click()
    expect(page.locator("#form-notice")).to_contain_text("Rejected")
    page.locator(f"#version-{blurry} .accept-version").click()
    expect(page.locator(f"#version-{blurry} .status-accepted")).to_be_visible()

    client.reload()
    item = client.locator(f"#item-{request_id('degree_diploma')}")
    expect(item.locator(".rejection-reason")).to_contain_text(reason)
    upload(client, "degree_diploma", [("diploma whole.jpg", "image/jpeg", sample_files.jpeg((1600, 1200)))])
    expect(item.locator(".rejection-reason")).to_have_count(0)
    with db.read() as s:
        mail = s.exec(select(OutboxMessage).where(OutboxMessage.template == "document_rejected",
                                                  OutboxMessage.to_address == "wei@demo.example")).one()
    assert reason in mail.body_text

    newest = versions_of("degree_diploma")[-1][0]
    page.reload()
    page.locator(f"#version-{newest} .accept-version").click()
    expect(page.locator(f"#version-{newest} .status-accepted")).to_be_visible()
    assert [s for _v, s in versions_of("degree_diploma")] == ["accepted", "rejected", "accepted"]

    page.screenshot(path=str(ARTIFACTS / "review.png"), full_page=True)
    page.locator(f"#version-{newest} .get-links").click()
    href = page.locator("#link-download").get_attribute("href")
    assert href.startswith(f"/api/files/{newest}?t=")
    response = page.request.get(href)
    assert response.status == 200 and response.body().startswith(b"\xff\xd8\xff")
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"

    other = phone(browser, server)
    sign_in(other, "maria@demo.example")
    other.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    refused = other.request.get(href)
    assert refused.status == 403 and b"\xff\xd8\xff" not in refused.body()
    client.context.close()
    other.context.close()


def test_client_home_lists_what_is_needed_and_rejections(page):
    sign_in(page, "maria@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    needed = page.locator("#documents-needed")
    expect(needed).to_contain_text("Birth certificate")
    expect(needed).to_contain_text("long-form birth certificate")
    expect(needed).to_contain_text("Divorce decrees")  # added by her intake answers


def test_a_refused_file_says_why_and_stores_nothing(browser, server):
    client = phone(browser, server)
    h1b = matter_id(H1B)
    sign_in(client, "wei@demo.example", start=f"/login?next=/matters/{h1b}/documents")
    client.wait_for_url(re.compile(rf"^[^?]*/matters/{h1b}/documents/?$"))
    before = versions_of("resume")
    item = client.locator(f"#item-{request_id('resume')}")
    item.locator(".open-item").click()
    item.locator("input[type=file]").set_input_files(
        [{"name": "cv.pdf", "mimeType": "application/pdf", "buffer": sample_files.pdf(1, password="secret")}])
    item.locator("#send-files").click()
    expect(item.locator(".upload-file .file-failed")).to_contain_text("protected with a password")
    assert versions_of("resume") == before
    client.context.close()
