"""The one style sheet every page loads stays cut to what the pages use (portal_app/components/
theme_css.py). One responsive Radix prop on any page (`columns=rx.breakpoints(...)` on the
employer's roster did) keeps Radix's breakpoint classes for every page: 0.25 MB more for each
client's phone to fetch, which `make bench` found a day later. This catches it in the suite."""
from __future__ import annotations

import re
import urllib.request

BREAKPOINT_UTILITY = re.compile(r"\.(?:xs|sm|md|lg|xl)\\:rt-r-")
MOST_DECODED_BYTES = 300_000  # 227 KB when cut; the whole of Radix is 698 KB


def test_the_pages_style_sheet_has_no_breakpoint_classes_and_stays_small(page, server):
    page.goto("/login")
    page.wait_for_selector("#sign-in")
    sheets = page.evaluate("[...document.styleSheets].map((s) => s.href).filter(Boolean)")
    radix = []
    for href in sheets:
        with urllib.request.urlopen(href, timeout=10) as answer:
            text = answer.read().decode("utf-8")
        if "rt-" in text:
            radix.append((href, text))
    assert radix, sheets
    for href, text in radix:
        assert not BREAKPOINT_UTILITY.search(text), f"{href} holds Radix's breakpoint classes"
        assert len(text.encode()) < MOST_DECODED_BYTES, (href, len(text.encode()))
