"""A Stripe webhook through the proxy, applied once however often it comes; and the background
loop, which runs in both workers, running each due job exactly once between them (seen from the
outside: every message in the outbox reaches the SMTP server exactly once)."""
from __future__ import annotations

import email
import uuid
from collections import Counter

from sqlmodel import select

from models import JobRun, OutboxMessage, ProviderEvent
from portal_app.services.kernel import db
from portal_app.services.messaging import mail
from tests.billing_helpers import books_balanced
from tests.billing_scenarios import posted_exactly_once
from tests.production.steps import deliver, eventually, invoice_status, paid_in_sandbox_but_not_delivered


def test_a_stripe_webhook_through_the_proxy_is_applied_once(topology):
    invoice_id, events = paid_in_sandbox_but_not_delivered()
    assert invoice_status(invoice_id) == "sent"
    first = [deliver(topology, event) for event in events]
    assert all(status == 200 for status, _ in first), first
    eventually(lambda: invoice_status(invoice_id) == "paid")  # stored, then posted by the inbox's drain
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
