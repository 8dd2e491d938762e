"""A link to an /api/ route must never be handed to the single-page router (it has no page there and
shows "Page not found"): `file_link` renders a plain <a href>, and no page or component passes an
/api/ address, or a minted file link, to rx.link."""
from __future__ import annotations

import json
import re
from pathlib import Path

import reflex as rx

from portal_app.components.ui import file_link

ROOT = Path(__file__).resolve().parents[2] / "portal_app"


def _tree(component) -> str:
    return json.dumps(component.render())


def test_rx_link_would_route_an_api_address_through_the_router():
    assert "ReactRouterLink" in _tree(rx.link("x", href="/api/files/1"))  # the defect, shown on purpose


def test_file_link_is_a_plain_anchor_with_download_or_a_new_tab():
    download = _tree(file_link("Download", "/api/files/1?t=abc", download=True))
    assert "ReactRouterLink" not in download and 'href:\\"/api/files/1?t=abc\\"' in download and "download:" in download
    tab = _tree(file_link("Open", "/api/files/1?t=abc", new_tab=True))
    assert "ReactRouterLink" not in tab and '_blank' in tab and "noopener" in tab


def test_no_page_hands_an_api_address_to_rx_link():
    offenders = []
    for path in [*ROOT.joinpath("pages").rglob("*.py"), *ROOT.joinpath("components").rglob("*.py")]:
        text = path.read_text()
        for call in re.finditer(r"rx\.link\((?:[^()]|\([^()]*\))*\)", text, re.S):
            if re.search(r"/api/|\.link\[|\[\"(view|download)\"\]", call.group(0)):
                offenders.append(f"{path.relative_to(ROOT)}: {call.group(0)[:80]}")
    assert not offenders, offenders
