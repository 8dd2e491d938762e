"""Property-based: whatever the payments, partial payments, declines, bank debits and refunds, and
whatever order and how often their events arrive, every journal balances, trust never goes
negative, and each payment is posted exactly once. And 1,000 deliveries (20% duplicates, shuffled)
end in the same books as in-order delivery. The same holds when the processor's own view lags its
events (a refund or a success arrives while a re-fetch still shows the payment unpaid): such an
event is not consumed, Stripe delivers it again, and it is placed once the processor catches up."""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from portal_app.services.billing import config as billing_config
from portal_app.services.billing.accounting import trust
from portal_app.services.billing.payments import events as stripe_events  # get_processor is looked up there
from tests.billing_helpers import allow_trust_cards
from tests.billing_scenarios import (
    LaggingProcessor,
    Plan,
    client_books,
    client_state,
    deliver,
    deliver_lagging,
    invariants,
    posted_exactly_once,
    run,
    shuffled_with_duplicates,
)
from tests.world import build_world

payment_step = st.tuples(st.integers(10, 90), st.sampled_from(["card", "card", "bank", "bank_returned"]),
                         st.booleans(), st.sampled_from([0, 0, 40, 100]))
invoice_plan = st.tuples(st.sampled_from(["retainer", "milestone", "expense"]), st.integers(5_000, 400_000),
                         st.lists(payment_step, min_size=1, max_size=3))
plans = st.builds(Plan, invoices=st.lists(invoice_plan, min_size=1, max_size=3))


@pytest.fixture
def world(portal_db):
    world = build_world()
    allow_trust_cards(world)
    billing_config.update(world.actor("admin"), minimum_partial_cents=50, approval_threshold_cents=10_000_000)
    return world


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=plans, order_seed=st.integers(0, 2**32), duplicates=st.integers(0, 8), transfer=st.booleans())
def test_any_order_keeps_the_books_right(world, plan, order_seed, duplicates, transfer):
    events, client_id = run(world, f"client-{order_seed}", plan)
    rng = random.Random(order_seed)
    order = shuffled_with_duplicates(len(events), duplicates, rng)
    checked = []

    def check_each_step():
        checked.append(invariants([client_id]))

    half = len(order) // 2
    deliver(events, order[:half], after=check_each_step)
    if transfer:
        _move_earned_fees(world, client_id)
    deliver(events, order[half:], after=check_each_step)
    assert all(not problems for problems in checked), [p for p in checked if p][:3]
    assert posted_exactly_once() == []


def _move_earned_fees(world, client_id: str) -> None:
    """Staff pay an open fee invoice from trust mid-stream (never beyond the trust balance)."""
    from portal_app.services.billing.invoices import views as invoice_views
    from portal_app.services.kernel.errors import PortalError

    for view in invoice_views.staff_list(world.actor("billing")):
        if view.kind != "retainer" and view.status in ("sent", "partially_paid"):
            try:
                trust.transfer_earned(world.actor("billing"), view.id, "1.00")
            except PortalError:
                pass  # not enough in trust, or nothing open: refused, nothing changed
            return


@settings(phases=[Phase.explicit, Phase.reuse, Phase.generate], max_examples=20,  # shrinking a failure takes minutes
          deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=plans, order_seed=st.integers(0, 2**32), duplicates=st.integers(0, 8), lag=st.sampled_from([0.5, 1.0]))
def test_any_order_while_the_processor_lags_matches_in_order(world, monkeypatch, plan, order_seed, duplicates, lag):
    in_order_events, in_order_client = run(world, f"in-order-{order_seed}", plan)
    events, client_id = run(world, f"lagging-{order_seed}", plan)
    deliver(in_order_events, list(range(len(in_order_events))))
    rng = random.Random(order_seed)
    order = shuffled_with_duplicates(len(events), duplicates, rng)
    view = LaggingProcessor(events, rng, len(order), lag)
    checked = []
    with monkeypatch.context() as patch:
        patch.setattr(stripe_events, "get_processor", lambda: view)
        deliver_lagging(events, order, view, after=lambda: checked.append(invariants([client_id])))
    assert all(not problems for problems in checked), [p for p in checked if p][:3]
    assert client_books(client_id) == client_books(in_order_client)
    assert client_state(client_id) == client_state(in_order_client)
    assert posted_exactly_once() == []


INVOICES = 162  # about 800 distinct events with this seed


def test_thousand_deliveries_shuffled_with_duplicates_match_in_order(world):
    rng = random.Random(20261125)
    plan = Plan(invoices=[(rng.choice(["retainer", "milestone", "expense"]), rng.randrange(10_000, 300_000),
                           [(rng.randrange(20, 80), rng.choice(["card", "card", "bank", "bank_returned"]),
                             rng.random() < 0.3, rng.choice([0, 0, 50, 100])) for _ in range(rng.randrange(1, 4))])
                          for _ in range(INVOICES)])
    in_order_events, in_order_client = run(world, "in-order", plan)
    shuffled_events, shuffled_client = run(world, "shuffled", plan)
    unique = len(shuffled_events)
    assert len(in_order_events) == unique and 780 <= unique <= 820, unique  # so about 20% are duplicates
    order = shuffled_with_duplicates(unique, 1000 - unique, rng)
    assert len(order) == 1000
    deliver(in_order_events, list(range(len(in_order_events))))
    deliver(shuffled_events, order)
    assert client_books(shuffled_client) == client_books(in_order_client)
    assert client_state(shuffled_client) == client_state(in_order_client)
    assert invariants([in_order_client, shuffled_client]) == []
    assert posted_exactly_once() == []


def test_thousand_deliveries_while_the_processor_lags_match_in_order(world, monkeypatch):
    rng = random.Random(20261201)
    plan = Plan(invoices=[(rng.choice(["retainer", "milestone", "expense"]), rng.randrange(10_000, 300_000),
                           [(rng.randrange(20, 80), rng.choice(["card", "card", "bank", "bank_returned"]),
                             rng.random() < 0.3, rng.choice([0, 50, 100, 100])) for _ in range(rng.randrange(1, 4))])
                          for _ in range(INVOICES)])
    in_order_events, in_order_client = run(world, "in-order", plan)
    lagging_events, lagging_client = run(world, "lagging", plan)
    deliver(in_order_events, list(range(len(in_order_events))))
    order = shuffled_with_duplicates(len(lagging_events), 1000 - len(lagging_events), rng)
    view = LaggingProcessor(lagging_events, rng, len(order), lag=0.6)
    monkeypatch.setattr(stripe_events, "get_processor", lambda: view)
    results = deliver_lagging(lagging_events, order, view)
    assert results.count("deferred") >= 10, results.count("deferred")  # the view did lag behind refunds and successes
    assert client_books(lagging_client) == client_books(in_order_client)
    assert client_state(lagging_client) == client_state(in_order_client)
    assert invariants([in_order_client, lagging_client]) == []
    assert posted_exactly_once() == []
