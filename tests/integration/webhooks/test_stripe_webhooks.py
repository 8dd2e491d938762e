"""The Stripe path end to end: the real stripe SDK against a local stub that records requests,
and signed webhook events posted to POST /api/stripe/webhook. The route stores a verified event and
answers; the inbox posts it to the books (`deliver` runs the inbox's pass as the job loop does,
and one test waits for the drain the route itself starts)."""
from __future__ import annotations

import time
import uuid

import stripe
from sqlmodel import select

from models import Invoice, ProviderEvent, Task, utcnow
from portal_app.services.billing.accounting import ledger
from portal_app.services.billing.payments import checkout as payments
from portal_app.services.billing.payments import inbox
from portal_app.services.billing.payments import staff as staff_payments
from portal_app.services.kernel import db
from tests.billing_helpers import books_balanced, make_invoice
from tests.stripe_webhook_helpers import (SECRET, deliver, event, payment_of, post, status_of)


def test_server_creates_the_intent_with_amount_metadata_and_idempotency_key(world, stub):
    invoice_id = make_invoice(world, "milestone", 123_456)
    checkout = payments.start(world.actor("client"), invoice_id)
    again = payments.start(world.actor("client"), invoice_id)  # a double click
    creates = [r for r in stub.requests if r.path == "/v1/payment_intents"]
    assert len(creates) == 2 and creates[0].idempotency_key == creates[1].idempotency_key == f"portal-pi:{invoice_id}:1"
    assert again.intent_id == checkout.intent_id and checkout.processor == "stripe"
    params = creates[0].params
    assert params["amount"] == "123456" and params["currency"] == "usd"
    assert params["metadata"]["invoice_id"] == invoice_id
    assert params["metadata"]["matter_id"] == str(world.matters["own"].id)
    assert params["metadata"]["client_id"] == str(world.clients["client"].id)
    assert params["customer"].startswith("cus_")
    assert "setup_future_usage" not in params  # a card is kept only when the client ticks the box
    sessions = [r for r in stub.requests if r.path == "/v1/customer_sessions"]
    features = sessions[0].params["components"]["payment_element"]["features"]
    assert features["payment_method_save"] == "enabled" and features["payment_method_save_usage"] == "on_session"
    assert checkout.publishable_key == "pk_test_portal" and checkout.customer_session_secret.startswith("cuss_")
    assert checkout.client_secret.startswith(checkout.intent_id)


def test_succeeded_event_posts_once_and_a_replay_changes_nothing(world, stub, http):
    invoice_id = make_invoice(world, "milestone", 80_000)
    checkout = payments.start(world.actor("client"), invoice_id)
    stub.set_status(checkout.intent_id, "succeeded", fee=2_350)
    payload = event("payment_intent.succeeded", stub.event_object(checkout.intent_id))
    assert post(http, payload).json() == {"received": True, "result": "accepted"}
    inbox.process_due(utcnow())
    assert status_of(payload) == "applied"
    assert post(http, payload).json()["result"] == "duplicate"
    assert inbox.process_due(utcnow()) == {}
    payment = payment_of(invoice_id)
    assert payment.status == "succeeded" and payment.fee_cents == 2_350
    with db.read() as s:
        assert ledger.account_balance(s, "operating_bank") == 80_000 - 2_350
        assert s.get(Invoice, uuid.UUID(invoice_id)).status == "paid"
        assert len(s.exec(select(ProviderEvent)).all()) == 1
    assert any(r.method == "GET" and r.path.endswith(checkout.intent_id) for r in stub.requests)  # fee fetched


def test_bad_signatures_get_400_and_change_nothing(world, stub, http):
    invoice_id = make_invoice(world, "milestone", 10_000)
    checkout = payments.start(world.actor("client"), invoice_id)
    stub.set_status(checkout.intent_id, "succeeded")
    payload = event("payment_intent.succeeded", stub.event_object(checkout.intent_id))
    assert post(http, payload, secret="whsec_wrong").status_code == 400
    assert post(http, payload, timestamp=int(time.time()) - 301).status_code == 400  # too old
    tampered = payload.replace(b'"amount": 10000', b'"amount": 1')
    header = stripe.WebhookSignature.generate_signature_header(payload.decode(), SECRET)
    assert http.post("/api/stripe/webhook", content=tampered, headers={"stripe-signature": header}).status_code == 400
    assert http.post("/api/stripe/webhook", content=payload).status_code == 400  # no header
    assert payment_of(invoice_id).status == "requires_payment_method"
    with db.read() as s:
        assert s.exec(select(ProviderEvent)).all() == []


def test_unknown_types_get_200(world, http):
    assert deliver(http, event("customer.created", {"id": "cus_1", "object": "customer"})) == "ignored"


def test_late_processing_and_failure_never_move_a_payment_backwards(world, stub, http):
    invoice_id = make_invoice(world, "milestone", 40_000)
    checkout = payments.start(world.actor("client"), invoice_id)
    now = int(time.time())
    stub.set_status(checkout.intent_id, "succeeded", fee=100)
    succeeded = event("payment_intent.succeeded", stub.event_object(checkout.intent_id), created=now)
    processing = dict(stub.event_object(checkout.intent_id), status="processing")
    failed = dict(stub.event_object(checkout.intent_id), status="requires_payment_method",
                  last_payment_error={"message": "Your card was declined."})
    deliver(http, succeeded)
    deliver(http, event("payment_intent.processing", processing, created=now - 5))
    deliver(http, event("payment_intent.payment_failed", failed, created=now - 10))
    assert payment_of(invoice_id).status == "succeeded"


def test_ach_processing_then_failed_is_shown_honestly(world, stub, http):
    invoice_id = make_invoice(world, "milestone", 40_000)
    checkout = payments.start(world.actor("client"), invoice_id)
    now = int(time.time())
    stub.set_status(checkout.intent_id, "processing")
    deliver(http, event("payment_intent.processing", stub.event_object(checkout.intent_id), created=now))
    assert payment_of(invoice_id).status == "processing"
    assert payments.check(world.actor("client"), checkout.payment_id).processor_status == "processing"
    stub.set_status(checkout.intent_id, "requires_payment_method", error="The bank returned this payment.")
    deliver(http, event("payment_intent.payment_failed", stub.event_object(checkout.intent_id), created=now + 3600))
    payment = payment_of(invoice_id)
    assert payment.status == "failed" and "bank returned" in payment.failure_message
    with db.read() as s:
        assert s.get(Invoice, uuid.UUID(invoice_id)).paid_cents == 0


def test_same_second_conflict_is_settled_by_asking_stripe(world, stub, http):
    invoice_id = make_invoice(world, "milestone", 40_000)
    checkout = payments.start(world.actor("client"), invoice_id)
    now = int(time.time())
    stub.set_status(checkout.intent_id, "requires_payment_method", error="Declined.")
    deliver(http, event("payment_intent.payment_failed", stub.event_object(checkout.intent_id), created=now))
    stub.set_status(checkout.intent_id, "processing")
    before = len(stub.requests)
    deliver(http, event("payment_intent.processing", stub.event_object(checkout.intent_id), created=now))
    assert any(r.method == "GET" for r in stub.requests[before:])  # unsure: re-fetched
    assert payment_of(invoice_id).status == "processing"


def test_refunds_are_cumulative_and_out_of_order_safe(world, stub, http):
    invoice_id = make_invoice(world, "milestone", 100_000)
    checkout = payments.start(world.actor("client"), invoice_id)
    stub.set_status(checkout.intent_id, "succeeded", fee=3_000)
    deliver(http, event("payment_intent.succeeded", stub.event_object(checkout.intent_id)))
    assert staff_payments.refund(world.actor("billing"), checkout.payment_id, amount="300", reason="Fee waived") == "pending"
    refund_call = [r for r in stub.requests if r.path == "/v1/refunds"][-1]
    assert refund_call.params["amount"] == "30000" and refund_call.idempotency_key.endswith(":30000")
    charge = {"id": "ch_1", "object": "charge", "payment_intent": checkout.intent_id, "amount": 100_000}
    second = event("charge.refunded", dict(charge, amount_refunded=50_000))
    first = event("charge.refunded", dict(charge, amount_refunded=30_000))
    assert deliver(http, second) == "applied"
    assert deliver(http, first) == "ignored"  # older cumulative total: nothing more
    payment = payment_of(invoice_id)
    assert payment.refunded_cents == 50_000 and payment.status == "partially_refunded"
    with db.read() as s:
        assert ledger.account_balance(s, "refunds") == 50_000
    assert books_balanced()


def test_refund_arriving_before_the_success_posts_both(world, stub, http):
    invoice_id = make_invoice(world, "milestone", 60_000)
    checkout = payments.start(world.actor("client"), invoice_id)
    stub.set_status(checkout.intent_id, "succeeded", fee=500, refunded=60_000)
    charge = {"id": "ch_2", "object": "charge", "payment_intent": checkout.intent_id, "amount": 60_000,
              "amount_refunded": 60_000}
    assert deliver(http, event("charge.refunded", charge)) == "applied"
    assert deliver(http, event("payment_intent.succeeded", stub.event_object(checkout.intent_id))) == "ignored"
    payment = payment_of(invoice_id)
    assert payment.posted_at is not None and payment.status == "refunded" and payment.refunded_cents == 60_000
    assert books_balanced()


def test_dispute_freezes_the_payment_and_tells_the_attorney(world, stub, http):
    invoice_id = make_invoice(world, "milestone", 20_000)
    checkout = payments.start(world.actor("client"), invoice_id)
    stub.set_status(checkout.intent_id, "succeeded")
    deliver(http, event("payment_intent.succeeded", stub.event_object(checkout.intent_id)))
    dispute = {"id": "dp_1", "object": "dispute", "payment_intent": checkout.intent_id, "amount": 20_000,
               "reason": "fraudulent"}
    assert deliver(http, event("charge.dispute.created", dispute)) == "applied"
    assert payment_of(invoice_id).status == "disputed"
    with db.read() as s:
        assert s.exec(select(Task.kind)).all().count("payment_dispute") == 1
