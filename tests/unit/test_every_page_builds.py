"""Every registered page builds its component tree in Python: a prop Reflex refuses (a responsive
size where only a literal is taken, a Var used as a bool) fails here in seconds, not after a
minute-long browser build."""
from __future__ import annotations


def test_every_page_builds():
    from portal_app.portal_app import app

    pages = app._unevaluated_pages
    assert len(pages) > 25
    for route, page in pages.items():
        assert page.component() is not None, route
