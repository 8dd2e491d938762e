"""Engagement letters in a real browser. Wei opens the letter from his home on a phone, reads it
(the SHA-256 under it is the hash of exactly the text on the screen), is told what is missing when he
signs without consent or with another name, signs with his name typed as a person types, downloads the
signed PDF and finds the same hash on its signature page. A second tab still showing the form is told
the letter is already signed, and nothing changes. Staff see the letter and edit the templates on a
desktop. A USCIS form is not e-signed: Amara reads how to print, sign in ink and upload it, and sees
the attorney's "firm holds the original" mark. axe on every page; screenshots to test-artifacts/engagement/."""
from __future__ import annotations

import hashlib
import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader
from sqlmodel import func, select

from models import Client, EngagementLetter, Matter, OutboxMessage, User
from portal_app.services.documents import review
from portal_app.services.kernel import db
from portal_app.services.kernel.actor import Actor
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import ROOT
from tests.e2e.helpers import matter_id, sign_in

H1B = "MTR-2026-0002"
SHOTS = ROOT / "test-artifacts" / "engagement"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _phone(browser, server):
    chromium, devices = browser
    device = {k: v for k, v in devices["iPhone 13"].items() if k != "default_browser_type"}
    context = chromium.new_context(**device, base_url=server.url, accept_downloads=True)
    context.set_default_timeout(30_000)
    return context, context.new_page()


def _signatures() -> int:
    with db.read() as s:
        return s.exec(select(func.count()).select_from(EngagementLetter)).one()


def test_a_client_signs_the_engagement_letter_on_a_phone_and_the_pdf_holds_the_hash_shown(browser, server, page):
    context, wei = _phone(browser, server)
    h1b = matter_id(H1B)
    sign_in(wei, "wei@demo.example")
    wei.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    todo = wei.locator("#engagement-todo .engagement-todo", has_text=H1B)
    expect(todo).to_be_visible()
    todo.click()
    wei.wait_for_url(re.compile(rf"^[^?]*/matters/{h1b}/engagement/?$"))
    expect(wei.locator("#letter-text")).to_contain_text("Wei Zhang")
    shown_text = wei.locator("#letter-text").evaluate("el => el.textContent")
    shown_hash = wei.locator("#letter-hash").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", shown_hash)
    assert hashlib.sha256(shown_text.encode("utf-8")).hexdigest() == shown_hash  # the hash of what is on screen
    expect(wei.locator("#esign-disclosure")).to_contain_text("paper copy")
    assert_accessible(wei, "engagement letter (phone)")
    _shot(wei, "client-letter-phone")

    second_tab = context.new_page()  # the same letter open in another tab, not yet signed
    second_tab.goto(f"/matters/{h1b}/engagement")
    expect(second_tab.locator("#sign-letter")).to_be_enabled()

    wei.locator("#sign-letter").click()  # no consent, no name
    expect(wei.locator("#form-error")).to_contain_text("tick the box")
    wei.locator("#consent").check()
    wei.locator("#typed_name").press_sequentially("Wei", delay=60)
    wei.locator("#sign-letter").click()
    expect(wei.locator("#form-error")).to_contain_text("does not match the name on the letter (Wei Zhang)")
    assert _signatures() == 0
    wei.locator("#typed_name").fill("")
    wei.locator("#typed_name").press_sequentially("wei zhang", delay=60)
    wei.locator("#sign-letter").click()
    expect(wei.locator("#form-notice")).to_contain_text("Signed.")
    expect(wei.locator("#signed-by")).to_contain_text("Signed by wei zhang")
    expect(wei.locator("#signed-by")).to_contain_text("127.0.0.1")
    expect(wei.locator("#sign-card")).to_have_count(0)
    assert wei.locator("#letter-hash").inner_text().strip() == shown_hash
    assert_accessible(wei, "signed engagement letter (phone)")
    _shot(wei, "client-signed-phone")

    with wei.expect_download() as download:
        wei.locator("#signed-pdf").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    signature_page = pdf.pages[-1].extract_text()
    assert shown_hash in signature_page.replace("\n", "").replace(" ", "")
    assert "127.0.0.1" in signature_page and "UTC" in signature_page and "wei zhang" in signature_page
    assert "Wei Zhang" in "\n".join(p.extract_text() for p in pdf.pages[:-1])
    with db.read() as s:
        mail = s.exec(select(OutboxMessage).where(OutboxMessage.template == "engagement_signed")).one()
    assert mail.to_address == "wei@demo.example" and f"/matters/{h1b}/engagement" in mail.body_text

    second_tab.locator("#consent").check()
    second_tab.locator("#typed_name").press_sequentially("Wei Zhang", delay=40)
    second_tab.locator("#sign-letter").click()
    expect(second_tab.locator("#form-error")).to_contain_text("already signed (by wei zhang). Nothing was changed.")
    assert _signatures() == 1

    wei.goto("/client")
    expect(wei.get_by_text("Engagement letter to sign")).to_have_count(0)
    wei.goto(f"/matters/{_amaras_matter()}/engagement")  # someone else's matter, typed into the address bar
    expect(wei.locator("#not-allowed")).to_be_visible()
    expect(wei.locator("#letter-text")).to_have_count(0)
    context.close()

    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, "attorney@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    page.goto(f"/matters/{h1b}")
    page.locator("#open-engagement").click()
    page.wait_for_url(re.compile(rf"^[^?]*/matters/{h1b}/engagement/?$"))
    expect(page.locator("#signed-by")).to_contain_text("wei zhang")
    assert page.locator("#letter-hash").inner_text().strip() == shown_hash
    assert_accessible(page, "engagement letter (staff, desktop)")
    _shot(page, "staff-letter-desktop")
    page.goto("/staff/templates")
    page.locator("#engagement-letters-link").click()
    page.wait_for_url(re.compile(r"^[^?]*/staff/engagement-letters/?$"))
    expect(page.locator("#letter-body")).to_contain_text("{client_name}")
    page.locator("#letter-body").fill("Dear {client_nam},")
    page.locator("#save-letter").click()
    expect(page.locator("#form-error")).to_contain_text("client_nam is not a field")
    assert_accessible(page, "engagement templates (desktop)")
    _shot(page, "staff-templates-desktop")


def _amaras_matter() -> str:
    with db.read() as s:
        return str(s.exec(select(Matter.id).join(Client, Client.id == Matter.client_id)
                          .where(Client.email == "amara@demo.example")).first())


def _staff_actor(email: str) -> Actor:
    with db.read() as s:
        user = s.exec(select(User).where(User.email == email)).one()
        return Actor(user_id=user.id, role=user.role, email=user.email, full_name=user.full_name)


def test_a_uscis_form_is_signed_in_ink_and_the_firm_marks_the_original_held(browser, server, page):
    matter = _amaras_matter()
    review.add_item(_staff_actor("attorney@demo.example"), matter, {
        "title": "Form N-400, signed in ink", "why": "USCIS needs your own handwritten signature on the form.",
        "example": "", "accepted_types": ["pdf", "jpeg"], "max_mb": 10, "naming_convention": "",
        "provided_by": "beneficiary", "expires": False, "signing": "wet_ink"})
    context, amara = _phone(browser, server)
    sign_in(amara, "amara@demo.example")
    amara.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    amara.goto(f"/matters/{matter}/documents")
    card = amara.locator(".request-item", has_text="Form N-400, signed in ink")
    expect(card.locator(".wet-ink-steps")).to_contain_text("Print, sign in ink, upload the scan")
    expect(card.locator(".wet-ink-steps")).to_contain_text("Sign it with a pen, in ink")
    expect(card.locator(".original-held")).to_have_count(0)
    card.scroll_into_view_if_needed()
    assert_accessible(amara, "wet-ink item (phone)")
    _shot(amara, "client-wet-ink-phone")

    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, "attorney@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    page.goto(f"/matters/{matter}/checklist")
    item = page.locator(".review-item", has_text="Form N-400, signed in ink")
    item.locator(".original-mark").click()
    expect(page.get_by_text("Marked: the firm holds the signed original.")).to_be_visible()
    assert_accessible(page, "review with a wet-ink item (desktop)")
    _shot(page, "staff-original-held-desktop")

    amara.reload()
    expect(amara.locator(".request-item", has_text="Form N-400, signed in ink").locator(".original-held")).to_have_text(
        "The firm holds the signed original.")
    context.close()
