"""One-tap task links on a phone (issue 12 item 5): the reminder mail is read from the outbox and its
link clicked; the page it opens uses nothing until the person presses Continue (a scanner's GET and
a scanner's rendered visit leave it as it was); then the upload for that one item, and every other
page asks for a full sign-in: the client's home, the matter's whole checklist, another matter."""
from __future__ import annotations

import re
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from playwright.sync_api import expect
from sqlmodel import select

from models import Client, Document, DocumentRequest, Invoice, Matter, OutboxMessage, TaskLink, User
from portal_app.services.billing.invoices import drafts as invoice_drafts
from portal_app.services.billing.invoices import lifecycle as invoice_lifecycle
from portal_app.services.billing.invoices.drafts import DraftInput, LineInput
from portal_app.services.identity.auth import actor_for
from portal_app.services.kernel import db, localtime
from portal_app.services.reminders import collect as reminders
from portal_app.services.reminders import digests
from tests import sample_files
from tests.e2e.accessibility import assert_accessible
from tests.e2e.helpers import matter_id

H1B = "MTR-2026-0002"  # Wei's H-1B
TITLE = "Passport (renewed) for the task link test"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _reminder_mail_for_a_new_item() -> tuple[str, str, str]:
    """A new checklist item asked three days before a moment in two days, Wei's reminders collected
    and sent at noon his time then; returns (item id, the mail's HTML, the item's task link)."""
    with db.write() as s:
        zone = s.exec(select(User.timezone).where(User.email == "wei@demo.example")).one()
        moment = localtime.local(datetime.now(timezone.utc) + timedelta(days=2), zone).replace(
            hour=12, minute=0, second=0, microsecond=0).astimezone(timezone.utc)
        item = DocumentRequest(matter_id=uuid.UUID(matter_id(H1B)), key="passport_renewed", title=TITLE,
                               accepted_types=["pdf", "jpg"], requested_at=moment - timedelta(days=3),
                               updated_at=moment - timedelta(days=3))
        s.add(item)
        s.flush()
        item_id = str(item.id)
    reminders.collect(moment)
    digests.send_due(moment)
    with db.read() as s:
        mail = s.exec(select(OutboxMessage).where(OutboxMessage.to_address == "wei@demo.example",
                                                  OutboxMessage.template == "reminder_digest")
                      .order_by(OutboxMessage.created_at.desc())).first()
    block = mail.body_text.split(TITLE, 1)[1]
    link = re.search(r"https?://[^\s]+/task/[A-Za-z0-9_-]+", block).group(0)
    return item_id, mail.body_html, link


def _link_row(item_id: str) -> TaskLink:
    with db.read() as s:
        return s.exec(select(TaskLink).where(TaskLink.object_id == uuid.UUID(item_id))
                      .order_by(TaskLink.created_at.desc())).first()


def _phone(browser, server):
    chromium, devices = browser
    device = {k: v for k, v in devices["iPhone 13"].items() if k != "default_browser_type"}
    context = chromium.new_context(**device, base_url=server.url)
    context.set_default_timeout(20_000)
    return context.new_page()


def test_a_task_link_opens_that_one_upload_on_a_phone_and_nothing_else(browser, server, page):
    item_id, mail_html, link = _reminder_mail_for_a_new_item()
    with urllib.request.urlopen(link) as response:  # a mail scanner's plain GET
        assert response.status == 200
    chromium, _ = browser
    scanner = chromium.new_context(base_url=server.url)  # one that renders the page and runs its scripts
    seen = scanner.new_page()
    seen.goto(link)
    expect(seen.locator("#task-continue")).to_be_visible()
    scanner.close()
    assert _link_row(item_id).use_count == 0  # neither used the link

    phone = _phone(browser, server)
    phone.set_content(mail_html)  # the reminder mail, as the phone's mail app shows it
    phone.locator(f'a[href="{link}"]').click()
    phone.wait_for_url(re.compile(r"^[^?]*/task/"))
    expect(phone.locator("#task-title")).to_have_text(TITLE)
    assert_accessible(phone, "task link, before Continue")
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "task-link-phone-intro.png"), full_page=True)

    phone.locator("#task-continue").click()
    item = phone.locator(f"#item-{item_id}")
    expect(item).to_be_visible()
    expect(phone.locator(".request-item")).to_have_count(1)  # that one item, none of the others
    item.locator("input[type=file]").set_input_files(
        [{"name": "passport.pdf", "mimeType": "application/pdf", "buffer": sample_files.pdf(1)}])
    expect(item.locator(".selected-file", has_text="passport.pdf")).to_be_visible()
    assert_accessible(phone, "task link, the upload")
    phone.screenshot(path=str(ARTIFACTS / "task-link-phone-upload.png"), full_page=True)
    item.locator("#send-files").click()
    expect(phone.locator("#task-done")).to_be_visible(timeout=30_000)
    expect(phone.locator(".file-done")).to_contain_text("Passport")
    assert_accessible(phone, "task link, done")
    phone.screenshot(path=str(ARTIFACTS / "task-link-phone-done.png"), full_page=True)
    with db.read() as s:
        stored = s.exec(select(Document).where(Document.request_id == uuid.UUID(item_id))).all()
    assert len(stored) == 1
    assert _link_row(item_id).revoked_reason == "done"

    # anything beyond that task asks for a full sign-in
    h1b = matter_id(H1B)
    with db.read() as s:
        other = s.exec(select(Matter.id).where(Matter.reference != H1B)).first()
    for elsewhere in ("/client", f"/matters/{h1b}/documents", f"/matters/{h1b}", f"/matters/{other}/documents"):
        phone.goto(elsewhere)
        phone.wait_for_url(re.compile(r"^[^?]*/login\?next="))
        expect(phone.locator("#email")).to_be_visible()
    phone.goto(link)  # the task is done: the link says so and changes nothing
    expect(phone.locator("#link-error")).to_contain_text("already done")
    assert_accessible(phone, "task link, used up")
    phone.screenshot(path=str(ARTIFACTS / "task-link-phone-done-again.png"), full_page=True)

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(link[:-4] + "AAAA")  # a forged link on a desktop
    expect(page.locator("#link-error")).to_contain_text("not valid")
    page.screenshot(path=str(ARTIFACTS / "task-link-desktop-forged.png"), full_page=True)
    phone.context.close()


def _pay_reminder_for_a_new_invoice() -> tuple[str, str, str]:
    """A new invoice to María, due in five days, her reminders sent at noon her time that day;
    returns (invoice id, invoice number, the task link under its line in the mail)."""
    with db.read() as s:
        zone = s.exec(select(User.timezone).where(User.email == "maria@demo.example")).one()
        admin = s.exec(select(User).where(User.role == "admin")).first()
        matter = s.exec(select(Matter).join(Client, Client.id == Matter.client_id)
                        .where(Client.email == "maria@demo.example")).first()
    # five days on, not two: the upload test's pass at noon in two days sends María her digest of
    # that day too (her biometrics are ten days after it), and a second one that day is not sent,
    # so this invoice would wait for the next day's digest (CI, 12-02 02:30 UTC)
    moment = localtime.local(datetime.now(timezone.utc) + timedelta(days=5), zone).replace(
        hour=12, minute=0, second=0, microsecond=0)
    draft = DraftInput(kind="milestone", title="Task link test invoice", due_date=moment.date(),
                       lines=[LineInput(kind="legal_fee", description="Preparing the reply", unit_amount_cents=30_000)])
    invoice_id = invoice_drafts.create(actor_for(admin), str(matter.id), draft)
    invoice_lifecycle.send(actor_for(admin), invoice_id)
    reminders.collect(moment.astimezone(timezone.utc))
    digests.send_due(moment.astimezone(timezone.utc))
    with db.read() as s:
        number = s.get(Invoice, uuid.UUID(invoice_id)).number
        body = s.exec(select(OutboxMessage.body_text).where(OutboxMessage.to_address == "maria@demo.example",
                                                            OutboxMessage.template == "reminder_digest",
                                                            OutboxMessage.created_at >= moment)).one()  # that day's
    block = body.split(number, 1)[1]
    return invoice_id, number, re.search(r"https?://[^\s]+/task/[A-Za-z0-9_-]+", block).group(0)


def test_a_pay_link_pays_that_one_invoice_on_a_phone(browser, server):
    invoice_id, number, link = _pay_reminder_for_a_new_invoice()
    phone = _phone(browser, server)
    phone.goto(link)
    expect(phone.locator("#task-title")).to_have_text(number)
    phone.locator("#task-continue").click()
    expect(phone.locator("#pay-owed")).to_have_text("$300.00")
    assert_accessible(phone, "task link, paying")
    phone.screenshot(path=str(ARTIFACTS / "task-link-phone-pay.png"), full_page=True)
    if phone.locator("#choose-new-card").count():
        phone.locator("#choose-new-card").click()
    phone.fill("#card-number", "4242 4242 4242 4242")
    phone.fill("#card-expiry", "12/34")
    phone.fill("#card-cvc", "123")
    phone.click("#pay-now")
    expect(phone.locator("#payment-received")).to_be_visible(timeout=30_000)
    phone.screenshot(path=str(ARTIFACTS / "task-link-phone-paid.png"), full_page=True)
    with db.read() as s:
        assert s.get(Invoice, uuid.UUID(invoice_id)).status == "paid"
    assert _link_row(invoice_id).revoked_reason == "done"
    phone.locator("#see-receipt").click()  # the receipt page is beyond the task: a full sign-in
    phone.wait_for_url(re.compile(r"^[^?]*/login\?next="))
    phone.context.close()
