"""The signed engagement letter as a PDF: the letter's exact text, then a signature page recording
who signed (typed name and account), when (the signer's zone and UTC), from which address, the ESIGN
consent, and the SHA-256 of the text they were shown. Labels are in the signer's language; the font
follows it (files/pdf_pages.py)."""
from __future__ import annotations

import unicodedata
from datetime import timezone

from models import Client, EngagementLetter, Matter
from portal_app.services.files.pdf_pages import RTL, PortalPdf
from portal_app.services.kernel import i18n, localtime
from portal_app.services.kernel.settings import get_settings


def signature_facts(letter: EngagementLetter, client: Client, account: str, locale: str) -> list[tuple[str, str]]:
    """(label, value) rows of the signature page, in the signer's language."""
    def t(key: str, **params) -> str:
        return i18n.t(f"engagement.pdf_{key}", locale, **params)
    local = localtime.shown_datetime(letter.signed_at, letter.signer_timezone or None, locale)
    utc = letter.signed_at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    return [(t("signed_by"), letter.signed_name), (t("client"), client.full_name), (t("account"), account),
            (t("signed_at"), f"{local} ({utc})"), (t("address"), letter.signed_ip or "-"),
            (t("consent"), t("consent_given")), (t("version"), str(letter.template_version))]


def _right_to_left(value: str) -> bool:
    """The direction of a text is that of its first letter (the firm's letter is usually English)."""
    for char in value:
        kind = unicodedata.bidirectional(char)
        if kind in ("L", "R", "AL"):
            return kind != "L"
    return False


def _in_own_direction(pdf: PortalPdf, locale: str, value: str, draw) -> None:
    """An English letter, an address or a hash on an Arabic reader's PDF still reads left to right; the labels
    stay theirs."""
    if locale not in RTL or _right_to_left(value):
        draw()
        return
    script, language = RTL[locale]
    pdf.set_text_shaping(use_shaping_engine=True, direction="ltr")
    try:
        draw()
    finally:
        pdf.set_text_shaping(use_shaping_engine=True, direction="rtl", script=script, language=language)


def render(letter: EngagementLetter, matter: Matter, client: Client, account: str, locale: str) -> bytes:
    firm = get_settings().firm_name
    pdf = PortalPdf(firm, locale, i18n.t("pdf.page", locale))
    pdf.set_title(f"{letter.title} {matter.reference}")
    t = pdf.text_safe
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 14)
    _in_own_direction(pdf, locale, letter.title, lambda: pdf.multi_cell(0, 8, t(letter.title), new_x="LMARGIN",
                                                                        new_y="NEXT"))
    pdf.set_font(pdf.family, "", 10)
    _in_own_direction(pdf, locale, letter.body, lambda: pdf.multi_cell(0, 5, t(letter.body), new_x="LMARGIN", new_y="NEXT"))
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 14)
    pdf.cell(0, 9, t(i18n.t("engagement.pdf_signature_page", locale)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 10)
    pdf.multi_cell(0, 6, t(f"{matter.reference} - {matter.title}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for label, value in signature_facts(letter, client, account, locale):
        pdf.set_font(pdf.family, "B", 10)
        pdf.multi_cell(0, 6, t(label), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(pdf.family, "", 10)
        _in_own_direction(pdf, locale, value, lambda v=value: pdf.multi_cell(0, 6, t(v), new_x="LMARGIN", new_y="NEXT"))
    pdf.ln(2)
    pdf.set_font(pdf.family, "B", 10)
    pdf.multi_cell(0, 6, t(i18n.t("engagement.pdf_sha256", locale)), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 9)  # the hash on one line, as the page showed it
    _in_own_direction(pdf, locale, letter.text_sha256,
                      lambda: pdf.cell(0, 6, letter.text_sha256, new_x="LMARGIN", new_y="NEXT"))
    pdf.set_font(pdf.family, "", 9)
    pdf.ln(2)
    pdf.multi_cell(0, 5, t(i18n.t("engagement.pdf_hash_note", locale)), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
