"""The figures cost a constant number of statements: the same at 30 and at 90 matters (the bench
runs the same practice at 1,000 and 5,000 matters and prints the time)."""
from __future__ import annotations

from bench.insights import NOW, counted, populate
from portal_app.services.insights import filters, report


def _statements(matters: int, start: int = 0) -> tuple[int, int]:
    partner = populate(matters, start=start)
    r, _seconds, statements = counted(report.compute, partner, filters.default_period(NOW), NOW)
    opened = sum(row["opened"] for row in r.figure("filing").rows)
    return statements, opened


def test_statement_count_does_not_grow_with_the_practice(portal_db):
    small, opened_small = _statements(30)
    large, opened_large = _statements(90, start=30)  # 90 more on top: 120 in all
    assert opened_small > 0 and opened_large > opened_small  # the figures did see the larger practice
    assert small == large <= 12, (small, large)
