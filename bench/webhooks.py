"""Verified-webhook ingestion: signed Stripe-shaped events posted to POST /api/stripe/webhook (the
real route: signature check by the stripe SDK, the event stored in the inbox, the books posted by
the drain the route starts, which runs alongside), duplicates included. Reports throughput and
p50/p95 latency, against a baseline in the same run: requests to the same route whose signature
fails (read the body, verify, answer 400), which is the floor of the HTTP and verification cost.
Then waits until the inbox has posted everything and checks the books: the same plan paid by a
second client whose events were delivered in order must give the same books and invoices."""
from __future__ import annotations

import random
import statistics
import time

import sqlalchemy as sa

from starlette.testclient import TestClient

from bench.common import LABEL, StatementCounter, database, kinds
from bench.results import Figure
from models import ProviderEvent
from portal_app.api import RequestGuard, build_api
from portal_app.services.billing import config as billing_config
from portal_app.services.billing.payments import inbox
from portal_app.services.kernel import db
from tests.billing_scenarios import Plan, client_books, client_state, deliver, posted_exactly_once
from tests.billing_scenarios import run as run_scenario
from tests.world import build_world

INVOICES, SMOKE_INVOICES = 60, 4
DUPLICATE_SHARE = 0.2


def _events(rng: random.Random, invoices: int) -> tuple[list[tuple[bytes, str]], str, str]:
    """The shuffled client's events, and its client id beside the in-order twin's (already delivered)."""
    world = build_world()
    billing_config.update(world.actor("admin"), card_payments_to_trust=True, minimum_partial_cents=50)
    plan = Plan(invoices=[(rng.choice(["retainer", "milestone", "expense"]), rng.randrange(10_000, 300_000),
                           [(rng.randrange(20, 80), rng.choice(["card", "card", "bank"]), rng.random() < 0.3,
                             rng.choice([0, 0, 50])) for _ in range(rng.randrange(1, 3))]) for _ in range(invoices)])
    in_order, in_order_client = run_scenario(world, "in-order", plan)
    deliver(in_order, list(range(len(in_order))))
    events, client = run_scenario(world, "bench", plan)
    return events, client, in_order_client


def _open_events() -> int:
    with db.read() as s:
        return s.exec(sa.select(sa.func.count()).select_from(ProviderEvent)
                      .where(ProviderEvent.status.in_(inbox.OPEN))).scalar_one()


def _wait_posted(timeout: float = 300) -> tuple[float, int]:
    """Seconds until the route's drain has posted every stored event, and how many times it looked."""
    started, looks = time.perf_counter(), 1
    while _open_events() and time.perf_counter() - started < timeout:
        time.sleep(0.05)
        looks += 1
    if _open_events():
        with db.read() as s:
            left = s.exec(sa.select(ProviderEvent.event_type, ProviderEvent.status, ProviderEvent.last_error)
                          .where(ProviderEvent.status.in_(inbox.OPEN))).all()
        raise AssertionError(f"the inbox did not drain: {left[:5]}")
    return time.perf_counter() - started, looks


def _books_match(client: str, in_order_client: str) -> None:
    assert client_books(client) == client_books(in_order_client), "books differ from in-order delivery"
    assert client_state(client) == client_state(in_order_client), "invoices/payments differ from in-order delivery"
    assert posted_exactly_once() == []


def _post_all(client: TestClient, items: list[tuple[bytes, str]]) -> tuple[float, list[float]]:
    latencies = []
    started = time.perf_counter()
    for payload, signature in items:
        t0 = time.perf_counter()
        response = client.post("/api/stripe/webhook", content=payload, headers={"stripe-signature": signature})
        latencies.append(time.perf_counter() - t0)
        assert response.status_code in (200, 400), response.text
    return time.perf_counter() - started, latencies


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] * 1000


def run(smoke: bool = False) -> list:
    out: list = []
    for kind in kinds():
        with database(kind):
            rng = random.Random(7)
            events, client, in_order_client = _events(rng, SMOKE_INVOICES if smoke else INVOICES)
            order = list(range(len(events))) + [rng.randrange(len(events)) for _ in range(int(len(events) * DUPLICATE_SHARE))]
            rng.shuffle(order)
            deliveries = [events[i] for i in order]
            bad = [(payload, signature.replace("v1=", "v1=0")) for payload, signature in deliveries]
            with TestClient(RequestGuard(build_api())) as client_http:
                base_total, base_lat = _post_all(client_http, bad)
                with StatementCounter() as one_look:
                    _open_events()
                with StatementCounter() as statements:
                    total, lat = _post_all(client_http, deliveries)
                    drained, looks = _wait_posted()
                statements.count -= looks * one_look.count  # the bench's own looks are not the portal's
            _books_match(client, in_order_client)
        rate, floor = len(deliveries) / total, len(bad) / base_total
        out.append(Figure(
            f"webhooks.{kind}", f"Verified webhook ingestion, {len(deliveries)} deliveries "
            f"({len(deliveries) - len(events)} duplicates, shuffled), {LABEL[kind]}", rate, floor, "deliveries/s",
            "the same route refusing a bad signature", goal=0.5,
            note=f"p50 {statistics.median(lat) * 1000:.1f} ms, p95 {_p95(lat):.1f} ms (floor p95 {_p95(base_lat):.1f} ms); "
                 f"all posted {drained:.1f} s after the last delivery, books identical to in-order delivery; "
                 f"{statements.count / len(events):.1f} statements per event, ingestion and posting"))
    return out
