"""The webhook inbox when events come out of order or the books cannot take them yet (issue 15): an
event Stripe has not caught up with waits and is tried again with back-off, one that cannot be
placed for three days is given up (and someone told), a failing posting rolls back and is retried,
and the route answers first and posts right after. Real stripe SDK against the local stub."""
from __future__ import annotations


import time
import uuid
from datetime import timedelta


from models import Invoice, utcnow
from portal_app.services.billing.accounting import ledger
from portal_app.services.billing.payments import checkout as payments
from portal_app.services.billing.payments import events as stripe_events
from portal_app.services.billing.payments import inbox
from portal_app.services.kernel import db
from tests.billing_helpers import books_balanced, make_invoice
from tests.stripe_webhook_helpers import (deliver, event, payment_of, post, status_of)


def test_refund_before_the_success_waits_while_stripe_still_says_processing(world, stub, http):
    """The attack from the penetration test: the refund is delivered first and a re-fetch of the
    intent still shows it unpaid. The refund is not consumed: it waits in the inbox ("deferred",
    nothing booked) and is placed once the success is known; before the inbox, it was stored as
    "ignored" and every retry was a duplicate, so the refund was never booked."""
    invoice_id = make_invoice(world, "milestone", 34_500)
    checkout = payments.start(world.actor("client"), invoice_id)
    stub.set_status(checkout.intent_id, "processing")  # Stripe's read lags its own events
    charge = {"id": "ch_3", "object": "charge", "payment_intent": checkout.intent_id, "amount": 34_500,
              "amount_refunded": 34_500}
    refund = event("charge.refunded", charge)
    assert deliver(http, refund) == "deferred"
    assert deliver(http, refund, later=timedelta(hours=2)) == "deferred"  # tried again: Stripe still lags
    assert payment_of(invoice_id).posted_at is None
    with db.read() as s:
        assert ledger.account_balance(s, "refunds") == 0
    stub.set_status(checkout.intent_id, "succeeded", fee=1_030, refunded=34_500)
    succeeded = dict(stub.event_object(checkout.intent_id), status="succeeded")
    assert deliver(http, event("payment_intent.succeeded", succeeded)) == "applied"
    assert status_of(refund) == "applied"  # tried again in the same pass, the success being posted
    assert post(http, refund).json()["result"] == "duplicate"
    payment = payment_of(invoice_id)
    assert payment.status == "refunded" and payment.refunded_cents == 34_500 and payment.fee_cents == 1_030
    with db.read() as s:
        assert ledger.account_balance(s, "refunds") == 34_500
        assert s.get(Invoice, uuid.UUID(invoice_id)).status == "refunded"
    assert books_balanced()


def test_success_waits_while_stripe_does_not_report_it_so_the_fee_is_right(world, stub, http):
    invoice_id = make_invoice(world, "milestone", 50_000)
    checkout = payments.start(world.actor("client"), invoice_id)
    succeeded = dict(stub.event_object(checkout.intent_id), status="succeeded", amount_received=50_000)
    payload = event("payment_intent.succeeded", succeeded)
    assert deliver(http, payload) == "deferred"  # the fee (and the success) not visible yet
    assert payment_of(invoice_id).posted_at is None
    stub.set_status(checkout.intent_id, "succeeded", fee=1_480)
    assert inbox.process_due(utcnow()) == {}  # not due again yet: back-off
    assert inbox.process_due(utcnow() + inbox.FIRST_RETRY) == {"applied": 1}
    payment = payment_of(invoice_id)
    assert payment.status == "succeeded" and payment.fee_cents == 1_480
    with db.read() as s:
        assert ledger.account_balance(s, "operating_bank") == 50_000 - 1_480


def test_dispute_before_the_success_waits_then_posts_both(world, stub, http):
    invoice_id = make_invoice(world, "milestone", 20_000)
    checkout = payments.start(world.actor("client"), invoice_id)
    dispute = event("charge.dispute.created", {"id": "dp_2", "object": "dispute", "payment_intent": checkout.intent_id,
                                               "amount": 20_000, "reason": "fraudulent"})
    assert deliver(http, dispute) == "deferred"
    stub.set_status(checkout.intent_id, "succeeded", fee=610)
    assert deliver(http, dispute, later=timedelta(minutes=5)) == "applied"  # the inbox's retry
    succeeded = stub.event_object(checkout.intent_id)
    assert deliver(http, event("payment_intent.succeeded", succeeded)) == "ignored"
    payment = payment_of(invoice_id)
    assert payment.posted_at is not None and payment.status == "disputed" and payment.fee_cents == 610
    with db.read() as s:
        assert s.get(Invoice, uuid.UUID(invoice_id)).status == "paid"
    assert books_balanced()


def test_an_event_that_cannot_be_placed_for_three_days_is_given_up_not_dropped_silently(world, stub, http, caplog):
    invoice_id = make_invoice(world, "milestone", 20_000)
    checkout = payments.start(world.actor("client"), invoice_id)
    dispute = event("charge.dispute.created", {"id": "dp_3", "object": "dispute", "payment_intent": checkout.intent_id,
                                               "amount": 20_000, "reason": "fraudulent"})
    assert deliver(http, dispute) == "deferred"
    assert deliver(http, dispute, later=inbox.GIVE_UP_AFTER - timedelta(minutes=1)) == "deferred"
    assert deliver(http, dispute, later=inbox.GIVE_UP_AFTER + timedelta(hours=1)) == "failed"
    assert "could not be placed" in caplog.text
    assert payment_of(invoice_id).status != "disputed"


def test_a_failing_posting_rolls_back_and_is_tried_again(world, stub, http, monkeypatch):
    invoice_id = make_invoice(world, "milestone", 30_000)
    checkout = payments.start(world.actor("client"), invoice_id)
    stub.set_status(checkout.intent_id, "succeeded", fee=900)
    real = stripe_events.HANDLERS["payment_intent.succeeded"]

    def crashes_after_posting(s, *args):
        real(s, *args)
        raise RuntimeError("the database went away")

    monkeypatch.setitem(stripe_events.HANDLERS, "payment_intent.succeeded", crashes_after_posting)
    payload = event("payment_intent.succeeded", stub.event_object(checkout.intent_id))
    assert deliver(http, payload) == "pending"
    assert payment_of(invoice_id).posted_at is None  # rolled back with the event's status
    monkeypatch.setitem(stripe_events.HANDLERS, "payment_intent.succeeded", real)
    assert inbox.process_due(utcnow() + inbox.FIRST_RETRY) == {"applied": 1}
    assert payment_of(invoice_id).fee_cents == 900 and books_balanced()


def test_the_route_answers_first_and_posts_the_payment_right_after(world, stub, http):
    """No inbox pass is run by the test: the drain the route starts after answering posts it."""
    invoice_id = make_invoice(world, "milestone", 45_000)
    checkout = payments.start(world.actor("client"), invoice_id)
    stub.set_status(checkout.intent_id, "succeeded", fee=1_000)
    payload = event("payment_intent.succeeded", stub.event_object(checkout.intent_id))
    assert post(http, payload).json()["result"] == "accepted"
    deadline = time.monotonic() + 10
    while payment_of(invoice_id).posted_at is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert payment_of(invoice_id).status == "succeeded" and status_of(payload) == "applied"
    assert payments.check(world.actor("client"), checkout.payment_id).posted
