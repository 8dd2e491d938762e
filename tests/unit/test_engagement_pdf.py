"""The signed engagement letter's PDF in every language a client reads: the letter's text, then the
signature page with its labels in the signer's language, the UTC time, the address and the hash."""
from __future__ import annotations

import io
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from portal_app.services.engagement import signed_pdf
from portal_app.services.kernel import i18n

HASH = "3f" * 32


def _text(page) -> str:
    return page.extract_text().replace("\x00", "")  # the CJK font's text layer comes out as UTF-16


def _render(locale: str, signed_at: datetime = datetime(2026, 3, 8, 6, 30, tzinfo=timezone.utc)) -> PdfReader:
    letter = SimpleNamespace(title="Engagement letter and fee agreement", body="Between the firm and Wei Zhang.\n\n1. The work.",
                             signed_at=signed_at, signer_timezone="America/New_York",
                             signed_name="Wei Zhang", signed_ip="2001:db8::7", template_version=3, text_sha256=HASH)
    data = signed_pdf.render(letter, SimpleNamespace(reference="MTR-2026-0002", title="H-1B petition"),
                             SimpleNamespace(full_name="Wei Zhang"), "wei@demo.example", locale)
    return PdfReader(io.BytesIO(data))


@pytest.mark.parametrize("locale", i18n.offered_locales())
def test_the_signature_page_is_in_the_signers_language_with_the_hash(locale):
    pdf = _render(locale)
    assert len(pdf.pages) == 2
    assert "Between the firm and Wei Zhang." in _text(pdf.pages[0])  # the letter, left to right
    page = _text(pdf.pages[1])
    assert HASH in page.replace("\n", "") and "2001:db8::7" in page and "2026-03-08 06:30:00 UTC" in page
    if locale != "ar":  # Arabic labels come out of the text layer in visual order
        assert i18n.t("engagement.pdf_signature_page", locale) in page
        assert i18n.t("engagement.pdf_address", locale) in page


def test_the_local_time_is_the_signers_zone_either_side_of_the_spring_change():
    before = _text(_render("en").pages[1])  # 06:30 UTC on 8 March 2026: 1:30 EST, half an hour before the change
    assert "1:30" in before and "EST" in before
    after = _text(_render("en", datetime(2026, 3, 8, 7, 30, tzinfo=timezone.utc)).pages[1])  # an hour later: 3:30 EDT
    assert "3:30" in after and "EDT" in after and "2026-03-08 07:30:00 UTC" in after
