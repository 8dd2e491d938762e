"""The Content-Security-Policy in the browser: the real pages run under it (every browser test
fails on any violation, see conftest's csp_clean), and script injected into a page is blocked."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.helpers import sign_in

INJECT = """() => {
  const tag = document.createElement("script");
  tag.textContent = "window.__pwned = 'inline script ran'";
  document.body.appendChild(tag);
  const box = document.createElement("div");
  box.innerHTML = '<img src="/no-such-image.png" onerror="window.__pwned = \\'onerror ran\\'">';
  document.body.appendChild(box);
}"""


def test_the_signed_in_home_page_runs_under_the_policy(page):
    response = page.goto("/login")
    policy = response.headers["content-security-policy"]
    scripts = next(part for part in policy.split("; ") if part.startswith("script-src "))
    assert "'sha256-" in scripts and "'unsafe-inline'" not in scripts
    sign_in(page, "maria@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    expect(page.locator(".matter-card")).to_have_count(1)  # the websocket and every handler ran


def test_an_injected_inline_script_and_event_handler_are_blocked(page, csp_clean):
    sign_in(page, "attorney@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
    expect(page.locator(".matter-row").first).to_be_visible()
    page.evaluate(INJECT)
    page.wait_for_function("() => document.querySelector('img[src=\"/no-such-image.png\"]').complete")
    page.wait_for_timeout(300)  # let the reports arrive
    assert page.evaluate("window.__pwned") is None
    directives = {report["directive"] for report in csp_clean}
    assert {"script-src-elem", "script-src-attr"} <= directives, csp_clean
    assert all(report["page"].startswith("/staff") for report in csp_clean)
    csp_clean.clear()  # these were the attack's, on purpose
    expect(page.locator(".matter-row").first).to_be_visible()  # the page itself still works
