"""The real client address reaches throttling and the audit log through the proxy, and a forged
X-Forwarded-For does not: neither through the proxy nor sent straight to a worker.

Two Chromiums reach nginx from different addresses (127.0.0.1 and ::1); nginx reaches the
workers from 127.0.0.2, the one trusted proxy. Before the fix every sign-in had 127.0.0.2, so
twenty wrong passwords from anyone locked sign-in for everyone."""
from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from models import LoginThrottle
from portal_app.services.kernel import db
from tests.production.conftest import new_page
from tests.production.steps import (
    audit_events,
    browser_cookies,
    eventually,
    last_seq,
    matter_id,
    request,
    sign_in,
    sign_in_staff,
)
from tests.production.topology import PROXY_ADDRESS

FORGED = "127.0.0.1, 198.51.100.77"


def _throttle_keys() -> set[str]:
    with db.read() as s:
        return {row.key for row in s.exec(select(LoginThrottle)).all() if row.key.startswith("ip:")}


def test_an_attack_from_one_address_is_counted_against_that_address_only(browsers, topology):
    attacker = new_page(browsers, topology, which="v6", headers={"X-Forwarded-For": FORGED})
    person = new_page(browsers, topology, phone=True)
    since = last_seq()
    try:
        attacker.goto("/login")
        attacker.wait_for_selector("#email")
        for attempt in range(20):  # PORTAL_IP_MAX_FAILURES: enough to lock the address out
            attacker.fill("#email", f"guess{attempt}@nowhere.example")
            attacker.fill("#password", "wrong-password")
            attacker.click("#sign-in")
            eventually(lambda n=attempt: len(audit_events("auth.login_failed", since)) == n + 1)
            expect(attacker.locator("#form-error")).to_be_visible()
        failed = audit_events("auth.login_failed", since)
        assert len(failed) == 20
        assert {event.ip for event in failed} == {"::1"}, "the forged or the proxy's address was recorded"
        keys = _throttle_keys()
        assert "ip:::1" in keys and f"ip:{PROXY_ADDRESS}" not in keys and "ip:127.0.0.1" not in keys
        assert not any("198.51.100.77" in key for key in keys)

        sign_in(person, "maria@demo.example")  # another person, behind the same proxy
        person.wait_for_url(re.compile(r"^[^?]*/client/?$"))
        (login,) = audit_events("auth.login", since)
        assert login.ip == "127.0.0.1"
    finally:
        attacker.context.close()
        person.context.close()


def test_downloads_are_audited_with_the_real_address_and_never_a_forged_one(page, topology):
    h1b = matter_id("MTR-2026-0002")
    sign_in_staff(page, "attorney@demo.example", start=f"/login?next=/matters/{h1b}/checklist")
    page.wait_for_url(re.compile(rf"^[^?]*/matters/{h1b}/checklist/?$"))
    link = page.locator(".get-links").first
    link.click()
    href = page.locator("#link-download").get_attribute("href")
    cookies = browser_cookies(page)
    since = last_seq()

    through_proxy = request(topology, "GET", href, cookies=cookies, source="127.0.0.9",
                            headers={"X-Forwarded-For": FORGED})
    straight_to_worker = request(topology, "GET", href, cookies=cookies, direct_to="a",
                                 headers={"X-Forwarded-For": "198.51.100.77"})
    assert through_proxy.status == 200 and straight_to_worker.status == 200
    assert through_proxy.body == straight_to_worker.body
    first, second = audit_events("document.downloaded", since)
    assert first.ip == "127.0.0.9"   # the client nginx saw, not the proxy and not what the client wrote
    assert second.ip == "127.0.0.1"  # a header sent straight to a worker is not believed
