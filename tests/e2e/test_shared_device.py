"""Issue 11, holes 1 and 6, and issue 9 defect 6, in a real browser: a phone or a family computer
that two people use, one tab, a slow train.

- Two people through ONE Chromium tab: after Wei signs out, and after María signs in, no frame the
  websocket receives carries anything of Wei's (his name, his file names, his invoice number, his
  matter reference).
- Signing out revokes the session on the server (a copied cookie is worth nothing), and a link on
  another site cannot sign anybody out.
- A tap on Sign in before the page's scripts have arrived never puts the password in a URL.
"""
from __future__ import annotations

import re
import urllib.error
import uuid
from pathlib import Path
import urllib.request

from playwright.sync_api import expect
from sqlmodel import select

from models import AuthSession, Document, DocumentVersion, Invoice, Matter, User, utcnow
from portal_app.services.kernel import db
from tests import sample_files
from tests.e2e.accessibility import assert_accessible
from tests.e2e.helpers import matter_id, sign_in, sign_out
from tests.e2e.test_documents_in_browser import request_id, upload

SECRET = "portal-demo-2026"
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots" / "identity"  # copies kept in docs/screenshots/identity/


def _weis_things() -> dict[str, str]:
    with db.read() as s:
        matter = s.exec(select(Matter).where(Matter.reference == "MTR-2026-0002")).one()
        invoice = s.exec(select(Invoice.number).where(Invoice.matter_id == matter.id)).first()
        files = s.exec(select(DocumentVersion.stored_name).join(Document, Document.id == DocumentVersion.document_id)
                       .where(Document.request_id == uuid.UUID(request_id("experience_letters")))).all()
    assert files and invoice, (files, invoice)
    return {"name": "Wei Zhang", "matter": "MTR-2026-0002", "invoice": invoice, "file": files[-1]}


def _watch_frames(page) -> tuple[dict, list]:
    """Every frame the tab's websockets receive, tagged with the phase the socket was opened in
    (each full page load opens its own): a late answer to Wei's own page, still on his socket, is
    his; what the pages after him receive is what must carry nothing of his."""
    phase, frames = {"now": "wei"}, []

    def on_socket(socket):
        opened_in = phase["now"]
        socket.on("framereceived", lambda payload: frames.append(
            (opened_in, payload if isinstance(payload, str) else payload.decode("utf-8", "replace"))))

    page.on("websocket", on_socket)
    return phase, frames


def test_two_people_through_one_tab_receive_nothing_of_each_other(page):
    h1b = matter_id("MTR-2026-0002")
    phase, frames = _watch_frames(page)
    sign_in(page, "wei@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    expect(page.locator(".matter-card")).to_contain_text("MTR-2026-0002")
    page.goto(f"/matters/{h1b}/documents")
    upload(page, "experience_letters", [("letter from acme.pdf", "application/pdf", sample_files.pdf(1))])
    things = _weis_things()
    page.goto("/client")
    expect(page.locator("body")).to_contain_text(things["invoice"])
    page.goto(f"/matters/{h1b}/documents")
    expect(page.locator("body")).to_contain_text(re.compile(r"\d+ received"))  # earlier tests may have sent some
    page.wait_for_timeout(1000)
    seen = "\n".join(f for p, f in frames if p == "wei")
    assert all(value in seen for value in things.values()), things  # they did travel while he was in

    phase["now"] = "signed_out"
    sign_out(page)
    page.wait_for_url(re.compile(r"^[^?]*/login/?\?notice=signed_out"))
    expect(page.locator("#form-notice")).to_contain_text("You have signed out.")
    page.wait_for_timeout(1000)
    phase["now"] = "maria"
    sign_in(page, "maria@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    expect(page.locator(".matter-card")).to_contain_text("MTR-2026-0001")
    expect(page.locator("body")).not_to_contain_text("Wei")
    page.goto(f"/matters/{matter_id('MTR-2026-0001')}/documents")
    expect(page.locator("body")).to_contain_text("MTR-2026-0001")
    page.wait_for_timeout(1000)

    after = [(p, f) for p, f in frames if p != "wei"]
    assert any(p == "signed_out" for p, _ in after) and any(p == "maria" for p, _ in after)
    leaks = [(p, key) for p, f in after for key, value in things.items() if value in f]
    assert leaks == [], leaks


def test_a_tab_whose_session_was_revoked_elsewhere_reloads_with_nothing_of_his(page):
    """Wei leaves his tab open; his session is revoked (from another device, or it expired). The
    next person reloads that tab: the page load (a hydrate, which sends the whole state tree) must
    carry nothing of his, and the tab ends on the login page with a new client token."""
    phase, frames = _watch_frames(page)
    sign_in(page, "wei@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    expect(page.locator(".matter-card")).to_contain_text("MTR-2026-0002")
    token_before = page.evaluate("sessionStorage.getItem('token')")
    with db.write() as s:
        for row in s.exec(select(AuthSession).where(AuthSession.revoked_at.is_(None))).all():
            if s.get(User, row.user_id).email == "wei@demo.example":
                row.revoked_at, row.revoked_reason = utcnow(), "revoked_by_user"
    phase["now"] = "after_revocation"
    page.reload()
    page.wait_for_url(re.compile(r"^[^?]*/login/?\?next="))
    expect(page.locator("#sign-in")).to_be_visible()
    page.wait_for_timeout(1000)
    assert page.evaluate("sessionStorage.getItem('token')") != token_before
    after = [f for p, f in frames if p == "after_revocation"]
    assert after and not [f for f in after if "Wei Zhang" in f or "MTR-2026-0002" in f]


def test_signing_out_revokes_the_session_on_the_server(page, server):
    sign_in(page, "amara@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    copied = next(c for c in page.context.cookies() if c["name"].endswith("portal_session"))
    sign_out(page)
    page.wait_for_url(re.compile(r"^[^?]*/login/?\?notice=signed_out"))
    thief = page.context.browser.new_context(base_url=server.url)
    thief.add_cookies([{k: copied[k] for k in ("name", "value", "domain", "path")}])
    stolen = thief.new_page()
    stolen.goto("/client")
    stolen.wait_for_url(re.compile(r"^[^?]*/login/?\?next="))
    thief.close()


def test_a_link_on_another_site_cannot_sign_anybody_out(page, server):
    sign_in(page, "amara@demo.example")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    page.goto("/api/session/clear")  # what <a href> or <img src> on another site would do
    page.goto("/logout")  # the sign-out page asks; opening it signs nobody out
    expect(page.locator("#confirm-sign-out")).to_be_visible()
    page.goto("/client")
    expect(page.locator(".matter-card").first).to_be_visible()
    cookie = next(c for c in page.context.cookies() if c["name"].endswith("portal_session"))
    forged = urllib.request.Request(server.url + "/api/session/clear", data=b"notice=signed_out", method="POST",
                                    headers={"Origin": "https://evil.example",
                                             "Cookie": f"{cookie['name']}={cookie['value']}"})
    try:
        urllib.request.urlopen(forged)
        raise AssertionError("a form from another site was accepted")
    except urllib.error.HTTPError as refused:
        assert refused.code == 403
    page.reload()
    expect(page.locator(".matter-card").first).to_be_visible()
    page.goto("/logout")
    expect(page.locator("#confirm-sign-out")).to_be_visible()
    assert_accessible(page, "/logout")
    for label, size in (("phone", {"width": 390, "height": 844}), ("desktop", {"width": 1280, "height": 800})):
        page.set_viewport_size(size)
        page.wait_for_timeout(300)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"logout-{label}.png"), full_page=True)
    page.click("#confirm-sign-out")
    page.wait_for_url(re.compile(r"^[^?]*/login/?\?notice=signed_out"))


def test_a_tap_before_the_scripts_arrive_never_puts_the_password_in_a_url(page):
    """A slow train: the page's HTML is there, its scripts are not. The person types and taps Sign
    in (and presses Enter); nothing may go anywhere natively. Once the scripts arrive, it works."""
    held, urls, released = [], [], []
    page.on("request", lambda request: urls.append(request.url))
    # the page's own scripts are held back; the language catalog (/api/i18n/<lang>.<version>.js, a
    # small classic script the HTML itself needs before it parses on) comes as part of the page
    page.route(re.compile(r"^(?!.*/api/i18n/).*\.m?js(\?|$)"),
               lambda route: route.continue_() if released else held.append(route))
    page.goto("/login", wait_until="commit")
    page.wait_for_selector("#password", state="attached")
    page.fill("#email", "maria@demo.example")
    page.fill("#password", SECRET)
    page.click("#sign-in", force=True, no_wait_after=True)
    page.press("#password", "Enter", no_wait_after=True)
    page.wait_for_timeout(1500)
    assert held, "the scripts were not held back: the test would prove nothing"
    assert SECRET not in page.url and "password=" not in page.url
    released.append(True)
    for route in held:
        route.continue_()
    expect(page.locator("#sign-in")).to_be_enabled(timeout=60_000)
    if page.input_value("#password") != SECRET:  # what was typed before the page woke up
        page.fill("#email", "maria@demo.example")
        page.fill("#password", SECRET)
    page.click("#sign-in")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    assert not [u for u in urls if SECRET in u or "password=" in u], urls
