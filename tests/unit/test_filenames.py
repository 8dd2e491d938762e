"""Client file names are never paths: cleaned for display, and the stored name follows the item's
naming convention whatever the client's file was called."""
from __future__ import annotations

import pytest

from portal_app.services.files.names import ascii_words, content_disposition, conventional_name, display_name


@pytest.mark.parametrize("raw, expected", [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\maria\\Desktop\\pasaporte.pdf", "pasaporte.pdf"),
    ("scan\x00.pdf\x1b[31m", "scan.pdf[31m"),  # control characters are removed (kernel/text.py)
    ("invoice\u202efdp.exe", "invoicefdp.exe"),  # a right-to-left override cannot disguise the extension
    ("  ..hidden.pdf  ", "hidden.pdf"),
    ("身份证 扫描.jpg", "身份证 扫描.jpg"),
    ("جواز السفر.pdf", "جواز السفر.pdf"),
    ("", "file"),
    ("////", "file"),
    ('a<b>c:"d"|e?*.pdf', "a b c d e .pdf"),
])
def test_display_names_are_safe(raw, expected):
    assert display_name(raw) == expected


def test_very_long_names_keep_their_extension():
    name = display_name("x" * 500 + ".jpeg")
    assert len(name) == 120 and name.endswith(".jpeg")


def test_conventional_names_follow_the_item_not_the_upload():
    assert conventional_name("Passport_Bio_Page_{name}", person="Jane Doe",
                             content_type="application/pdf") == "Passport_Bio_Page_Jane_Doe.pdf"
    assert conventional_name("Passport_Bio_Page_{name}", person="María José O'Neil", content_type="image/jpeg",
                             number=2) == "Passport_Bio_Page_Maria_Jose_ONeil_2.jpg"
    assert conventional_name("US_Org_Chart", person="Acme", content_type="image/png") == "US_Org_Chart.png"
    assert conventional_name("", person="王伟", content_type="image/heic") == "Document.heic"
    assert ascii_words("Zoë  Saldaña-Nazario") == "Zoe_Saldana_Nazario"


def test_content_disposition_has_an_ascii_fallback_and_the_utf8_name():
    header = content_disposition('Acta "nacimiento" María.pdf', "inline")
    assert header.startswith('inline; filename="Acta_nacimiento_Maria.pdf"')
    assert "filename*=UTF-8''Acta%20nacimiento%20Mar%C3%ADa.pdf" in header
    assert "\n" not in content_disposition("a\r\nSet-Cookie: x=1.pdf")
