"""The staff checklist dashboard reads a fixed number of SQL statements, whatever the number of
matters and items on it."""
from __future__ import annotations

from bench.common import StatementCounter
from portal_app.services.documents import dashboard
from portal_app.services.matters import records as matters
from tests.world import build_world


def _open(world, count: int) -> None:
    for n in range(count):
        matters.open_matter(world.actor("attorney"), client_id=str(world.clients["client"].id),
                            case_type_code=["H1B", "I130", "N400"][n % 3], title=f"Dashboard {n}")


def _load(actor) -> tuple[int, int]:
    with StatementCounter() as statements:
        rows = dashboard.rows(actor)
    return statements.count, len(rows)


def test_checklist_dashboard_issues_the_same_statements_at_two_sizes(portal_db):
    world = build_world()
    _open(world, 2)
    small, small_rows = _load(world.actor("attorney"))
    _open(world, 9)
    large, large_rows = _load(world.actor("attorney"))
    assert large_rows == small_rows + 9
    assert large == small, (small, large)
