"""The staff side in each language its catalogs now cover: an administrator who reads Arabic,
Chinese, Vietnamese or Portuguese opens the staff pages from the menu; each page is in that language
(<html lang/dir>, no catalog key and no English catalog sentence shown) and does not scroll
sideways on a phone, where the longer words of some languages would push a table out."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel import Locale
from playwright.sync_api import expect
from sqlmodel import select

from models import OutboxMessage, User
from portal_app.services.kernel import db, i18n
from tests.e2e.helpers import sideways_by, sign_in
from tests.e2e.test_languages_in_browser import PLACEHOLDER, english_strings
from tests.e2e.test_staff_pages_in_browser import _TEXT_WITHOUT_CODE, settled
from tests.e2e.test_staff_review_in_browser import staff_page

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots" / "staff-languages"
PAGES = ("/staff", "/staff/checklists", "/tasks", "/billing", "/billing/trust", "/billing/webhooks",
         "/staff/records", "/staff/insights", "/admin/outbox", "/admin/jobs", "/staff/templates", "/staff/support")
KEY_SHOWN = re.compile(r"\b[a-z]+\.[a-z]+_[a-z_.]+\b")
ENGLISH_MONTHS = tuple(Locale("en").months["format"]["wide"].values())


def _set_locale(email: str, locale: str) -> None:
    with db.write() as s:
        s.exec(select(User).where(User.email == email)).one().locale = locale


def _english_shown(page, locale: str) -> list[str]:
    """English catalog sentences on the page, leaving out mail (the outbox lists subjects as they
    were written, in each recipient's language: the demo clients read English)."""
    text = page.evaluate(_TEXT_WITHOUT_CODE)
    mail = {part for key, english in i18n.catalog("en").items() if key.startswith(("mail.", "digest."))
            and isinstance(english, str) for part in PLACEHOLDER.split(english)}
    with db.read() as session:  # the subjects themselves, as written for their (English) readers
        subjects = session.exec(select(OutboxMessage.subject)).all()
    return [s for s in english_strings(locale)[0] if s in text and s not in {m.strip() for m in mail}
            and not any(s in subject for subject in subjects)]


@pytest.mark.parametrize("locale", ("ar", "zh-Hans", "vi", "pt-BR"))
def test_an_administrator_reads_the_staff_pages_in_their_language(browser, server, locale):
    _set_locale("admin@demo.example", locale)
    found: list[str] = []
    try:
        for phone in (False, True):
            page = staff_page(browser, server, phone=phone)
            sign_in(page, "admin@demo.example")
            page.wait_for_url(re.compile(r"^[^?]*/staff/?$"))
            lang = i18n.language(locale)
            expect(page.locator("html")).to_have_attribute("lang", lang.code)
            expect(page.locator("html")).to_have_attribute("dir", lang.direction)
            expect(page.locator("main")).to_contain_text(i18n.t("staff_home.title", locale))
            for path in PAGES:
                page.goto(path)
                settled(page)
                where = f"{locale} {'phone' if phone else 'desktop'} {path}"
                found += [f"{where}: key {k}" for k in KEY_SHOWN.findall(page.evaluate(_TEXT_WITHOUT_CODE))]
                found += [f"{where}: English {e!r}" for e in _english_shown(page, locale)]
                if path == "/staff":  # the upcoming deadlines: dates and "in 12 days" in the reader's words
                    body = page.evaluate(_TEXT_WITHOUT_CODE)
                    found += [f"{where}: English month {m}" for m in ENGLISH_MONTHS if m in body]
                    found += [f"{where}: English 'in N days'" for _ in re.findall(r"\bin \d+ days\b", body)]
                if phone and sideways_by(page) > 1:
                    found.append(f"{where}: scrolls sideways")
                SHOTS.mkdir(parents=True, exist_ok=True)
                name = f"{locale}-{path.strip('/').replace('/', '-')}-{'phone' if phone else 'desktop'}.png"
                page.screenshot(path=str(SHOTS / name), full_page=True)
            page.context.close()
    finally:
        _set_locale("admin@demo.example", "en")
    assert not found, "\n".join(found)
