"""Secure messages and support requests in a real browser. Wei asks a question with a file from his
phone; the paralegal sees it on the dashboard and in the inbox on a desktop, downloads the file,
files it to a checklist item and answers; Wei reads the answer. A signed-out visitor asks for help
from the sign-in page; the admin routed that topic with a two-hour SLA; with the clock pinned past
it, the overdue job opens a task the paralegal finds and closes by answering. Screenshots go to
test-artifacts/conversations/ (the kept ones are in docs/screenshots/conversations/)."""
from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlmodel import select

from models import OutboxMessage, SupportRequest
from portal_app.services.kernel import db
from portal_app.services.support import requests as support
from tests import sample_files
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import ROOT
from tests.e2e.helpers import matter_id, sign_in

H1B = "MTR-2026-0002"
SHOTS = ROOT / "test-artifacts" / "conversations"
QUESTION = "My new passport arrived. Do you need the old one too?"


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _phone(browser, server):
    chromium, devices = browser
    device = {k: v for k, v in devices["iPhone 13"].items() if k != "default_browser_type"}
    context = chromium.new_context(**device, base_url=server.url)
    context.set_default_timeout(30_000)
    return context, context.new_page()


def _desktop(page):
    page.set_viewport_size({"width": 1280, "height": 800})
    return page


def test_a_client_asks_with_a_file_on_a_phone_and_the_paralegal_answers_on_a_desktop(browser, server, page):
    context, wei = _phone(browser, server)
    h1b = matter_id(H1B)
    sign_in(wei, "wei@demo.example")
    wei.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    wei.locator("#client-messages .matter-messages").first.click()
    wei.wait_for_url(re.compile(rf"^[^?]*/matters/{h1b}/messages/?$"))
    expect(wei.get_by_text("No messages yet")).to_be_visible()
    wei.locator("#send-message").click()  # nothing written, nothing attached
    expect(wei.locator("#form-error")).to_contain_text("Write a message or attach a file")
    wei.locator("#message-files input[type=file]").set_input_files(
        [{"name": "new passport.pdf", "mimeType": "application/pdf", "buffer": sample_files.pdf(1)}])
    expect(wei.locator(".pending-file", has_text="new passport.pdf")).to_be_visible(timeout=30_000)
    wei.locator("#message-files input[type=file]").set_input_files(
        [{"name": "notes.pdf", "mimeType": "application/pdf", "buffer": sample_files.zip_file()}])
    expect(wei.locator(".file-failed")).to_contain_text("notes.pdf")  # a ZIP named .pdf: refused, not kept
    expect(wei.locator(".pending-file")).to_have_count(1)
    wei.locator("#message-body").fill(QUESTION)
    wei.locator("#send-message").click()
    expect(wei.locator("#form-notice")).to_contain_text("Message sent")
    bubble = wei.locator(".message", has_text=QUESTION)
    expect(bubble).to_be_visible()
    expect(bubble.locator(".attachment-name")).to_have_text("new passport.pdf")
    expect(wei.locator(".pending-file")).to_have_count(0)
    assert_accessible(wei, "client thread (phone)")
    _shot(wei, "client-thread-phone")

    staff = _desktop(page)
    sign_in(staff, "paralegal@demo.example")
    staff.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    expect(staff.locator("#staff-unread")).to_contain_text("1 unread")
    expect(staff.locator("#staff-needs-reply")).to_contain_text("1 need a reply")
    staff.get_by_role("link", name="Messages", exact=True).first.click()
    staff.wait_for_url(re.compile(r"^[^?]*/staff/messages/?$"))
    row = staff.locator(".inbox-row", has_text=H1B)
    expect(row).to_contain_text("Needs a reply")
    staff.mouse.move(640, 780)  # off the header link just clicked: axe reads what is on screen
    assert_accessible(staff, "staff inbox")
    _shot(staff, "staff-inbox-desktop")
    row.get_by_role("link", name=H1B).click()
    staff.wait_for_url(re.compile(rf"^[^?]*/matters/{h1b}/messages/?$"))
    question = staff.locator(".message", has_text=QUESTION)
    expect(question).to_be_visible()
    expect(staff.locator("#needs-reply")).to_have_attribute("data-state", "checked")
    question.locator(".get-link").click()
    expect(staff.locator("#attachment-download")).to_have_attribute("href", re.compile(r"^/api/files/"))
    question.locator(".file-to-item").select_option(label="Passport bio page")
    question.locator(".file-button").click()
    expect(staff.locator("#form-notice")).to_contain_text("Filed to the checklist item")
    expect(question.locator(".filed-to")).to_contain_text("Passport")
    staff.locator("#message-body").fill("Thank you Wei. Only the new one; we filed it on your checklist.")
    staff.locator("#send-message").click()
    expect(staff.locator("#form-notice")).to_contain_text("Message sent")
    expect(staff.locator("#needs-reply")).to_have_attribute("data-state", "unchecked")
    assert_accessible(staff, "staff thread")
    _shot(staff, "staff-thread-desktop")
    staff.set_viewport_size({"width": 390, "height": 844})
    _shot(staff, "staff-thread-phone")
    staff.goto("/staff/messages")
    expect(staff.locator("#inbox-views")).to_be_visible()
    _shot(staff, "staff-inbox-phone")

    wei.goto("/client")
    expect(wei.locator("#client-messages .unread-count")).to_contain_text("1 new")
    _shot(wei, "client-home-phone")
    wei.locator("#client-messages .matter-messages").first.click()
    expect(wei.locator(".message", has_text="Only the new one")).to_be_visible()
    expect(wei.locator(".filed-to")).to_be_visible()
    wei.set_viewport_size({"width": 1280, "height": 800})
    _shot(wei, "client-thread-desktop")
    with db.read() as s:
        mail = [m.body_text for m in s.exec(select(OutboxMessage).where(OutboxMessage.template == "message_new"))]
    assert all(QUESTION not in body and "Only the new one" not in body for body in mail)
    context.close()


def test_a_signed_out_request_passes_its_sla_and_the_task_appears(browser, server, page):
    admin = _desktop(page)
    sign_in(admin, "admin@demo.example")
    admin.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    admin.goto("/admin/support")
    row = admin.locator("#topic-sign_in")
    row.locator("select[name=assignee]").select_option(label="Paolo Mendes")
    row.locator("input[name=hours]").fill("2")
    row.get_by_role("button", name="Save").click()
    expect(admin.locator("#form-notice")).to_contain_text("Support settings saved")
    assert_accessible(admin, "support settings")
    _shot(admin, "support-settings-desktop")
    admin.context.clear_cookies()

    context, visitor = _phone(browser, server)
    visitor.goto("/login")
    expect(visitor.locator("#need-help")).to_be_visible()
    _shot(visitor, "login-phone")
    visitor.locator("#need-help").click()
    visitor.wait_for_url(re.compile(r"^[^?]*/help/?$"))
    # The address changes at once, the page a moment later: until then #email is the sign-in form's
    # (what was typed there vanished with it). A person starts on the help form they see.
    expect(visitor.locator("#support-send")).to_be_visible()
    visitor.fill("#email", "someone-new@example.com")
    visitor.select_option("#topic", "sign_in")
    visitor.fill("#body", "My invitation link says it expired.")
    visitor.locator("#support-send").click()
    notice = visitor.locator("#form-notice")
    expect(notice).to_contain_text("is received")
    reference = re.search(r"SR-[A-Z0-9]{6}", notice.inner_text()).group(0)
    assert_accessible(visitor, "help (signed out)")
    _shot(visitor, "help-signed-out-phone")
    context.close()

    with db.read() as s:
        request = s.exec(select(SupportRequest).where(SupportRequest.reference == reference)).one()
    assert request.due_at == request.created_at + timedelta(hours=2)
    # the clock pinned just past the SLA: the overdue job as the loop runs it
    assert support.open_overdue(request.due_at - timedelta(seconds=1)) == {"overdue": 0}
    assert support.open_overdue(request.due_at + timedelta(seconds=1)) == {"overdue": 1}

    staff = page
    sign_in(staff, "paralegal@demo.example")
    staff.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    staff.goto("/tasks")
    task = staff.locator(".task-row", has_text=reference)
    expect(task).to_contain_text("past its SLA")
    task.get_by_role("link", name="Support requests").click()
    staff.wait_for_url(re.compile(r"^[^?]*/staff/support/?$"))
    card = staff.locator(".staff-support-request", has_text=reference)
    expect(card.locator(".support-overdue")).to_be_visible()
    _shot(staff, "staff-support-desktop")
    staff.set_viewport_size({"width": 390, "height": 844})  # the answer is given on a phone, too
    _shot(staff, "staff-support-phone")
    card.locator(".answer-text textarea").fill("I sent you a fresh invitation; it is valid for 7 days.")
    card.locator(".answer-send").click()
    expect(staff.locator("#form-notice")).to_contain_text("Answer sent")
    staff.goto("/tasks")
    expect(staff.locator(".task-row", has_text=reference)).to_have_count(0)


def test_a_client_asks_for_help_from_any_page_and_follows_its_status(browser, server):
    context, amara = _phone(browser, server)
    sign_in(amara, "amara@demo.example")
    amara.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    amara.get_by_role("link", name="I need help").click()
    amara.wait_for_url(re.compile(r"^[^?]*/support/?$"))
    amara.locator("#support-send").click()  # the browser asks for a topic first: nothing is sent
    expect(amara.locator(".support-request")).to_have_count(0)
    amara.select_option("#topic", "paying")
    amara.fill("#body", "The card form does not appear on my phone.")
    amara.locator("#support-file input[type=file]").set_input_files(
        [{"name": "IMG_0101.PNG", "mimeType": "image/png", "buffer": sample_files.png()}])
    expect(amara.locator("#held-file")).to_have_text("IMG_0101.PNG", timeout=30_000)
    amara.locator("#support-send").click()
    expect(amara.locator("#form-notice")).to_contain_text("you will have an answer here by")
    expect(amara.locator(".support-request .support-status")).to_have_text("Waiting for an answer")
    expect(amara.locator(".support-request")).to_contain_text("IMG_0101.PNG")
    assert_accessible(amara, "client support (phone)")
    _shot(amara, "client-support-phone")
    context.close()
