"""The firm's figures, retention and the whole-file export in a real browser, on a phone and a
desktop: a partner filters the figures and downloads them as CSV; an admin approves a deletion that
the daily job listed and checks its certificate; a client downloads a copy of her own file by
clicking the button; an attorney places and releases a legal hold. Screenshots of each page go to
test-artifacts/ (the small ones are kept in docs/screenshots/records-insights/)."""
from __future__ import annotations

import csv
import io
import re
import uuid
import zipfile
from datetime import datetime, timedelta, timezone

from playwright.sync_api import expect
from sqlmodel import select

from models import Matter, SupportRequest, User
from portal_app.services.kernel import db
from portal_app.services.kernel.actor import Actor
from portal_app.services.matters import records as matters
from portal_app.services.matters.choices import NewClient
from portal_app.services.records import due
from tests.e2e.conftest import ROOT
from tests.e2e.helpers import matter_id, sign_in
from tests.records_fixtures import add_evidence

SHOTS = ROOT / "test-artifacts"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _phone(browser, server):
    chromium, devices = browser
    context = chromium.new_context(base_url=server.url, **devices["iPhone 13"])
    context.set_default_timeout(20_000)
    return context, context.new_page()


def test_a_partner_filters_the_figures_and_downloads_them_as_csv(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "attorney@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    page.click("#account-menu")
    page.get_by_role("link", name="Figures").click()
    page.wait_for_url(re.compile(r"^[^?]*/staff/insights/?$"))
    for key in ("adoption", "completeness", "payment", "support", "filing", "reminders"):
        expect(page.locator(f"#figure-{key} .figure-definition")).to_be_visible()
    with db.read() as s:  # none in the demo; the support browser tests may have sent some before this one
        support_requests = len(s.exec(select(SupportRequest.id)).all())
    support = expect(page.locator("#figure-support"))
    if support_requests:
        support.to_contain_text("Rest of the firm")
    else:
        support.to_contain_text("No data for these filters")
    expect(page.locator(".figure-row-completeness").first).to_be_visible()
    expect(page.locator("#figure-completeness .recharts-bar-rectangle").first).to_be_visible()
    _shot(page, "insights-desktop")
    page.select_option("#case-type", "I130")
    page.click("#apply-filters")
    rows = page.locator(".figure-row-completeness")
    expect(rows.first).to_contain_text("I130")
    expect(page.locator(".figure-row-completeness", has_text="H1B")).to_have_count(0)
    with page.expect_download() as downloaded:
        page.click("#download-csv")
    text = open(downloaded.value.path(), encoding="utf-8").read()
    lines = list(csv.DictReader(io.StringIO(text)))
    assert any(r["figure"] == "completeness" and r["group"].startswith("I130") for r in lines)
    assert not any(r["figure"] == "completeness" and r["group"].startswith("H1B") for r in lines)
    page.fill("#pilot-ref", "mtr-2026-0001")
    page.click("#pilot-save")
    expect(page.locator("#pilot-list")).to_contain_text("MTR-2026-0001")


def test_the_figures_on_a_phone(browser, server):
    context, phone = _phone(browser, server)
    sign_in(phone, "admin@demo.example")
    phone.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    phone.goto("/staff/insights")
    expect(phone.locator("#figure-reminders .figure-definition")).to_be_visible()
    _shot(phone, "insights-phone")
    context.close()


def _closed_matter_with_files() -> tuple[str, str]:
    with db.read() as s:
        admin = s.exec(select(User).where(User.email == "admin@demo.example")).one()
    actor = Actor(user_id=admin.id, role="admin")
    matter_id_ = matters.open_matter(actor, case_type_code="DACA", title="DACA renewal, closed long ago",
                                     new_client=NewClient(full_name="Old Client", email="old.client@example.com"))
    with db.write() as s:
        matter = s.get(Matter, uuid.UUID(matter_id_))
        matter.status, matter.closed_at = "closed", datetime.now(timezone.utc) - timedelta(days=9 * 365)
        reference = matter.reference
    add_evidence(matter, "Prior approval notice", versions=2)
    assert due.list_due(datetime.now(timezone.utc))["listed"] >= 1
    return matter_id_, reference


def test_an_admin_approves_a_listed_deletion_and_checks_its_certificate(page):
    _id, reference = _closed_matter_with_files()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "admin@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    page.click("#account-menu")
    page.get_by_role("link", name="Records and retention").click()
    page.wait_for_url(re.compile(r"^[^?]*/staff/records/?$"))
    waiting = page.locator(".retention-waiting", has_text=reference)
    expect(waiting).to_contain_text("2 files")
    _shot(page, "records-desktop")
    waiting.locator(".approve-deletion").click()
    dialog = page.get_by_role("alertdialog")  # a deletion for good asks first (issue 9, defect 8)
    expect(dialog).to_contain_text("Delete this matter's files for good?")
    dialog.locator(".confirm-action").click()
    expect(page.locator("#form-notice")).to_contain_text("2 files deleted")
    expect(page.locator(".retention-waiting", has_text=reference)).to_have_count(0)
    done = page.locator(".retention-done", has_text=reference)
    done.get_by_role("button", name="Check the certificate").click()
    expect(page.locator("#form-notice")).to_contain_text("Certificate verified")


def test_a_client_downloads_a_copy_of_her_own_file(browser, server):
    context, phone = _phone(browser, server)
    sign_in(phone, "maria@demo.example")
    phone.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    phone.goto(f"/matters/{matter_id('MTR-2026-0001')}")
    button = phone.locator("#export-matter")
    button.scroll_into_view_if_needed()
    expect(button).to_be_visible()
    expect(phone.locator("#place-hold")).to_have_count(0)  # staff tools are not hers
    _shot(phone, "matter-file-phone")
    with phone.expect_download() as downloaded:
        button.click()
    assert downloaded.value.suggested_filename.startswith("MTR-2026-0001_file_")
    names = zipfile.ZipFile(downloaded.value.path()).namelist()
    assert "manifest.sha256" in names and any(n.startswith("documents/") for n in names)
    context.close()


def test_an_attorney_places_and_releases_a_legal_hold(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, "attorney@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    page.goto(f"/matters/{matter_id('MTR-2026-0003')}")
    page.locator("#hold-reason").fill("Possible claim against the firm")
    page.click("#place-hold")
    expect(page.locator("#hold-notice")).to_contain_text("Possible claim against the firm")
    _shot(page, "matter-hold-desktop")
    page.get_by_placeholder("Why the hold ends").fill("The claim was not pursued")
    page.get_by_role("button", name="Release the hold").click()
    expect(page.locator("#place-hold")).to_be_visible()
