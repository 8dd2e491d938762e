"""A bar's length is its value: the width must be the number itself, not its JSON ('"0"%' is no CSS
width at all, and the browser drew such a bar full)."""
from __future__ import annotations

import json

import reflex as rx

from portal_app.pages.documents.checklist_common import bar


class _Rows(rx.State):
    row: dict[str, str] = {"percent": "0"}


def test_the_width_is_the_value_not_its_json():
    rendered = json.dumps(bar(_Rows.row["percent"], label="Complete").render())
    assert "JSON.stringify" not in rendered and "Number(" in rendered  # the value itself: 0 stays 0
    assert 'role:\\"progressbar\\"' in rendered and 'aria-label' in rendered.replace("ariaLabel", "aria-label")
