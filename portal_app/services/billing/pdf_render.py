"""Invoice and receipt PDFs: the document's layout on the portal's PDF pages (files/pdf_pages.py:
the reader's script in Noto, right to left in Arabic)."""
from __future__ import annotations

from dataclasses import dataclass, field

from portal_app.services.files.pdf_pages import LATIN, SCRIPT_FONTS, PortalPdf

__all__ = ["LATIN", "SCRIPT_FONTS", "Document", "render"]


@dataclass(frozen=True)
class Document:
    title: str  # "Invoice" | "Receipt"
    number: str
    firm_name: str
    facts: list[tuple[str, str]]  # (label, value) under the title
    lines: list[tuple[str, str, str, str]] = field(default_factory=list)  # description, qty, unit, amount
    totals: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    locale: str = "en"  # the reader's language: the labels are already in it, the font follows it
    headings: tuple[str, str, str, str] = ("Item", "Qty", "Unit", "Amount")
    page_label: str = "page"


def render(doc: Document) -> bytes:
    pdf = PortalPdf(doc.firm_name, doc.locale, doc.page_label)
    pdf.set_title(f"{doc.title} {doc.number}")
    pdf.add_page()
    t = pdf.text_safe
    pdf.set_font(pdf.family, "B", 16)
    pdf.cell(0, 9, t(doc.firm_name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "B", 13)
    pdf.cell(0, 8, t(f"{doc.title} {doc.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 10)
    for label, value in doc.facts:
        pdf.cell(45, 6, t(label))
        pdf.multi_cell(0, 6, t(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    if doc.lines:
        _lines(pdf, doc.lines, doc.headings)
    for label, value in doc.totals:
        pdf.set_font(pdf.family, "B" if label == doc.totals[-1][0] else "", 10)
        pdf.cell(150, 7, t(label), align="R")
        pdf.cell(0, 7, t(value), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 9)
    for note in doc.notes:
        pdf.ln(2)
        pdf.multi_cell(0, 5, t(note), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _lines(pdf: PortalPdf, lines: list[tuple[str, str, str, str]], headings: tuple[str, str, str, str]) -> None:
    t = pdf.text_safe
    with pdf.table(col_widths=(100, 18, 36, 36), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
                   line_height=6) as table:
        table.row([t(x) for x in headings])
        for line in lines:
            table.row([t(x) for x in line])
    pdf.ln(2)
