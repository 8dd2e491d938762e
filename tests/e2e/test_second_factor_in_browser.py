"""Staff sign in with a second factor, in a real browser (issue 11): an administrator resets a
staff member's authenticator (a lost phone); at their next sign-in the password alone gets them
nowhere, they scan the QR code (here: read the key shown under it, as an authenticator would),
type its code, keep their recovery codes, and land home; later a recovery code signs them in once."""
from __future__ import annotations

import re
from pathlib import Path

import pyotp
from playwright.sync_api import expect

from portal_app.services.demo.seed import DEMO_PASSWORD
from tests.e2e.accessibility import assert_accessible
from tests.e2e.helpers import sign_in, sign_out

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots" / "identity"  # copies kept in docs/screenshots/identity/
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 800}


def _shoot(page, name: str) -> None:
    """Phone and desktop screenshots of the page as it is, after axe-core found nothing blocking."""
    assert_accessible(page, name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=True)


def _password_only(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#sign-in")


def test_a_staff_member_sets_up_the_second_factor_and_later_uses_a_recovery_code(page):
    sign_in(page, "admin@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    page.goto("/admin/users")
    expect(page.locator(".reset-factor").first).to_be_visible()
    _shoot(page, "people-reset-second-step")
    page.locator(".user-row", has_text="billing@demo.example").locator(".reset-factor").click()
    expect(page.locator("#form-notice")).to_contain_text("second step is reset")
    sign_out(page)
    page.wait_for_url(re.compile(r"^[^?]*/login/?\?notice=signed_out"))

    _password_only(page, "billing@demo.example")
    expect(page.locator("#totp-qr")).to_be_visible()
    page.goto("/staff")  # the password alone opened no session
    page.wait_for_url(re.compile(r"^[^?]*/login/?\?next="))
    _password_only(page, "billing@demo.example")
    expect(page.locator("#totp-qr")).to_be_visible()
    _shoot(page, "second-factor-setup")
    secret = page.locator("#totp-secret").inner_text().strip()
    page.fill("#totp-code", "000000" if pyotp.TOTP(secret).now() != "000000" else "111111")
    page.click("#verify-code")
    expect(page.locator("#form-error")).to_contain_text("That code is not right")
    page.fill("#totp-code", pyotp.TOTP(secret).now())
    page.click("#verify-code")
    codes = page.locator(".recovery-code")
    expect(codes).to_have_count(10)
    _shoot(page, "recovery-codes")
    kept = codes.nth(0).inner_text().strip()
    page.click("#codes-continue")
    page.wait_for_url(re.compile(r"^[^?]*/(staff|billing)/?$"))
    sign_out(page)
    page.wait_for_url(re.compile(r"^[^?]*/login/?\?notice=signed_out"))

    _password_only(page, "billing@demo.example")
    expect(page.locator("#totp-code")).to_be_visible()
    _shoot(page, "second-factor-code")
    page.fill("#totp-code", kept)
    page.click("#verify-code")
    page.wait_for_url(re.compile(r"^[^?]*/(staff|billing)/?$"))
    sign_out(page)
    page.wait_for_url(re.compile(r"^[^?]*/login/?\?notice=signed_out"))
    _password_only(page, "billing@demo.example")
    page.fill("#totp-code", kept)  # a recovery code works once
    page.click("#verify-code")
    expect(page.locator("#form-error")).to_contain_text("That code is not right")


def test_a_client_adds_an_authenticator_from_their_account(page):
    sign_in(page, "amara@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    page.goto("/account/security")
    expect(page.locator("#add-factor")).to_be_visible()
    _shoot(page, "account-security")
    page.click("#add-factor")
    expect(page.locator("#totp-qr")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    page.fill("#totp-code", pyotp.TOTP(secret).now())
    page.click("#verify-code")
    expect(page.locator("#factor-on")).to_be_visible()
    expect(page.locator(".recovery-code")).to_have_count(10)
    sign_out(page)
    page.wait_for_url(re.compile(r"^[^?]*/login/?\?notice=signed_out"))
    sign_in(page, "amara@demo.example")  # the helper types the code: she has an authenticator now
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
