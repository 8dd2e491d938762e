"""The intake form saves as the client types and survives a reload; staff read the answers; the
checklist dashboard filters; a template edit makes a new version."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from models import DocumentRequest, User
from portal_app.services.documents import dashboard
from portal_app.services.kernel import db
from portal_app.services.kernel.actor import Actor
from tests.e2e.helpers import matter_id, sign_in


def test_intake_autosaves_and_staff_read_the_answers(page, browser, server):
    n400 = matter_id("MTR-2026-0003")
    sign_in(page, "amara@demo.example", start=f"/login?next=/matters/{n400}/intake")
    page.wait_for_url(re.compile(rf"^[^?]*/matters/{n400}/intake/?$"))
    page.locator("#q-full_name input").fill("Amara Chidinma Okafor")
    expect(page.locator("#draft-saved")).to_be_visible()
    page.locator("#q-married").get_by_role("radio", name="yes").click()
    page.locator("#submit-intake").click()
    expect(page.locator("#form-error")).to_contain_text("required answers are still missing")
    page.reload()
    expect(page.locator("#q-full_name input")).to_have_value("Amara Chidinma Okafor")
    chromium, _ = browser
    staff = chromium.new_context(base_url=server.url).new_page()
    sign_in(staff, "attorney@demo.example", start=f"/login?next=/matters/{n400}/intake")
    staff.wait_for_url(re.compile(rf"^[^?]*/matters/{n400}/intake/?$"))
    expect(staff.locator("#q-full_name input")).to_have_value("Amara Chidinma Okafor")
    staff.context.close()


def _attorney() -> Actor:
    with db.read() as s:
        user = s.exec(select(User).where(User.email == "attorney@demo.example")).one()
    return Actor(user_id=user.id, role=user.role, email=user.email, full_name=user.full_name)


def test_checklist_dashboard_filters_by_case_type(page):
    sign_in(page, "attorney@demo.example", start="/login?next=/staff/checklists")
    page.wait_for_url(re.compile(r"^[^?]*/staff/checklists/?$"))
    rows = page.locator(".dashboard-row")
    # as many rows as the attorney has matters now (other browser tests may have opened one before this)
    expect(rows).to_have_count(len(dashboard.rows(_attorney())))
    assert len(dashboard.rows(_attorney())) >= 3
    page.select_option("#filter-case_type", "N400")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("MTR-2026-0003")
    page.select_option("#filter-case_type", "")
    page.select_option("#filter-status", "needs_review")
    expect(rows.first).to_contain_text("MTR-2026-000")
    rows.first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"^[^?]*/matters/[0-9a-f-]+/checklist/?$"))
    expect(page.locator(".review-item").first).to_be_visible()


def test_template_edit_makes_a_new_version(page):
    sign_in(page, "attorney@demo.example", start="/login?next=/staff/templates")
    page.wait_for_url(re.compile(r"^[^?]*/staff/templates/?$"))
    page.select_option("#template-case-type", "DACA")
    row = page.locator(".template-item", has_text="Government-issued photo ID")
    row.get_by_role("button", name="Edit").click()
    page.locator("input[name=title]").fill("Government-issued photo ID (front and back)")
    page.locator("#save-item").click()
    expect(page.locator("#form-notice")).to_contain_text("Saved as version 2")
    expect(page.locator(".template-item", has_text="Government-issued photo ID (front and back)")).to_be_visible()


def test_an_item_asked_for_on_one_matter_reaches_its_client(page, browser, server):
    n400 = matter_id("MTR-2026-0003")
    sign_in(page, "attorney@demo.example", start=f"/login?next=/matters/{n400}/checklist")
    page.wait_for_url(re.compile(rf"^[^?]*/matters/{n400}/checklist/?$"))
    page.locator("input[name=title]").press_sequentially("Marriage certificate (certified copy)", delay=40)
    page.locator("textarea[name=why]").press_sequentially("To show the marriage is legally recognised.", delay=30)
    page.get_by_role("checkbox", name="JPEG").click()
    page.locator("#add-item").click()
    expect(page.locator("#form-notice")).to_contain_text("Added to this matter's checklist.")
    expect(page.locator(".review-item", has_text="Marriage certificate (certified copy)")).to_be_visible()
    expect(page.locator("input[name=title]")).to_have_value("")  # the form is ready for the next one

    chromium, _ = browser
    client = chromium.new_context(base_url=server.url).new_page()
    sign_in(client, "amara@demo.example", start=f"/login?next=/matters/{n400}/documents")
    client.wait_for_url(re.compile(rf"^[^?]*/matters/{n400}/documents/?$"))
    item = client.locator(".request-item", has_text="Marriage certificate (certified copy)")
    expect(item).to_be_visible()
    item.locator(".open-item").click()
    expect(item).to_contain_text("To show the marriage is legally recognised.")
    expect(item).to_contain_text("PDF, JPEG")
    client.context.close()
    with db.read() as s:
        asked = s.exec(select(DocumentRequest.matter_id, DocumentRequest.accepted_types)
                       .where(DocumentRequest.title == "Marriage certificate (certified copy)")).all()
    assert [(str(m), list(types)) for m, types in asked] == [(n400, ["pdf", "jpeg"])]
