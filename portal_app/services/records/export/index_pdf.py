"""The export's index as a PDF (fpdf2, the same font choice as the billing PDFs): the matter, then
every checklist item with its versions, reviews and reasons."""
from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from portal_app.services.records.export.contents import Contents
from portal_app.services.records.export.tables import index_rows

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
COLUMNS = [("Item", 52), ("Ver.", 10), ("File", 70), ("Review", 20), ("Reason / note", 54), ("Reviewed", 24),
           ("Size", 18), ("SHA-256 (start)", 26)]


class _Pdf(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(orientation="L", format="Letter")
        self.title_text, self.family = title, "Helvetica"
        regular, bold = FONT_DIR / "DejaVuSans.ttf", FONT_DIR / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            self.add_font("DejaVu", "", str(regular))
            self.add_font("DejaVu", "B", str(bold))
            self.family = "DejaVu"
        self.set_auto_page_break(auto=True, margin=14)

    def safe(self, text: object) -> str:
        value = str(text or "")
        return value if self.family != "Helvetica" else value.encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(self.family, "", 7)
        self.cell(0, 5, self.safe(f"{self.title_text} · page {self.page_no()}"), align="C")


def render(c: Contents) -> bytes:
    m = c.matter
    pdf = _Pdf(f"{m.reference} export index")
    pdf.add_page()
    pdf.set_font(pdf.family, "B", 14)
    pdf.cell(0, 8, pdf.safe(f"{m.reference} · {m.title}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(pdf.family, "", 9)
    for label, value in (("Client", c.client_name), ("Case type", c.case_type), ("Status", m.status),
                         ("Opened", m.opened_at.date().isoformat()),
                         ("Exported", c.gathered_at.isoformat(timespec="seconds") if c.gathered_at else "")):
        pdf.cell(0, 5, pdf.safe(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(pdf.family, "B", 8)
    for title, width in COLUMNS:
        pdf.cell(width, 6, title, border="B")
    pdf.ln()
    pdf.set_font(pdf.family, "", 7)
    for row in index_rows(c):
        item, _status, reason, version, path, _orig, _up, _by, size, sha, review, note, _rby, reviewed, deleted = row
        cells = [item, version, path.rsplit("/", 1)[-1], review or _status, note or reason,
                 str(reviewed)[:10] or str(deleted)[:10], size, str(sha)[:12]]
        for (_title, width), value in zip(COLUMNS, cells, strict=True):
            text = pdf.safe(value)
            while text and pdf.get_string_width(text) > width - 1:
                text = text[:-2] + "…" if pdf.family != "Helvetica" else text[:-1]
            pdf.cell(width, 5, text)
        pdf.ln()
    return bytes(pdf.output())
