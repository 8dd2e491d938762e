"""Invoice and receipt PDFs, made with fpdf2 (pure Python, maintained, no system libraries; it
embeds a TrueType font so names in any Latin, Greek or Cyrillic script print correctly).
The font follows the reader's language: Debian's Noto fonts (`fonts-noto-core`: Noto Sans, Noto Sans
Arabic; `fonts-noto-cjk`: Noto Sans CJK SC), with Noto Sans as the fallback for names in another
script; Arabic is shaped and laid out right to left by HarfBuzz (uharfbuzz). Without Noto the PDF
uses DejaVu Sans (`fonts-dejavu-core`), and without that the built-in Helvetica, which replaces
characters it cannot print."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
NOTO = Path("/usr/share/fonts/truetype/noto")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto")
# language -> (regular, bold, index in a font collection); CJK SC is the third face of the .ttc
SCRIPT_FONTS = {
    "zh-Hans": (NOTO_CJK / "NotoSansCJK-Regular.ttc", NOTO_CJK / "NotoSansCJK-Bold.ttc", 2),
    "ar": (NOTO / "NotoSansArabic-Regular.ttf", NOTO / "NotoSansArabic-Bold.ttf", 0),
}
LATIN = (NOTO / "NotoSans-Regular.ttf", NOTO / "NotoSans-Bold.ttf", 0)
RTL = {"ar": ("arab", "ara")}


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


class _Pdf(FPDF):
    def __init__(self, firm: str, locale: str = "en", page_label: str = "page") -> None:
        super().__init__(format="Letter")
        self.firm, self.family, self.page_label = firm, "Helvetica", page_label
        if not self._noto(locale):
            regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
            if regular.exists() and bold.exists():
                self.add_font("DejaVu", "", str(regular))
                self.add_font("DejaVu", "B", str(bold))
                self.family = "DejaVu"
        self.set_auto_page_break(auto=True, margin=18)
        self.set_creator("Immigration client portal")

    def _noto(self, locale: str) -> bool:
        """The reader's script in Noto, Noto Sans behind it for names in Latin letters."""
        faces = [("Noto", LATIN)] + ([("NotoScript", SCRIPT_FONTS[locale])] if locale in SCRIPT_FONTS else [])
        if not all(regular.exists() and bold.exists() for _n, (regular, bold, _i) in faces):
            return False
        for name, (regular, bold, index) in faces:
            self.add_font(name, "", str(regular), collection_font_number=index)
            self.add_font(name, "B", str(bold), collection_font_number=index)
        self.family = faces[-1][0]
        if len(faces) > 1:
            self.set_fallback_fonts(["Noto"])
        if locale in RTL:
            script, language = RTL[locale]
            self.set_text_shaping(use_shaping_engine=True, direction="rtl", script=script, language=language)
        return True

    def text_safe(self, text: str) -> str:
        text = text.replace("\u2066", "").replace("\u2069", "")  # isolates: HarfBuzz orders the line itself
        if self.family != "Helvetica":
            return text
        return text.encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.family, "", 8)
        self.cell(0, 6, self.text_safe(f"{self.firm} · {self.page_label} {self.page_no()}"), align="C")


def render(doc: Document) -> bytes:
    pdf = _Pdf(doc.firm_name, doc.locale, doc.page_label)
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


def _lines(pdf: _Pdf, lines: list[tuple[str, str, str, str]], headings: tuple[str, str, str, str]) -> None:
    t = pdf.text_safe
    with pdf.table(col_widths=(100, 18, 36, 36), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
                   line_height=6) as table:
        table.row([t(x) for x in headings])
        for line in lines:
            table.row([t(x) for x in line])
    pdf.ln(2)
