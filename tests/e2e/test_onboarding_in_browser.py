"""Onboarding on a phone (issue 12 item 6): the first visit to home shows the next steps read from the
case, one taps a step, then hides the card, which stays hidden; the quick-start guide shows its
pictures with their alt text and stops the getting-started mails. axe on each page.

With PORTAL_QUICK_START_PICTURES=<folder> (`make quick-start-pictures`), the first test instead
takes the guide's pictures from the real pages, in every language, into that folder."""
from __future__ import annotations

import io
import uuid
import os
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlmodel import select

from models import Invoice, Matter, Onboarding, User, utcnow
from portal_app.services.kernel import db, i18n
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import ROOT
from tests.e2e.helpers import matter_id, sign_in
from tests.e2e.test_client_pages_in_browser import _send_invoice

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 1, "is_mobile": True, "has_touch": True}
WEI, H1B = "wei@demo.example", "MTR-2026-0002"
AMARA, N400 = "amara@demo.example", "MTR-2026-0003"
PICTURES = os.environ.get("PORTAL_QUICK_START_PICTURES", "")
SHOTS = ROOT / "test-artifacts" / "onboarding"


def _open_invoice(reference: str) -> str:
    with db.read() as s:
        found = s.exec(select(Invoice.id).join(Matter, Matter.id == Invoice.matter_id)
                       .where(Matter.reference == reference, Invoice.status.in_(["sent", "partially_paid"]))).first()
    return str(found) if found else _send_invoice(reference, 150_000, "Retainer")


def _set_locale(email: str, locale: str) -> None:
    with db.write() as s:
        s.exec(select(User).where(User.email == email)).one().locale = locale


def _settled(page) -> None:
    page.wait_for_load_state("networkidle")
    expect(page.locator(".rt-Spinner")).to_have_count(0)


def _webp(page, path: Path) -> None:
    """The viewport as a small WebP (phone size, one CSS pixel a pixel)."""
    png = page.screenshot(full_page=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.open(io.BytesIO(png)).convert("RGB").save(path, "WEBP", quality=62, method=6)


@pytest.mark.skipif(not PICTURES, reason="makes the guide's pictures: PORTAL_QUICK_START_PICTURES=<folder>")
def test_take_the_quick_start_pictures_from_the_real_pages(browser, server):
    chromium, _devices = browser
    invoice = _open_invoice(H1B)
    for locale in i18n.available_locales():
        _set_locale(WEI, locale)
        context = chromium.new_context(base_url=server.url, **PHONE)
        page = context.new_page()
        sign_in(page, WEI, start="/login?next=/client")
        page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
        expect(page.locator("#next-steps")).to_be_visible()
        expect(page.locator("#my-matters")).to_be_visible()
        expect(page.locator("#intake-todo")).to_be_visible()
        _settled(page)
        page.wait_for_timeout(1500)  # the home's sections load one by one: the picture shows them all
        folder = Path(PICTURES) / locale
        _webp(page, folder / "home.webp")
        page.goto(f"/matters/{matter_id(H1B)}/documents")
        expect(page.get_by_role("button", name=i18n.t("documents.open_item", locale)).first).to_be_visible()
        _settled(page)
        _webp(page, folder / "documents.webp")
        page.goto(f"/pay/{invoice}")
        expect(page.get_by_text(H1B).first).to_be_visible()
        _settled(page)
        _webp(page, folder / "pay.webp")
        context.close()
    _set_locale(WEI, "en")
    for picture in Path(PICTURES).rglob("*.webp"):
        assert picture.stat().st_size < 100_000, f"{picture} is {picture.stat().st_size} bytes"


def _phone(browser, server):
    chromium, _devices = browser
    context = chromium.new_context(base_url=server.url, **PHONE)
    context.set_default_timeout(20_000)
    return context, context.new_page()


def test_first_visit_shows_the_next_steps_and_hiding_them_is_remembered(browser, server):
    invoice = _open_invoice(N400)
    with db.read() as s:
        number = s.get(Invoice, uuid.UUID(invoice)).number
    context, page = _phone(browser, server)
    sign_in(page, AMARA, start="/login?next=/client")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    card = page.locator("#next-steps")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Your next steps")
    expect(card.locator("a.next-step", has_text=f"Pay invoice {number}")).to_be_visible()
    upload = card.locator("a.next-step", has_text="Send your first document")
    expect(upload).to_be_visible()
    _settled(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "home-next-steps-phone.png"))
    assert_accessible(page, "client home with the next steps")
    upload.click()
    page.wait_for_url(re.compile(r"^[^?]*/matters/[0-9a-f-]+/documents/?$"))
    page.go_back()
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    hide = page.locator("#dismiss-next-steps")
    hide.click()
    expect(page.locator("#next-steps")).to_have_count(0)
    expect(page.locator("#form-notice")).to_contain_text("Hidden")
    page.reload()
    expect(page.locator("#my-matters")).to_be_visible()
    _settled(page)
    expect(page.locator("#next-steps")).to_have_count(0)
    with db.read() as s:
        user = s.exec(select(User).where(User.email == AMARA)).one()
        assert s.get(Onboarding, user.id).next_steps_dismissed_at is not None
    context.close()


def test_the_quick_start_guide_on_a_phone_shows_its_pictures_and_stops_the_mails(browser, server):
    with db.write() as s:
        user = s.exec(select(User).where(User.email == AMARA)).one()
        row = s.get(Onboarding, user.id) or Onboarding(user_id=user.id)  # Amara, as if just invited
        row.status, row.started_at, row.stop_reason = "running", utcnow(), ""
        s.add(row)
    context, page = _phone(browser, server)
    sign_in(page, AMARA, start="/login?next=/client")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    link = page.locator("#quick-start-link")
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_url(re.compile(r"^[^?]*/help/quick-start/?$"))
    expect(page.get_by_role("heading", name="How to upload from your phone")).to_be_visible()
    expect(page.get_by_role("heading", name="How to pay")).to_be_visible()
    pictures = page.locator("img.quick-start-picture")
    expect(pictures).to_have_count(3)
    for i in range(3):
        picture = pictures.nth(i)
        picture.scroll_into_view_if_needed()
        expect(picture).to_have_attribute("alt", re.compile(r"\w{4,}"))
        page.wait_for_function("img => img.complete && img.naturalWidth > 300", arg=picture.element_handle())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll on the phone
    _settled(page)
    page.screenshot(path=str(SHOTS / "quick-start-phone.png"), full_page=True)
    assert_accessible(page, "quick-start guide")
    stop = page.locator("#stop-onboarding-mails")
    stop.scroll_into_view_if_needed()
    stop.click()
    expect(page.locator("#form-notice")).to_contain_text("getting-started e-mails are stopped")
    expect(stop).to_have_count(0)
    with db.read() as s:
        row = s.get(Onboarding, user.id)
        assert (row.status, row.stop_reason) == ("stopped", "by_client")
    context.close()


def test_the_attorney_stops_a_clients_getting_started_mails_from_the_matter_page_on_a_desktop(browser, server):
    with db.write() as s:
        user = s.exec(select(User).where(User.email == WEI)).one()
        row = s.get(Onboarding, user.id) or Onboarding(user_id=user.id)  # Wei, as if just invited
        row.status, row.started_at, row.stop_reason = "running", utcnow(), ""
        s.add(row)
    chromium, _devices = browser
    context = chromium.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, "attorney@demo.example", start=f"/login?next=/matters/{matter_id(H1B)}")
    page.wait_for_url(re.compile(r"^[^?]*/matters/[0-9a-f-]+/?$"))
    section = page.locator("#matter-onboarding")
    section.scroll_into_view_if_needed()
    expect(section.locator("#onboarding-status")).to_contain_text("Running")
    _settled(page)
    section.screenshot(path=str(SHOTS / "matter-onboarding-desktop.png"))
    assert_accessible(page, "matter page with the getting-started mails")
    section.locator("#stop-client-onboarding").click()
    expect(section.locator("#form-notice")).to_contain_text("getting-started e-mails are stopped")
    expect(section.locator("#onboarding-status")).to_contain_text("Stopped (by staff)")
    expect(section.locator("#stop-client-onboarding")).to_have_count(0)
    with db.read() as s:
        assert (s.get(Onboarding, user.id).stop_reason) == "by_staff"
    context.close()
    client_context = chromium.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    client_page = client_context.new_page()
    sign_in(client_page, WEI, start="/login?next=/help/quick-start")
    client_page.wait_for_url(re.compile(r"^[^?]*/help/quick-start/?$"))
    expect(client_page.locator("img.quick-start-picture")).to_have_count(3)
    expect(client_page.locator("#stop-onboarding-mails")).to_have_count(0)  # stopped by staff: nothing to stop
    _settled(client_page)
    client_page.screenshot(path=str(SHOTS / "quick-start-desktop.png"), full_page=True)
    assert_accessible(client_page, "quick-start guide on a desktop")
    client_context.close()
