"""A Stripe webhook through the proxy, applied once however often it comes; and the background
loop, which runs in both workers, running each due job exactly once between them (seen from the
outside: every message in the outbox reaches the SMTP server exactly once)."""
from __future__ import annotations

import email
import uuid
from collections import Counter

from sqlmodel import select

from models import Invoice, JobRun, OutboxMessage, ProviderEvent
from portal_app.services.billing.invoices import drafts as invoice_drafts
from portal_app.services.billing.invoices import lifecycle as invoice_lifecycle
from portal_app.services.billing.invoices.drafts import DraftInput, LineInput
from portal_app.services.billing.payments import checkout as payments
from portal_app.services.billing.payments import sandbox
from portal_app.services.kernel import db
from portal_app.services.messaging import mail
from tests.billing_helpers import books_balanced
from tests.billing_scenarios import posted_exactly_once
from tests.production.steps import actor, eventually, matter_id, request


def paid_in_sandbox_but_not_delivered(cents: int = 65_000) -> tuple[str, list[tuple[bytes, str]]]:
    """An invoice the client pays by card; the processor's signed events are kept, not delivered."""
    data = DraftInput(kind="milestone", title="Filing preparation",
                      lines=[LineInput(kind="legal_fee", description="Prepare and file", unit_amount_cents=cents)])
    invoice_id = invoice_drafts.create(actor("billing@demo.example"), matter_id("MTR-2026-0001"), data)
    invoice_lifecycle.send(actor("billing@demo.example"), invoice_id)
    client = actor("maria@demo.example")
    with sandbox.capture_events() as events:
        checkout = payments.start(client, invoice_id)
        payments.pay_in_sandbox(client, checkout.payment_id, checkout.client_secret, number="4242 4242 4242 4242",
                                expiry="12/40", cvc="123", save="")
    assert events, "the sandbox sent no event"
    return invoice_id, events


def deliver(topology, event: tuple[bytes, str], **where) -> tuple[int, dict]:
    payload, signature = event
    answer = request(topology, "POST", "/api/stripe/webhook", body=payload,
                     headers={"Content-Type": "application/json", "Stripe-Signature": signature}, **where)
    return answer.status, (answer.json() if answer.body.startswith(b"{") else {})


def invoice_status(invoice_id: str) -> str:
    with db.read() as s:
        return s.get(Invoice, uuid.UUID(invoice_id)).status


def test_a_stripe_webhook_through_the_proxy_is_applied_once(topology):
    invoice_id, events = paid_in_sandbox_but_not_delivered()
    assert invoice_status(invoice_id) == "sent"
    first = [deliver(topology, event) for event in events]
    assert all(status == 200 for status, _ in first), first
    assert invoice_status(invoice_id) == "paid"
    again = [deliver(topology, event) for event in events]  # Stripe retries
    assert all(status == 200 for status, _ in again) and {body["result"] for _, body in again} == {"duplicate"}
    tampered = deliver(topology, (events[0][0].replace(b"65000", b"99"), events[0][1]))
    assert tampered[0] == 400
    with db.read() as s:
        ids = [e.event_id for e in s.exec(select(ProviderEvent)).all()]
    assert len(ids) == len(set(ids))
    assert posted_exactly_once() == [] and books_balanced()


def test_each_due_job_runs_once_across_both_workers(topology):
    since = db_now()
    wanted = set()
    with db.write() as s:
        for n in range(24):
            message = mail.enqueue(s, to_address=f"person{n}@example.com", template="password_reset",
                                   name=f"Person {n}", link="https://portal.test/reset/x", minutes=60)
            s.flush()
            wanted.add(str(message.id))

    def delivered() -> list[str]:
        ids = []
        for item in topology.mailbox.messages:
            parsed = email.message_from_bytes(item["content"])
            ids.append(parsed["Message-ID"].strip("<>").split("@")[0])
        return [i for i in ids if i in wanted]

    eventually(lambda: set(delivered()) == wanted, timeout=60)
    counts = Counter(delivered())
    assert max(counts.values()) == 1, "a message went out twice"
    with db.read() as s:
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.id.in_([uuid.UUID(i) for i in wanted]))).all()
        assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}
        runs = s.exec(select(JobRun).where(JobRun.started_at >= since, JobRun.status != "abandoned")).all()
    slots = Counter((run.job_name, run.due_at) for run in runs)
    assert slots and max(slots.values()) == 1, "a job ran twice for the same due time"
    pids = {pid for worker in topology.workers.values() for pid in worker.pids()}
    ran_in = {int(run.holder.split(":")[1]) for run in runs}
    assert ran_in <= pids, (ran_in, pids)
    print("job runs by worker:", {name: len([r for r in runs if int(r.holder.split(":")[1]) in w.pids()])
                                  for name, w in topology.workers.items()})


def db_now():
    from portal_app.services.kernel.clock import utcnow

    return utcnow()
