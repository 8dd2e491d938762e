"""Every staff page, signed in as each staff role: axe finds no critical or serious violation (a page a
role may not see shows its "not allowed" page, which must be accessible too). The admin's outbox
is read and a message sent again as a person would; a billing clerk lands on Billing, starts an
invoice there, and the trust journal speaks words; a review task opens the file to review; a page
opened at the wrong address says so in plain words."""
from __future__ import annotations

import re
import urllib.request
from pathlib import Path

from playwright.sync_api import expect
from sqlmodel import select

from models import Invoice, OutboxMessage, Task
from portal_app.services.kernel import db
from portal_app.services.messaging import mail, outbox
from tests.e2e.accessibility import violations
from tests.e2e.helpers import matter_id, sideways_by, sign_in, sign_out
from tests.e2e.test_staff_review_in_browser import in_viewport, settles_in_viewport, staff_page

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots" / "staff"  # copies kept in docs/screenshots/staff/
ROLES = ("admin", "attorney", "paralegal", "billing")


def staff_paths() -> dict[str, str]:
    i130 = matter_id("MTR-2026-0001")
    with db.read() as s:
        invoice = s.exec(select(Invoice.id).order_by(Invoice.created_at)).first()
    return {"staff home": "/staff", "checklist dashboard": "/staff/checklists", "matter detail": f"/matters/{i130}",
            "review": f"/matters/{i130}/checklist", "tasks": "/tasks", "billing": "/billing",
            "invoice": f"/billing/invoices/{invoice}", "new invoice": f"/billing/new/{i130}",
            "trust": "/billing/trust", "billing settings": "/billing/settings", "people": "/admin/users",
            "insights": "/staff/insights", "retention": "/staff/records", "jobs": "/admin/jobs",
            "webhooks": "/billing/webhooks", "outbox": "/admin/outbox", "templates": "/staff/templates",
            "new matter": "/staff/matters/new", "invite": "/staff/invite", "mail settings": "/account/mail",
            "sessions": "/account/sessions", "messages": "/staff/messages", "support": "/staff/support",
            "support settings": "/admin/support"}


# What <main> says, leaving out <code> (the jobs page names its jobs, such as files.sweep_orphans, on purpose)
_TEXT_WITHOUT_CODE = """() => { const m = document.querySelector('main').cloneNode(true);
  m.querySelectorAll('code').forEach(c => c.remove()); return m.textContent; }"""


def settled(page) -> None:
    """The page has decided what to show (its content, or "not allowed"): no spinner left in <main>."""
    try:
        page.wait_for_selector("main", state="attached")  # the shell's <main> landmark
        page.wait_for_function("() => !document.querySelector('main .rt-Spinner')", timeout=20_000)
    except Exception as exc:
        raise AssertionError(f"{page.url} never settled: {page.locator('body').inner_text()[:500]!r}") from exc


def test_every_staff_page_is_accessible_for_every_staff_role(browser, server):
    paths, found = staff_paths(), []
    for role in ROLES:
        page = staff_page(browser, server)
        sign_in(page, f"{role}@demo.example")
        page.wait_for_url(re.compile(r"^[^?]*/(staff|billing)/?$"))
        for name, path in paths.items():
            page.goto(path)
            settled(page)
            found += [f"{role} · {name}: {v['impact']} {v['id']} at {', '.join(v['nodes'])}" for v in violations(page)]
            keys = re.findall(r"\b[a-z]+\.[a-z]+_[a-z_.]+\b", page.evaluate(_TEXT_WITHOUT_CODE))
            found += [f"{role} · {name}: untranslated key {k}" for k in keys]  # a catalog key shown as text
            if role == "admin":  # every page, photographed whole to be looked at
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"{name.replace(' ', '-')}-desktop.png"), full_page=True)
        page.context.close()
    assert not found, "axe found blocking violations on staff pages:\n" + "\n".join(found)


# Each word of a table cell that the browser broke across lines (a phone squeezing columns to a letter each);
# a break after a hyphen (INV-2026-/00008) is a typesetter's break, not a squeezed word
_WORDS_BROKEN = """() => [...document.querySelectorAll('main th, main td')].flatMap(cell => {
  const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT), broken = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const word of node.textContent.matchAll(/[^\\s-]+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index); range.setEnd(node, word.index + word[0].length);
      if (new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1) broken.push(word[0]);
    }
  }
  return broken; })"""

# Each control (a button, a link, one of a choice of views) that runs past the screen's right edge
# (the phone's width, given) outside a table's own scroll box: cut off, as "Recently done" was on My tasks
_CUT_OFF = """(width) => [...document.querySelectorAll('main button, main a, main [role=radio]')]
  .filter(el => !el.closest('table') && el.getBoundingClientRect().right > width + 1)
  .map(el => el.textContent.trim().slice(0, 40))"""


def test_every_staff_page_on_a_phone(browser, server):
    """Every staff page fits a phone's width (a wide table scrolls inside its own box) and no
    table squeezes a word across lines; each is photographed whole."""
    page = staff_page(browser, server, phone=True)
    sign_in(page, "admin@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    found = []
    for name, path in staff_paths().items():
        page.goto(path)
        settled(page)
        page.screenshot(path=str(SHOTS / f"{name.replace(' ', '-')}-phone.png"), full_page=True)
        if sideways_by(page) > 1:
            found.append(f"{path} scrolls sideways on a phone")
        if cut := page.evaluate(_CUT_OFF, page.viewport_size["width"]):
            found.append(f"{path}: cut off at the screen's edge on a phone: {cut[:8]}")
        if broken := page.evaluate(_WORDS_BROKEN):
            found.append(f"{path}: table words broken across lines on a phone: {broken[:8]}")
    page.context.close()
    assert not found, "\n".join(found)


def test_the_admin_reads_a_message_in_the_outbox_and_sends_it_again(browser, server):
    page = staff_page(browser, server)
    sign_in(page, "admin@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    page.click("#account-menu")
    page.get_by_role("link", name="Outbox").click()
    page.wait_for_url(re.compile(r"^[^?]*/admin/outbox/?$"))
    newest_first = select(OutboxMessage).order_by(OutboxMessage.created_at.desc())
    with db.write() as s:  # an invitation that never arrived, as a paralegal would have sent it
        mail.enqueue(s, to_address="newcomer@example.com", template="invitation", name="New Comer",
                     link="http://localhost/invitation/expired-token", hours=72)
    page.reload()
    with db.read() as s:
        total = len(s.exec(select(OutboxMessage.id)).all())
        invitation = s.exec(newest_first.where(OutboxMessage.template == "invitation")).first()
        invited = s.exec(newest_first.where(OutboxMessage.template.not_in(outbox.ONE_TIME_LINK_TEMPLATES))).first()
    assert invitation is not None and invited is not None, "the demo data has sent mail"
    # an invitation's link works once: the page names the way to a new one instead of a dead copy
    row = page.locator(".outbox-row", has_text=invitation.subject).filter(has_text=invitation.to_address).first
    row.locator(".open-message").click()
    expect(row.locator(".fresh-link-hint")).to_contain_text(f"Invite {invitation.to_address} again")
    expect(row.locator(".resend")).to_have_count(0)
    row = page.locator(".outbox-row", has_text=invited.subject).filter(has_text=invited.to_address).first
    expect(row).to_be_visible()
    row.locator(".open-message").click()
    body = page.locator(".outbox-body")
    expect(body).to_contain_text(invited.body_text.splitlines()[0])
    assert in_viewport(page, body) or body.bounding_box()["y"] < page.viewport_size["height"]
    page.locator(".resend").click()
    notice = page.locator("#form-notice")
    expect(notice).to_contain_text(f"A copy is on its way to {invited.to_address}")
    assert settles_in_viewport(page, notice)
    with db.read() as s:
        assert len(s.exec(select(OutboxMessage.id)).all()) == total + 1
    page.context.close()


def test_billing_lands_on_billing_starts_an_invoice_and_reads_the_journal_in_words(browser, server):
    page = staff_page(browser, server)
    sign_in(page, "billing@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/billing/?$"))
    with page.expect_download() as got:  # the CSV is a download too, with the clients' names to match by
        page.locator("#export-csv").click()
    header = Path(got.value.path()).read_text().splitlines()[0].split(",")
    assert "client_name" in header and "client_id" in header
    page.select_option("#new-invoice-matter", value=matter_id("MTR-2026-0001"))
    page.locator("#new-invoice").click()
    page.wait_for_url(re.compile(rf"^[^?]*/billing/new/{matter_id('MTR-2026-0001')}/?$"))
    page.goto("/billing/trust")
    settled(page)
    journal = page.locator(".journal-row")
    expect(journal.first).to_be_visible()
    text = page.locator("main").inner_text()
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), re.findall(r"\b[a-z]+_[a-z_]+\b", text)[:5]
    expect(page.locator("main")).to_contain_text("Payment received")
    page.context.close()


def test_a_review_task_has_a_due_date_and_opens_the_file(browser, server):
    page = staff_page(browser, server)
    with db.read() as s:
        task = s.exec(select(Task).where(Task.kind == "review_upload", Task.status == "open")).first()
    assert task is not None and task.due_date is not None, "a client's upload makes a review task with a due date"
    sign_in(page, "paralegal@demo.example", start="/login?next=/tasks")
    page.wait_for_url(re.compile(r"^[^?]*/tasks/?$"))
    page.locator("#task-views").get_by_role("radio", name="Open on my matters").click()
    row = page.locator(".task-row", has_text=task.title).first
    expect(row).not_to_contain_text("No date")
    row.locator(".open-task").click()
    page.wait_for_url(re.compile(rf"^[^?]*/matters/{task.matter_id}/checklist/?\?version={task.subject_id}$"))
    version = page.locator(f"#version-{task.subject_id}")
    links = version.locator(".file-links")
    expect(links).to_be_visible()
    assert settles_in_viewport(page, links), "the file to review is in view, its links ready"
    sign_out(page)
    page.context.close()


def test_a_page_opened_at_another_address_says_so(server):
    request = urllib.request.Request(server.url + "/login", headers={
        "Host": "localhost:3999", "Accept": "text/html,application/xhtml+xml"})
    try:
        urllib.request.urlopen(request, timeout=10)
        raise AssertionError("the wrong address was served the portal")
    except urllib.error.HTTPError as refused:
        code, text = refused.code, refused.read().decode()
    assert code == 421
    assert "You opened <strong>http://localhost:3999</strong>" in text and server.url in text
    assert "PORTAL_PUBLIC_URL=http://localhost:3999" in server.log.read_text()
