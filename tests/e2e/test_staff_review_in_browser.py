"""The staff review page as a person uses it, on a desktop and a phone: the links to files are clicked
(not fetched) and give the file; what a press says back stands next to what was pressed, inside
the viewport; a checklist item is removed only after the dialog asks; dashboard bars are as long as
their value."""
from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

from playwright.sync_api import expect
from sqlmodel import select

from models import Document, DocumentRequest, DocumentVersion, Invoice, Matter
from portal_app.services.kernel import db
from tests.e2e.accessibility import assert_accessible
from tests.e2e.helpers import matter_id, sign_in

I130 = "MTR-2026-0001"
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots" / "staff"  # copies kept in docs/screenshots/staff/
DESKTOP = {"width": 1280, "height": 800}


def pending_version(reference: str, key: str) -> str:
    with db.read() as s:
        return str(s.exec(select(DocumentVersion.id).join(Document, Document.id == DocumentVersion.document_id)
                          .join(DocumentRequest, DocumentRequest.id == Document.request_id)
                          .join(Matter, Matter.id == DocumentRequest.matter_id)
                          .where(Matter.reference == reference, DocumentRequest.key == key,
                                 DocumentVersion.review_status == "pending")).first())


def in_viewport(page, locator) -> bool:
    """The element's box lies inside what the screen shows now (no scrolling by the test)."""
    box = locator.bounding_box()
    view = page.viewport_size
    return bool(box) and box["y"] >= 0 and box["y"] + box["height"] <= view["height"] and box["x"] >= 0 \
        and box["x"] + box["width"] <= view["width"] + 1


def settles_in_viewport(page, locator, seconds: float = 3.0) -> bool:
    """In view once it has finished sliding in (a toast animates from the edge)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if in_viewport(page, locator):
            return True
        time.sleep(0.1)
    return False


def staff_page(browser, server, *, phone: bool = False):
    chromium, devices = browser
    options = {k: v for k, v in devices["iPhone 13"].items() if k != "default_browser_type"} if phone \
        else {"viewport": DESKTOP}
    context = chromium.new_context(base_url=server.url, accept_downloads=True, **options)
    context.set_default_timeout(20_000)
    return context.new_page()


def open_review(page, reference: str) -> None:
    mid = matter_id(reference)
    sign_in(page, "paralegal@demo.example", start=f"/login?next=/matters/{mid}/checklist")
    page.wait_for_url(re.compile(rf"^[^?]*/matters/{mid}/checklist/?$"))
    expect(page.locator(".review-item").first).to_be_visible()


def test_file_links_on_the_review_page_give_the_file_and_stand_by_the_version(browser, server):
    page = staff_page(browser, server)
    open_review(page, I130)
    version = page.locator(f"#version-{pending_version(I130, 'marriage_certificate')}")
    version.scroll_into_view_if_needed()
    version.locator(".get-links").click()
    links = version.locator(".file-links")
    expect(links).to_be_visible()
    assert in_viewport(page, links), "the links box must appear next to the Open / download button"

    with page.expect_download() as got:
        links.locator("#link-download").click()
    download = got.value
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")
    expect(page.get_by_text("Page not found")).to_have_count(0)

    files: list = []
    page.context.on("response", lambda r: files.append(r) if "/api/files/" in r.url else None)
    with page.context.expect_page() as opened:
        links.locator("#link-view").click()
    tab = opened.value
    tab.wait_for_load_state()
    assert files and files[-1].status == 200 and files[-1].headers["content-type"] == "application/pdf"
    assert "inline" in files[-1].headers["content-disposition"]
    assert "Page not found" not in (tab.content() or "")
    tab.close()
    page.context.close()


def test_reject_without_a_reason_says_so_next_to_the_button(browser, server):
    for phone in (False, True):
        page = staff_page(browser, server, phone=phone)
        open_review(page, I130)
        version = page.locator(f"#version-{pending_version(I130, 'marriage_certificate')}")
        version.locator(".reject-version").scroll_into_view_if_needed()
        version.locator(".reject-version").click()
        error = version.locator("#form-error")
        expect(error).to_contain_text("Please tell the client why")
        assert settles_in_viewport(page, error), "the message must be in view, beside Reject"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"review-reject-message-{'phone' if phone else 'desktop'}.png"))
        assert_accessible(page, "review page")
        page.context.close()


def test_remove_asks_first_and_cancel_keeps_the_item(browser, server):
    page = staff_page(browser, server)
    open_review(page, I130)
    title = f"Utility bill at the shared address {uuid.uuid4().hex[:6]}"
    page.locator("input[name=title]").fill(title)
    page.locator("textarea[name=why]").fill("To show that you live together.")
    page.locator("#add-item").click()
    item = page.locator(".review-item", has_text=title)
    expect(item).to_be_visible()
    count = page.locator(".review-item").count()
    item.locator(".remove-item").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Remove this item from the checklist?")
    assert in_viewport(page, dialog)
    dialog.locator(".confirm-cancel").click()
    expect(dialog).to_have_count(0)
    expect(page.locator(".review-item")).to_have_count(count)

    item.locator(".remove-item").click()
    page.get_by_role("alertdialog").locator(".confirm-action").click()
    expect(page.locator(".review-item")).to_have_count(count - 1)
    toast = page.get_by_text("Removed from this matter's checklist.")
    expect(toast).to_be_visible()
    assert settles_in_viewport(page, toast)
    with db.read() as s:
        removed = s.exec(select(DocumentRequest.removed_at).where(DocumentRequest.title == title)).one()
    assert removed is not None
    page.context.close()


def test_dashboard_bars_are_as_long_as_their_value(browser, server):
    page = staff_page(browser, server)
    sign_in(page, "attorney@demo.example", start="/login?next=/staff/checklists")
    page.wait_for_url(re.compile(r"^[^?]*/staff/checklists/?$"))
    rows = page.locator(".dashboard-row")
    expect(rows.first).to_be_visible()
    seen = []
    for i in range(rows.count()):
        row = rows.nth(i)
        percent = int(row.locator(".progress-bar").get_attribute("aria-valuenow"))
        outer = row.locator(".progress-bar").bounding_box()["width"]
        inner = row.locator(".bar-fill").bounding_box()["width"]
        assert abs(inner - outer * percent / 100) <= 1.5, (percent, inner, outer)
        seen.append(percent)
    assert any(p < 50 for p in seen), seen  # a short bar was on the page: the check could have failed
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "checklist-dashboard-desktop.png"))
    page.context.close()


def test_invoice_pdf_downloads_when_clicked(browser, server):
    page = staff_page(browser, server)
    with db.read() as s:
        invoice = s.exec(select(Invoice).where(Invoice.pdf_version_id.is_not(None))).first()
    assert invoice is not None, "the demo data has an invoice with its PDF"
    sign_in(page, "billing@demo.example", start=f"/login?next=/billing/invoices/{invoice.id}")
    page.wait_for_url(re.compile(rf"^[^?]*/billing/invoices/{uuid.UUID(str(invoice.id))}/?$"))
    with page.expect_download() as got:
        page.locator("#invoice-pdf").click()
    assert Path(got.value.path()).read_bytes().startswith(b"%PDF-")
    page.context.close()


def test_sending_an_invoice_says_to_whom_and_a_bad_amount_is_refused_beside_the_form(browser, server):
    page = staff_page(browser, server, phone=True)
    with db.read() as s:
        draft = s.exec(select(Invoice).where(Invoice.title == "USCIS filing fee for the N-400")).one()
    sign_in(page, "billing@demo.example", start=f"/login?next=/billing/invoices/{draft.id}")
    page.wait_for_url(re.compile(rf"^[^?]*/billing/invoices/{draft.id}/?$"))
    page.locator("#send").click()
    notice = page.locator("#form-notice")
    expect(notice).to_contain_text("went by email to Amara Okafor (amara@demo.example)")
    assert settles_in_viewport(page, notice)
    form = page.locator("#record-form")
    form.locator("input[name=amount]").fill("twelve")
    form.locator("input[name=reference]").fill("CHK 5521")
    form.get_by_role("button").click()
    error = page.locator("#form-error")
    expect(error).to_be_visible()
    assert settles_in_viewport(page, error), "the refusal stands by the form that was sent"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "invoice-record-error-phone.png"))
    page.context.close()
