"""One-time links that survive mail scanners (issue 11): Microsoft Defender Safe Links and other
filters open every link in a message before the person does, some with a real browser. Opening a
reset or invitation link never uses it up: only the form on that page, sent by the person, does."""
from __future__ import annotations

import re
import urllib.request

from playwright.sync_api import expect

from portal_app.services.demo.seed import DEMO_PASSWORD
from tests.e2e.helpers import last_mail_link, sign_in

NEW_PASSWORD = DEMO_PASSWORD  # the same one again, so the other browser tests still sign Wei in


def test_a_reset_link_opened_twice_by_a_scanner_still_works_for_the_person(page, browser, server):
    page.goto("/reset")
    page.fill("#email", "wei@demo.example")
    page.click("#send-reset")
    expect(page.locator("#form-notice")).to_be_visible()
    link = last_mail_link("wei@demo.example", "reset")
    for _ in range(2):  # a plain scanner: GET, twice
        with urllib.request.urlopen(server.url + link) as response:
            assert response.status == 200
    chromium, _ = browser
    scanner = chromium.new_context(base_url=server.url)  # a scanner that renders pages and runs their scripts
    for _ in range(2):
        opened = scanner.new_page()
        opened.goto(link)
        expect(opened.locator("#set-password")).to_be_visible()
        opened.close()
    scanner.close()

    page.goto(link)
    expect(page.locator("body")).to_contain_text("wei@demo.example")
    page.fill("#password", NEW_PASSWORD)
    page.fill("#confirm", NEW_PASSWORD)
    page.click("#set-password")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    expect(page.locator(".matter-card").first).to_be_visible()
    page.context.clear_cookies()
    sign_in(page, "wei@demo.example", password=NEW_PASSWORD)
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    page.goto(link)  # used now: the page says so, and offers the way on
    expect(page.locator("#link-error")).to_be_visible()
