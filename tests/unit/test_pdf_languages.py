"""Invoice and receipt PDFs in the reader's language, with a font that covers each script (Debian's
Noto fonts; Arabic shaped right to left by HarfBuzz)."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from portal_app.services.billing import pdf_render
from portal_app.services.kernel import i18n, money

NOTO_PRESENT = pdf_render.LATIN[0].exists() and all(r.exists() for r, _b, _i in pdf_render.SCRIPT_FONTS.values())


def _invoice(locale: str) -> bytes:
    t = lambda key: i18n.t(key, locale)  # noqa: E731
    doc = pdf_render.Document(
        title=t("pdf.invoice"), number="INV-2026-00042", firm_name="Rivera & Chen Immigration Law", locale=locale,
        facts=[(t("pdf.client"), "María García"), (t("pdf.kind"), t("billing.kind.retainer"))],
        lines=[(i18n.content("Advance fee deposit (retainer)", locale), "1", money.format_money(150_000, "USD", locale),
                money.format_money(150_000, "USD", locale))],
        totals=[(t("pdf.total"), money.format_money(150_000, "USD", locale))], notes=[t("pdf.retainer_note")],
        headings=tuple(t(f"pdf.col_{c}") for c in ("item", "qty", "unit", "amount")), page_label=t("pdf.page"))
    return pdf_render.render(doc)


def _fonts(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    return {str(f["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()
            if "/BaseFont" in f.get_object()} if reader.pages else set()


@pytest.mark.skipif(not NOTO_PRESENT, reason="Debian's fonts-noto-core and fonts-noto-cjk (make setup installs them)")
@pytest.mark.parametrize("locale", ["es", "vi", "pt-BR", "zh-Hans", "ar"])
def test_the_invoice_pdf_is_in_the_readers_language_and_script(locale):
    data = _invoice(locale)
    fonts = " ".join(_fonts(data))
    assert "Noto" in fonts, fonts
    if locale in ("zh-Hans", "ar"):
        assert ("CJK" if locale == "zh-Hans" else "Arabic") in fonts, fonts
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text().replace("\x00", "")  # CJK CIDs as UTF-16
    if locale in ("es", "vi", "pt-BR", "zh-Hans"):  # Arabic comes out as shaped glyphs, checked by its font
        assert i18n.t("pdf.invoice", locale) in text and "María García" in text
        assert i18n.t("pdf.invoice", "en") + " INV" not in text
    amount = money.format_money(150_000, "USD", locale)
    digits = "".join(ch for ch in amount if ch.isdigit() or ch in ".,")
    assert digits in text.replace("\xa0", " "), (amount, text)
