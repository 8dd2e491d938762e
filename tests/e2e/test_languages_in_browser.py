"""Each language, as its reader meets it: a client who reads it signs in and walks home → intake →
documents → pay → receipt; every page has the right <html lang/dir>, the catalog's text in that
language and no English catalog string. A signed-out visitor gets the best match of Accept-Language;
the switch re-renders in place, keeps what was typed and is saved on the account."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from models import Client, User
from portal_app.services.billing.invoices import drafts, lifecycle
from portal_app.services.billing.invoices.drafts import DraftInput, LineInput
from portal_app.services.kernel import db, formats, i18n
from portal_app.services.kernel.actor import Actor
from tests.e2e.helpers import matter_id, sign_in, slow_phone_cpu

LANGUAGES = ("es", "zh-Hans", "vi", "pt-BR", "ar")  # offered to clients, besides English
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots" / "languages"  # copies kept in docs/screenshots/languages/
PLACEHOLDER = re.compile(r"\{\w+\}")


def _set_locale(email: str, locale: str) -> None:
    with db.write() as s:
        s.exec(select(User).where(User.email == email)).one().locale = locale


@pytest.fixture(autouse=True)
def everyone_reads_english_after():
    """The other browser tests read English: whatever a test here switched, failed or not, is put back."""
    yield
    with db.write() as s:
        for user in s.exec(select(User).where(User.locale != "en")).all():
            user.locale = "en"


def _actor(email: str) -> Actor:
    with db.read() as s:
        user = s.exec(select(User).where(User.email == email)).one()
        client = s.exec(select(Client).where(Client.user_id == user.id)).first()
        return Actor(user_id=user.id, role=user.role, email=user.email, full_name=user.full_name,
                     client_id=client.id if client else None, organization_id=user.organization_id)


def _invoice_for_maria(title: str, cents: int) -> None:
    billing = _actor("billing@demo.example")
    line = LineInput(kind="legal_fee", description="Advance fee deposit (retainer)", unit_amount_cents=cents)
    invoice_id = drafts.create(billing, matter_id("MTR-2026-0001"),
                               DraftInput(kind="milestone", title=title, lines=[line]))
    lifecycle.send(billing, invoice_id)


def english_strings(locale: str) -> tuple[list[str], set[str]]:
    """English catalog texts (their longest fixed part) that the language says differently, and the
    content texts (whole: an invoice title staff typed may quote a case type, and stays as typed)."""
    theirs, out = i18n.catalog(locale), []
    for key, english in i18n.catalog("en").items():
        if isinstance(english, tuple) or theirs.get(key) == english:
            continue
        part = max(PLACEHOLDER.split(english), key=len).strip()
        if len(part) >= 14:
            out.append(part)
    content = i18n.area_catalog(locale, i18n.CONTENT_AREA)
    return out, {en for en, text in content.items() if en != text}


def assert_in_language(page, locale: str, *expected_keys: str) -> None:
    lang = i18n.language(locale)
    expect(page.locator("html")).to_have_attribute("lang", lang.code)
    expect(page.locator("html")).to_have_attribute("dir", lang.direction)
    for key in expected_keys:
        expect(page.locator("body")).to_contain_text(i18n.t(key, locale))
    english = _english_on(page, locale)
    for _ in range(10):  # what the page loads after it shows (its state's first answer) may still arrive
        if not english:
            break
        page.wait_for_timeout(500)
        english = _english_on(page, locale)
    body = page.locator("body").inner_text()
    where = [body[max(0, body.find(e) - 80):body.find(e) + len(e) + 40] for e in english[:3]]
    assert not english, f"English on a {locale} page ({page.url}): {english[:5]} in {where}"


def _english_on(page, locale: str) -> list[str]:
    body = page.locator("body").inner_text()
    keys, content = english_strings(locale)
    lines = {line.strip().rstrip(" *") for line in body.splitlines()}
    return [s for s in keys if s in body] + sorted(lines & content)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_client_walks_home_intake_documents_pay_receipt_in_their_language(browser, server, locale):
    chromium, devices = browser
    _set_locale("maria@demo.example", locale)
    title = f"Consultation {locale}"
    _invoice_for_maria(title, 15_000)
    phone = locale in ("ar", "zh-Hans")
    context = chromium.new_context(base_url=server.url, locale=locale, **(devices["iPhone 13"] if phone else {}))
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        sign_in(page, "maria@demo.example")
        page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
        assert_in_language(page, locale, "client_home.intro", "client_home.documents_needed")
        _shot(page, locale, "home", phone)
        matter = matter_id("MTR-2026-0001")
        page.goto(f"/matters/{matter}/intake")
        expect(page.locator("#q-full_name")).to_contain_text(i18n.content("Full legal name (as in your passport)", locale))
        assert_in_language(page, locale, "intake.status_submitted", "intake.yes")
        _shot(page, locale, "intake", phone)
        page.goto(f"/matters/{matter}/documents")
        expect(page.locator("body")).to_contain_text(i18n.content("Passport bio page", locale))
        assert_in_language(page, locale, "documents.title")
        back_arrow = page.locator(".lucide-arrow-left").first.evaluate("(icon) => getComputedStyle(icon).transform")
        assert (back_arrow == "matrix(-1, 0, 0, 1, 0, 0)") == (locale == "ar"), back_arrow  # it points the way back
        _shot(page, locale, "documents", phone)
        page.goto(f"/matters/{matter}/messages")
        assert_in_language(page, locale, "conversations.send", "conversations.mail_note")
        _shot(page, locale, "messages", phone)
        page.goto("/support")
        assert_in_language(page, locale, "support.intro", "support.send")
        _shot(page, locale, "support", phone)
        page.goto("/client")
        page.locator(".invoice-card", has_text=title).locator(".pay-button").click()
        page.wait_for_url(re.compile(r"^[^?]*/pay/"))
        assert_in_language(page, locale, "billing.pay_title")
        expect(page.locator("#pay-now")).to_be_visible()
        if page.locator("#choose-new-card").count():  # a card saved by an earlier test is chosen: she picks a new one
            page.locator("#choose-new-card").click()
        page.fill("#card-number", "4242 4242 4242 4242")
        page.fill("#card-expiry", "12/34")
        page.fill("#card-cvc", "123")
        save = page.get_by_role("checkbox", name=i18n.t("billing.save_card", locale))
        expect(save).to_have_attribute("aria-checked", "false")  # no card kept: later payment tests type their own
        page.click("#pay-now")
        expect(page.locator("#payment-received")).to_have_text(i18n.t("billing.payment_received", locale))
        _shot(page, locale, "pay", phone)
        page.click("#see-receipt")
        expect(page.locator("#receipt-amount")).to_have_text(formats.money(15_000, "USD", locale))
        assert_in_language(page, locale, "billing.receipt_title")
        _shot(page, locale, "receipt", phone)
    finally:
        context.close()


def _shot(page, locale: str, name: str, phone: bool) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{locale}-{name}-{'phone' if phone else 'desktop'}.png"), full_page=True)


@pytest.mark.parametrize("locale", LANGUAGES)
def test_a_signed_out_visitor_gets_the_best_match_of_accept_language(browser, server, locale):
    chromium, _devices = browser
    context = chromium.new_context(base_url=server.url, extra_http_headers={"Accept-Language": f"{locale},en;q=0.5"})
    page = context.new_page()
    try:
        page.goto("/login")
        expect(page.locator("#sign-in")).to_have_text(i18n.t("login.submit", locale))
        assert_in_language(page, locale, "login.subtitle", "footer.secure")
        page.goto("/help")
        assert_in_language(page, locale, "support.intro_signed_out", "support.back_to_sign_in")
    finally:
        context.close()


def test_the_switch_keeps_what_was_typed_and_is_saved_on_the_account(page):
    page.goto("/login")
    page.fill("#email", "wei@demo.example")
    page.select_option("#language-switch", "es")
    expect(page.locator("#sign-in")).to_have_text(i18n.t("login.submit", "es"))
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("#email")).to_have_value("wei@demo.example")
    page.fill("#password", "portal-demo-2026")
    slow_phone_cpu(page, 10)  # home shows seconds before it answers: a choice made then was put back (CI, 12-01)
    page.click("#sign-in")
    page.wait_for_url(re.compile(r"^[^?]*/client/?$"))
    expect(page.locator("html")).to_have_attribute("lang", "es")  # the browser's choice, until the account says
    page.select_option("#language-switch", "en")  # waits while the switch is disabled: the page is not live yet
    expect(page.locator("body")).to_contain_text(i18n.t("client_home.documents_needed", "en"))
    page.select_option("#language-switch", "es")
    expect(page.locator("body")).to_contain_text(i18n.t("client_home.documents_needed", "es"))
    with db.read() as s:
        assert s.exec(select(User.locale).where(User.email == "wei@demo.example")).one() == "es"
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "es")
