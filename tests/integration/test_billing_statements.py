"""/billing and the invoice lists read a fixed number of SQL statements, whatever the number of
invoices (they used to read each invoice's lines and payments one invoice at a time)."""
from __future__ import annotations

from bench.common import StatementCounter
from portal_app.services.billing.invoices import views as invoice_views
from tests.billing_helpers import make_invoice, pay_with_card
from tests.world import build_world


def _statements(fn, *args) -> tuple[int, list]:
    with StatementCounter() as statements:
        result = fn(*args)
    return statements.count, result


def _add_invoices(world, count: int) -> None:
    for n in range(count):
        invoice_id = make_invoice(world, "milestone", 10_000 + n)
        if n % 2 == 0:
            pay_with_card(world, invoice_id)


def test_invoice_lists_issue_the_same_statements_at_two_sizes(portal_db):
    world = build_world()
    matter_id = str(world.matters["own"].id)
    loads = {"staff": (invoice_views.staff_list, world.actor("billing")),
             "client": (invoice_views.for_client, world.actor("client")),
             "matter": (invoice_views.for_matter, world.actor("attorney"), matter_id)}
    _add_invoices(world, 2)
    small = {name: _statements(*load) for name, load in loads.items()}
    _add_invoices(world, 8)
    large = {name: _statements(*load) for name, load in loads.items()}
    for name in loads:
        assert len(large[name][1]) == len(small[name][1]) + 8, name  # the lists did grow
        assert large[name][0] == small[name][0], (name, small[name][0], large[name][0])
    client_view = next(v for v in large["client"][1] if v.payments)
    assert client_view.lines and client_view.payments[0].status == "succeeded"  # details still there
