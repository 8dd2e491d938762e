"""Workflow in a real browser: dates on the client home and the staff dashboard (soonest first,
overdue in red), adding and moving a deadline, the task list, mail settings and the jobs page."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from models import User
from portal_app.services.kernel import db, i18n

from tests.e2e.helpers import matter_id, sign_in, sign_out


def test_client_sees_her_appointment_on_her_home(page):
    sign_in(page, "maria@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    dates = page.locator("#upcoming-dates .upcoming-date")
    expect(dates).to_have_count(1)
    # María reads Spanish, but the page is built in English: one language per page (her mail is Spanish)
    expect(dates.first).to_contain_text("Biometrics appointment")
    expect(dates.first).to_contain_text("in 12 days")
    expect(page.locator("body")).not_to_contain_text("Cita de datos")
    expect(page.locator("body")).not_to_contain_text("RFE")


def test_staff_dashboard_lists_deadlines_soonest_first_overdue_in_red(page):
    sign_in(page, "attorney@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    rows = page.locator("#staff-deadlines .deadline-row")
    expect(rows.nth(2)).to_be_visible()  # the demo's three, and any an earlier test added
    texts = rows.all_inner_texts()
    demo = ["File the N-400", "Biometrics appointment", "Response to Request for Evidence"]
    where = [next(i for i, text in enumerate(texts) if title in text) for title in demo]
    assert where == sorted(where), texts  # soonest first
    expect(rows.nth(0)).to_contain_text("File the N-400")
    expect(rows.nth(0)).to_have_class(re.compile("overdue"))
    overdue = rows.nth(0).locator(".deadline-date").evaluate("e => getComputedStyle(e).color")
    plain = rows.nth(where[1]).locator(".deadline-date").evaluate("e => getComputedStyle(e).color")
    assert overdue != plain  # the overdue date is in red, the others in the normal colour
    page.click("#open-tasks-link")
    page.wait_for_url(re.compile(r"^[^?]*/tasks/?$"))
    tasks = page.locator(".task-row")
    expect(tasks.filter(has_text="New deadline").nth(2)).to_be_visible()  # one per demo deadline, and any others
    count = tasks.count()
    expect(tasks.first).to_have_class(re.compile("overdue"))
    expect(tasks.first).to_contain_text("File the N-400")
    tasks.first.get_by_role("button", name="Done").click()
    expect(page.locator("#form-notice")).to_contain_text("Task marked done")
    expect(tasks).to_have_count(count - 1)


def test_paralegal_adds_an_rfe_deadline_by_rule_and_moves_it_with_a_reason(page):
    sign_in(page, "paralegal@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    page.goto(f"/matters/{matter_id('MTR-2026-0001')}")
    section = page.locator("#matter-deadlines")
    expect(section.locator(".deadline")).to_have_count(1)
    section.locator("#deadline-kind").select_option("noid_response")
    section.locator("input[name=notice_date]").fill("2026-02-01")
    section.locator("#add-deadline").click()
    expect(section.locator("#form-notice")).to_contain_text("Deadline added")
    noid = section.locator(".deadline", has_text="Notice of Intent to Deny")
    expect(noid).to_contain_text("March 6, 2026")
    expect(noid).to_contain_text("notice date + 30 days + 3 mailing days")
    section.locator("select[name=deadline_id]").select_option(label="March 6, 2026 · Response to Notice of Intent to Deny")
    section.locator("input[name=new_date]").fill("2026-03-04")
    section.locator("input[name=reason]").fill("Notice received late; file two days early")
    section.get_by_role("button", name="Change date").click()
    expect(noid).to_contain_text("March 4, 2026")
    expect(noid).to_contain_text("Changed by staff")
    expect(page.locator("#matter-mail .mail-row").first).to_be_visible()


def test_client_turns_reminders_off(page):
    sign_in(page, "amara@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    page.goto("/account/mail")
    page.get_by_role("checkbox", name="Send me reminders about documents and invoices").click()
    page.select_option("#locale", "es")
    page.click("#save-mail-settings")
    expect(page.locator("#form-notice")).to_contain_text("Your mail settings are saved.")
    page.reload()  # the account's language is now Spanish: the page follows it
    try:
        expect(page.get_by_role("checkbox", name=i18n.t("prefs.reminders", "es"))).not_to_be_checked()
        expect(page.locator("#locale")).to_have_value("es")
    finally:
        with db.write() as s:  # later tests read Amara's pages in English
            s.exec(select(User).where(User.email == "amara@demo.example")).one().locale = "en"


# One tap: the language chosen and Save pressed in the same moment, before the server has answered
# the choice. Until that answer React holds a controlled select at the state's old value, so the
# form's own copy of it still says English.
_CHOOSE_AND_SAVE_AT_ONCE = """() => { const select = document.querySelector('#locale');
  select.value = 'es'; select.dispatchEvent(new Event('change', {bubbles: true}));
  document.querySelector('#save-mail-settings').click(); }"""


def test_a_language_chosen_and_saved_in_one_tap_is_the_one_saved(page):
    sign_in(page, "amara@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    page.goto("/account/mail")
    expect(page.locator("#locale")).to_have_value("en")
    expect(page.locator("#save-mail-settings")).to_be_enabled()
    try:
        page.evaluate(_CHOOSE_AND_SAVE_AT_ONCE)
        expect(page.locator("#form-notice")).to_be_visible()
        with db.read() as s:
            assert s.exec(select(User.locale).where(User.email == "amara@demo.example")).one() == "es"
        page.reload()
        expect(page.locator("#locale")).to_have_value("es")
    finally:
        with db.write() as s:
            s.exec(select(User).where(User.email == "amara@demo.example")).one().locale = "en"


def test_admin_sees_the_background_jobs_and_others_do_not(page):
    sign_in(page, "admin@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    page.goto("/admin/jobs")
    jobs = page.locator(".job-row")
    expect(jobs.filter(has_text="reminders.collect")).to_contain_text("ok", timeout=30_000)
    expect(jobs.filter(has_text="mail.deliver")).to_be_visible()
    expect(page.locator("#mail-queue")).to_contain_text("Mail that failed: 0")
    sign_out(page)
    page.wait_for_url(re.compile(r"^[^?]*/login"))
    sign_in(page, "paralegal@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    page.goto("/admin/jobs")
    expect(page.locator("#not-allowed")).to_be_visible()
