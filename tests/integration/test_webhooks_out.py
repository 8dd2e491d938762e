"""Outbound webhooks: a receiver started here verifies Standard Webhooks signatures (its own
implementation of the spec), answers 500 a few times, and sees the retries of one logical message
in the implementation guide's payment.posted shape."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import select

from models import AuditEvent, OutboxMessage, WebhookAttempt, WebhookDelivery, utcnow
from portal_app.jobs.registry import JOBS
from portal_app.services.billing.webhooks import endpoints as webhook_endpoints
from portal_app.services.billing.webhooks import sender as webhook_sender
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import InvalidInput, NotAllowed
from tests.billing_helpers import make_invoice, pay_with_card
from tests.world import build_world


def verify(secret: str, headers: dict, body: bytes, tolerance: int = 300, now: int | None = None) -> bool:
    """Standard Webhooks v1, written from the spec: HMAC-SHA256 of "id.timestamp.body" with the
    base64-decoded secret, any one of the space-separated "v1,<base64>" signatures matching."""
    msg_id, timestamp = headers["webhook-id"], int(headers["webhook-timestamp"])
    if now is not None and abs(now - timestamp) > tolerance:
        return False
    key = base64.b64decode(secret.split("_", 1)[1])
    expected = base64.b64encode(hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest())
    return any(hmac.compare_digest(sig.split(",", 1)[1].encode(), expected)
               for sig in headers["webhook-signature"].split(" ") if sig.startswith("v1,"))


class Receiver:
    def __init__(self, failures: int = 0, status: int = 500):
        self.failures, self.status, self.seen, self.secret = failures, status, [], ""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["content-length"]))
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.seen.append((headers, body, verify(receiver.secret, headers, body)))
                tries = sum(1 for h, _, _ in receiver.seen if h["webhook-id"] == headers["webhook-id"])
                code = receiver.status if tries <= receiver.failures else 204  # each message fails N times
                self.send_response(code)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/payments"


@pytest.fixture
def world(portal_db):
    return build_world()


@pytest.fixture
def receiver():
    receiver = Receiver(failures=3)
    yield receiver
    receiver.server.shutdown()


def _register(world, receiver, **kwargs) -> str:
    endpoint_id, secret = webhook_endpoints.register(world.actor("admin"), receiver.url, "Accounting",
                                                     allow_private_network=True, **kwargs)
    receiver.secret = secret
    return endpoint_id


def test_loopback_and_private_endpoints_are_refused_unless_allowed(world):
    for url in ("http://127.0.0.1:9/x", "http://localhost/x", "http://10.1.2.3/x", "http://[::1]/x",
                "http://169.254.169.254/latest", "http://100.64.0.1/x", "http://[::ffff:127.0.0.1]/x"):
        with pytest.raises(InvalidInput) as err:
            webhook_endpoints.register(world.actor("admin"), url)
        assert err.value.code == "webhook.private_address"
    with pytest.raises(InvalidInput):
        webhook_endpoints.register(world.actor("admin"), "ftp://example.com/x")
    with pytest.raises(NotAllowed):
        webhook_endpoints.register(world.actor("billing"), "http://127.0.0.1:9/x", allow_private_network=True)


def test_retries_with_backoff_until_delivered_as_one_logical_message(world, receiver):
    _register(world, receiver)
    invoice_id = make_invoice(world, "milestone", 150_000)
    checkout, _ = pay_with_card(world, invoice_id)
    now = utcnow()
    clock = [now]
    for _ in range(6):
        webhook_sender.send_due(clock[0])
        clock[0] += timedelta(hours=3)
    posted = [(h, b, ok) for h, b, ok in receiver.seen if json.loads(b)["event"] == "payment.posted"]
    assert len(posted) == 4 and all(ok for _, _, ok in posted)  # three 500s, then delivered
    assert len({h["webhook-id"] for h, _, _ in posted}) == 1  # the same message each time
    assert len({b for _, b, _ in posted}) == 1  # byte-identical body
    body = json.loads(posted[-1][1])
    assert list(body) == ["event", "timestamp", "payload"]
    assert list(body["payload"]) == ["paymentId", "matterId", "clientId", "amount", "currency", "method", "status",
                                     "invoiceId", "receivedAt"]
    assert body["payload"]["paymentId"] == checkout.payment_id and body["payload"]["matterId"] == "T-1"
    assert body["payload"]["status"] == "completed" and body["payload"]["method"] == "card"
    assert b'"amount":1500.00,' in posted[-1][1]  # a number in major units, exactly as the guide shows
    with db.read() as s:
        delivery = s.exec(select(WebhookDelivery).where(WebhookDelivery.event_type == "payment.posted")).one()
        attempts = s.exec(select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery.id)
                          .order_by(WebhookAttempt.attempt_no)).all()
        assert delivery.status == "delivered" and [a.status_code for a in attempts] == [500, 500, 500, 204]
        gaps = [(b.attempted_at - a.attempted_at) for a, b in zip(attempts, attempts[1:])]
        assert all(gap >= timedelta(hours=3) for gap in gaps)


def test_backoff_schedule_and_retry_after():
    assert webhook_sender._next_delay("msg_1", 1, None) >= timedelta(seconds=5)
    assert webhook_sender._next_delay("msg_1", 2, None) >= timedelta(minutes=5)
    assert webhook_sender._next_delay("msg_1", 9, None) >= timedelta(hours=24)
    assert webhook_sender._next_delay("msg_1", 1, 120) >= timedelta(seconds=120)
    assert webhook_sender._next_delay("msg_1", 3, None) < timedelta(minutes=34)


def test_gives_up_after_the_schedule_and_tells_admins_then_replay_sends_again(world):
    receiver = Receiver(failures=100)
    try:
        _register(world, receiver, event_types=["invoice.paid"])
        pay_with_card(world, make_invoice(world, "milestone", 5_000))
        at = utcnow()
        for _ in range(webhook_sender.MAX_ATTEMPTS + 2):
            webhook_sender.send_due(at)
            at += timedelta(days=1)
        assert len(receiver.seen) == webhook_sender.MAX_ATTEMPTS
        assert all(json.loads(b)["event"] == "invoice.paid" for _, b, _ in receiver.seen)  # filtered by type
        with db.read() as s:
            delivery = s.exec(select(WebhookDelivery)).one()
            assert delivery.status == "failed"
            assert s.exec(select(OutboxMessage).where(OutboxMessage.template == "webhook_failing")).first()
        receiver.failures = 0
        webhook_endpoints.replay(world.actor("admin"), str(delivery.id))
        webhook_sender.send_due(at)
        with db.read() as s:
            assert s.get(WebhookDelivery, delivery.id).status == "delivered"
            assert s.exec(select(AuditEvent).where(AuditEvent.action == "webhook.delivery_replayed")).one()
    finally:
        receiver.server.shutdown()


def test_rotation_signs_with_both_secrets_for_a_while(world, receiver):
    receiver.failures = 0
    endpoint_id = _register(world, receiver)
    old = receiver.secret
    new = webhook_endpoints.rotate_secret(world.actor("admin"), endpoint_id)
    pay_with_card(world, make_invoice(world, "milestone", 5_000))
    webhook_sender.send_due(utcnow())
    headers, body, _ = receiver.seen[0]
    assert len(headers["webhook-signature"].split(" ")) == 2
    assert verify(old, headers, body) and verify(new, headers, body)
    receiver.seen.clear()
    pay_with_card(world, make_invoice(world, "milestone", 6_000))
    webhook_sender.send_due(utcnow() + webhook_endpoints.ROTATION_OVERLAP + timedelta(minutes=1))
    headers, body, _ = receiver.seen[0]
    assert verify(new, headers, body) and not verify(old, headers, body)


def test_a_410_disables_the_endpoint(world):
    receiver = Receiver(failures=1, status=410)
    try:
        _register(world, receiver)
        pay_with_card(world, make_invoice(world, "milestone", 5_000))
        webhook_sender.send_due(utcnow())
        assert webhook_endpoints.list_endpoints(world.actor("admin"))[0].is_active is False
    finally:
        receiver.server.shutdown()


def test_delivery_is_a_registered_job():
    assert "webhooks.deliver" in {job.name for job in JOBS}
