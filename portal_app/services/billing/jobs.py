"""The billing work the background loop runs (jobs/registry.py lists them): posting the stored
payment events (the inbox; the webhook route also drains it right after answering), sending due webhooks,
settling the sandbox's simulated bank debits, periodic invoices, and invoice/receipt PDFs.
Each takes the clock and is idempotent."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Callable, NamedTuple

from portal_app.services.billing import pdfs as billing_documents
from portal_app.services.billing.invoices import templates as invoice_templates
from portal_app.services.billing.payments import inbox as payment_inbox
from portal_app.services.billing.payments import sandbox as sandbox_processor
from portal_app.services.billing.webhooks import sender as webhook_sender


class BillingJob(NamedTuple):
    name: str
    run: Callable[[datetime], dict]
    every: timedelta
    lease: timedelta = timedelta(minutes=10)  # how long a crashed holder keeps others off the job


# A payment waits for this job when the worker that stored it died before posting it: a short lease
# (the default is ten minutes) and a bounded run (~10 s at a few ms an event) that stays well under it.
INBOX_LEASE, INBOX_EVENTS_PER_RUN = timedelta(minutes=1), 2_000


def post_payment_events(now: datetime) -> dict:
    return payment_inbox.process_due(now, INBOX_EVENTS_PER_RUN)


def deliver_webhooks(now: datetime) -> dict:
    return webhook_sender.send_due(now)


def settle_sandbox(now: datetime) -> dict:
    return {"settled": sandbox_processor.settle_due(now)}


def make_pdfs(now: datetime) -> dict:
    return billing_documents.make_due(now)


def periodic_invoices(now: datetime) -> dict:
    return invoice_templates.run_due(now)


JOBS = [
    BillingJob("payments.inbox", post_payment_events, timedelta(seconds=5), INBOX_LEASE),
    BillingJob("webhooks.deliver", deliver_webhooks, timedelta(seconds=5)),
    BillingJob("sandbox.settle", settle_sandbox, timedelta(seconds=5)),
    BillingJob("billing.documents", make_pdfs, timedelta(seconds=5)),
    BillingJob("billing.periodic", periodic_invoices, timedelta(hours=1)),
]
