"""Verified-webhook ingestion: signed Stripe-shaped events posted to POST /api/stripe/webhook (the
real route, signature check by the stripe SDK, event id stored with its effect), duplicates
included. Reports throughput and p50/p95 latency, against a baseline in the same run: requests
to the same route whose signature fails (read the body, verify, answer 400), which is the
floor of the HTTP and verification cost."""
from __future__ import annotations

import random
import statistics
import time

from starlette.testclient import TestClient

from bench.common import LABEL, StatementCounter, database, kinds
from bench.results import Figure
from portal_app.api import RequestGuard, build_api
from portal_app.services.billing import config as billing_config
from tests.billing_scenarios import Plan
from tests.billing_scenarios import run as run_scenario
from tests.world import build_world

INVOICES, SMOKE_INVOICES = 60, 4
DUPLICATE_SHARE = 0.2


def _events(rng: random.Random, invoices: int) -> list[tuple[bytes, str]]:
    world = build_world()
    billing_config.update(world.actor("admin"), card_payments_to_trust=True, minimum_partial_cents=50)
    plan = Plan(invoices=[(rng.choice(["retainer", "milestone", "expense"]), rng.randrange(10_000, 300_000),
                           [(rng.randrange(20, 80), rng.choice(["card", "card", "bank"]), rng.random() < 0.3,
                             rng.choice([0, 0, 50])) for _ in range(rng.randrange(1, 3))]) for _ in range(invoices)])
    events, _client = run_scenario(world, "bench", plan)
    return events


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
            events = _events(rng, SMOKE_INVOICES if smoke else INVOICES)
            order = list(range(len(events))) + [rng.randrange(len(events)) for _ in range(int(len(events) * DUPLICATE_SHARE))]
            rng.shuffle(order)
            deliveries = [events[i] for i in order]
            bad = [(payload, signature.replace("v1=", "v1=0")) for payload, signature in deliveries]
            with TestClient(RequestGuard(build_api())) as client:
                base_total, base_lat = _post_all(client, bad)
                with StatementCounter() as statements:
                    total, lat = _post_all(client, deliveries)
        rate, floor = len(deliveries) / total, len(bad) / base_total
        out.append(Figure(
            f"webhooks.{kind}", f"Verified webhook ingestion, {len(deliveries)} deliveries "
            f"({len(deliveries) - len(events)} duplicates, shuffled), {LABEL[kind]}", rate, floor, "deliveries/s",
            "the same route refusing a bad signature", goal=0.5,
            note=f"p50 {statistics.median(lat) * 1000:.1f} ms, p95 {_p95(lat):.1f} ms (floor p95 {_p95(base_lat):.1f} ms); "
                 f"{statements.count / len(events):.1f} statements per event"))
    return out
