"""The portal's PDF pages, made with fpdf2 (pure Python, maintained, no system libraries; it embeds a
TrueType font so names in any Latin, Greek or Cyrillic script print correctly): the font follows the
reader's language, Debian's Noto fonts (`fonts-noto-core`: Noto Sans, Noto Sans Arabic;
`fonts-noto-cjk`: Noto Sans CJK SC), with Noto Sans as the fallback for names in another script;
Arabic is shaped and laid out right to left by HarfBuzz (uharfbuzz). Without Noto the PDF uses DejaVu
Sans (`fonts-dejavu-core`), and without that the built-in Helvetica, which replaces characters it
cannot print. Invoices and receipts (billing) and signed engagement letters (engagement) use it."""
from __future__ import annotations

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


class PortalPdf(FPDF):
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
