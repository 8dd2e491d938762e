"""The Stripe path end to end: the real stripe SDK against a local stub that records requests,
and signed webhook events posted to POST /api/stripe/webhook. The route stores a verified event and
answers; the inbox posts it to the books (`deliver` runs the inbox's pass as the job loop does,
and one test waits for the drain the route itself starts)."""
from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta

import pytest
import stripe
from sqlmodel import select
from starlette.testclient import TestClient

from models import Invoice, Payment, ProviderEvent, Task, utcnow
from portal_app.api import RequestGuard, build_api
from portal_app.services.billing.accounting import ledger
from portal_app.services.billing.payments import checkout as payments
from portal_app.services.billing.payments import events as stripe_events
from portal_app.services.billing.payments import inbox
from portal_app.services.billing.payments import staff as staff_payments
from portal_app.services.kernel import db
from portal_app.services.kernel.settings import reset_settings
from tests.billing_helpers import books_balanced, make_invoice
from tests.stripe_stub import start_stub
from tests.world import build_world

SECRET = "whsec_test_portal_secret"


@pytest.fixture
def stub(portal_db, monkeypatch):
    stub, server = start_stub()
    for name, value in {"STRIPE_SECRET_KEY": "sk_test_portal", "STRIPE_PUBLISHABLE_KEY": "pk_test_portal",
                        "STRIPE_WEBHOOK_SECRET": SECRET, "STRIPE_API_BASE": stub.url}.items():
        monkeypatch.setenv(name, value)
    reset_settings()
    yield stub
    server.shutdown()


@pytest.fixture
def world(stub):
    return build_world()


@pytest.fixture
def http():
    with TestClient(RequestGuard(build_api())) as client:
        yield client


def event(event_type: str, obj: dict, created: int | None = None, event_id: str | None = None) -> bytes:
    return json.dumps({"id": event_id or "evt_" + uuid.uuid4().hex[:16], "object": "event", "type": event_type,
                       "created": created or int(time.time()), "livemode": False, "api_version": "2026-10-28",
                       "data": {"object": obj}}).encode()


def post(http, payload: bytes, secret: str = SECRET, timestamp: int | None = None):
    header = stripe.WebhookSignature.generate_signature_header(payload.decode(), secret, timestamp)
    return http.post("/api/stripe/webhook", content=payload, headers={"stripe-signature": header,
                                                                     "content-type": "application/json"})


def status_of(payload: bytes) -> str:
    with db.read() as s:
        return s.exec(select(ProviderEvent.status).where(ProviderEvent.event_id == json.loads(payload)["id"])).one()


def deliver(http, payload: bytes, later: timedelta = timedelta(0)) -> str:
    """Post (stored: 200), then the inbox's pass at now + `later`; the event's status afterwards."""
    response = post(http, payload)
    assert response.status_code == 200 and response.json()["result"] in ("accepted", "duplicate"), response.text
    inbox.process_due(utcnow() + later)
    return status_of(payload)


def _payment(invoice_id: str) -> Payment:
    with db.read() as s:
        return s.exec(select(Payment).where(Payment.invoice_id == uuid.UUID(invoice_id))).one()


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
    payment = _payment(invoice_id)
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
    assert _payment(invoice_id).status == "requires_payment_method"
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
    assert _payment(invoice_id).status == "succeeded"


def test_ach_processing_then_failed_is_shown_honestly(world, stub, http):
    invoice_id = make_invoice(world, "milestone", 40_000)
    checkout = payments.start(world.actor("client"), invoice_id)
    now = int(time.time())
    stub.set_status(checkout.intent_id, "processing")
    deliver(http, event("payment_intent.processing", stub.event_object(checkout.intent_id), created=now))
    assert _payment(invoice_id).status == "processing"
    assert payments.check(world.actor("client"), checkout.payment_id).processor_status == "processing"
    stub.set_status(checkout.intent_id, "requires_payment_method", error="The bank returned this payment.")
    deliver(http, event("payment_intent.payment_failed", stub.event_object(checkout.intent_id), created=now + 3600))
    payment = _payment(invoice_id)
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
    assert _payment(invoice_id).status == "processing"


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
    payment = _payment(invoice_id)
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
    payment = _payment(invoice_id)
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
    assert _payment(invoice_id).status == "disputed"
    with db.read() as s:
        assert s.exec(select(Task.kind)).all().count("payment_dispute") == 1


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
    assert _payment(invoice_id).posted_at is None
    with db.read() as s:
        assert ledger.account_balance(s, "refunds") == 0
    stub.set_status(checkout.intent_id, "succeeded", fee=1_030, refunded=34_500)
    succeeded = dict(stub.event_object(checkout.intent_id), status="succeeded")
    assert deliver(http, event("payment_intent.succeeded", succeeded)) == "applied"
    assert status_of(refund) == "applied"  # tried again in the same pass, the success being posted
    assert post(http, refund).json()["result"] == "duplicate"
    payment = _payment(invoice_id)
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
    assert _payment(invoice_id).posted_at is None
    stub.set_status(checkout.intent_id, "succeeded", fee=1_480)
    assert inbox.process_due(utcnow()) == {}  # not due again yet: back-off
    assert inbox.process_due(utcnow() + inbox.FIRST_RETRY) == {"applied": 1}
    payment = _payment(invoice_id)
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
    payment = _payment(invoice_id)
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
    assert _payment(invoice_id).status != "disputed"


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
    assert _payment(invoice_id).posted_at is None  # rolled back with the event's status
    monkeypatch.setitem(stripe_events.HANDLERS, "payment_intent.succeeded", real)
    assert inbox.process_due(utcnow() + inbox.FIRST_RETRY) == {"applied": 1}
    assert _payment(invoice_id).fee_cents == 900 and books_balanced()


def test_the_route_answers_first_and_posts_the_payment_right_after(world, stub, http):
    """No inbox pass is run by the test: the drain the route starts after answering posts it."""
    invoice_id = make_invoice(world, "milestone", 45_000)
    checkout = payments.start(world.actor("client"), invoice_id)
    stub.set_status(checkout.intent_id, "succeeded", fee=1_000)
    payload = event("payment_intent.succeeded", stub.event_object(checkout.intent_id))
    assert post(http, payload).json()["result"] == "accepted"
    deadline = time.monotonic() + 10
    while _payment(invoice_id).posted_at is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _payment(invoice_id).status == "succeeded" and status_of(payload) == "applied"
    assert payments.check(world.actor("client"), checkout.payment_id).posted
