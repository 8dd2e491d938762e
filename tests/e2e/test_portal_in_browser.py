"""The portal in a real browser: who sees what, redirects, and the sign-in and invitation flows."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import last_mail_link, matter_id, sideways_by, sign_in, sign_out

NOT_ALLOWED = "#not-allowed"


@pytest.mark.parametrize("path", ["/client", "/staff", "/account/sessions", "/staff/invite",
                                  "/matters/6f1c1f8e-3f43-4a8e-9d59-4c1c3c0c2a11"])
def test_signed_out_visitor_is_redirected_to_login(page, path):
    page.goto(path)
    page.wait_for_url(re.compile(r"^[^?]*/login/?\?next="))
    expect(page.locator("#sign-in")).to_be_visible()


def test_demo_client_sees_their_matter_and_nothing_else(page):
    sign_in(page, "maria@demo.example", start="/login?next=/client")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    cards = page.locator(".matter-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("MTR-2026-0001")
    expect(page.locator("body")).not_to_contain_text("MTR-2026-0002")
    assert page.evaluate("document.cookie") == ""  # the session cookie is HttpOnly
    assert any(c["httpOnly"] for c in page.context.cookies())
    cards.first.click()
    expect(page.locator("#matter-title")).to_have_text("I-130 for spouse, Luis García")
    page.goto("/staff")
    expect(page.locator(NOT_ALLOWED)).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("MTR-2026-0003")


def test_client_typing_another_matters_url_gets_not_allowed(page):
    other = matter_id("MTR-2026-0002")
    sign_in(page, "maria@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    page.goto(f"/matters/{other}")
    expect(page.locator(NOT_ALLOWED)).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Acme Robotics")
    page.goto("/matters/not-even-a-uuid")
    expect(page.locator(NOT_ALLOWED)).to_be_visible()


def test_paralegal_sees_assigned_matters_only(page):
    sign_in(page, "paralegal@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    rows = page.locator(".matter-row")
    expect(rows).to_have_count(2)
    expect(page.locator("table")).to_contain_text("MTR-2026-0001")
    expect(page.locator("table")).to_contain_text("MTR-2026-0002")
    expect(page.locator("table")).not_to_contain_text("MTR-2026-0003")
    page.fill("#matter-search", "zhang")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Wei Zhang")
    page.goto(f"/matters/{matter_id('MTR-2026-0003')}")
    expect(page.locator(NOT_ALLOWED)).to_be_visible()


def test_hr_contact_sees_only_the_shared_matter(page):
    sign_in(page, "hr@acme.example")
    page.wait_for_url(re.compile(r"^[^?]*/employer/?$"))  # an HR contact lands on the employer's portal (issue 12)
    expect(page.locator(".employer-matter")).to_have_count(1)
    expect(page.locator(".employer-matter")).to_contain_text("Wei Zhang")
    expect(page.locator(".employer-matter")).to_contain_text("MTR-2026-0002")


def test_wrong_password_and_unknown_account_get_the_same_message(page):
    sign_in(page, "maria@demo.example", password="not the password")
    expect(page.locator("#form-error")).to_contain_text("The e-mail address or password is not correct.")
    sign_in(page, "nobody@demo.example", password="not the password")
    expect(page.locator("#form-error")).to_contain_text("The e-mail address or password is not correct.")
    assert "/login" in page.url


def test_sign_out_ends_the_session(page):
    sign_in(page, "amara@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    sign_out(page)
    page.wait_for_url(re.compile(r"^[^?]*/login/?\?notice=signed_out"))
    expect(page.locator("#form-notice")).to_contain_text("You have signed out.")
    page.goto("/client")
    page.wait_for_url(re.compile(r"^[^?]*/login/?\?next="))


def test_the_front_door_sends_each_person_home_and_the_logout_page_signs_out(page):
    sign_in(page, "attorney@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    page.goto("/")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    page.goto("/logout")
    page.click("#confirm-sign-out")
    page.wait_for_url(re.compile(r"^[^?]*/login/?\?notice=signed_out"))
    expect(page.locator("#form-notice")).to_contain_text("You have signed out.")
    page.goto("/")
    page.wait_for_url(re.compile(r"^[^?]*/login/?$"))
    sign_in(page, "amara@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    page.goto("/")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    expect(page.locator(".matter-card").first).to_be_visible()


def test_staff_invite_a_client_who_sets_a_password_and_lands_home(page, browser, server):
    sign_in(page, "attorney@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    page.goto("/staff/invite")
    page.fill("#full_name", "Nadia Haddad")
    page.fill("#email", "nadia@example.org")
    page.click("#send-invite")
    expect(page.locator("#form-notice")).to_contain_text("Invitation sent to nadia@example.org")
    link = last_mail_link("nadia@example.org", "invitation")
    chromium, _ = browser
    invitee = chromium.new_context(base_url=server.url).new_page()
    invitee.goto(link)
    expect(invitee.locator("body")).to_contain_text("nadia@example.org")
    invitee.fill("#password", "short")
    invitee.fill("#confirm", "short")
    invitee.click("#set-password")
    expect(invitee.locator("#form-error")).to_contain_text("at least 12 characters")
    invitee.fill("#password", "my own long passphrase")
    invitee.fill("#confirm", "my own long passphrase")
    invitee.click("#set-password")
    invitee.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    expect(invitee.locator("body")).to_contain_text("Hello, Nadia")
    invitee.goto(link)
    expect(invitee.locator("#link-error")).to_contain_text("already been used")
    invitee.context.close()


def test_unknown_route_shows_a_plain_not_found_page(page):
    page.goto("/no/such/page")
    expect(page.locator("#not-found")).to_be_visible()


def test_login_fits_a_phone_screen(browser, server):
    chromium, devices = browser
    context = chromium.new_context(**devices["iPhone 13"], base_url=server.url)
    phone = context.new_page()
    phone.goto("/login")
    expect(phone.locator("#sign-in")).to_be_visible()
    assert sideways_by(phone) <= 0
    context.close()


def test_attorney_opens_a_matter_for_a_new_client(page):
    sign_in(page, "attorney@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    page.goto("/staff/matters/new")
    page.fill("#client_name", "Tomás Ruiz")
    page.fill("#client_email", "tomas@example.org")
    page.select_option("#case_type", "DACA")
    page.fill("#title", "DACA renewal 2026")
    page.click("#open-matter")
    expect(page.locator("#matter-title")).to_have_text("DACA renewal 2026")
    expect(page.locator("body")).to_contain_text("Tomás Ruiz")


def test_admin_sees_people_and_a_paralegal_does_not(page):
    sign_in(page, "admin@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    page.goto("/admin/users")
    expect(page.locator(".user-row", has_text="hr@acme.example")).to_have_count(1)
    expect(page.locator(".user-row", has_text="billing@demo.example")).to_have_count(1)
    sign_out(page)
    page.wait_for_url(re.compile(r"^[^?]*/login"))
    sign_in(page, "paralegal@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    page.goto("/admin/users")
    expect(page.locator(NOT_ALLOWED)).to_be_visible()
