"""Shared by the Stripe webhook tests: the local Stripe stub configured as the portal's Stripe, a
signed event, its delivery to POST /api/stripe/webhook and the inbox's pass after it."""
from __future__ import annotations

import json
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta

import stripe
from sqlmodel import select

from models import Payment, ProviderEvent, utcnow
from portal_app.services.billing.payments import inbox
from portal_app.services.kernel import db
from portal_app.services.kernel.settings import reset_settings
from tests.stripe_stub import start_stub

SECRET = "whsec_test_portal_secret"


@contextmanager
def stripe_stub_configured(monkeypatch):
    stub, server = start_stub()
    for name, value in {"STRIPE_SECRET_KEY": "sk_test_portal", "STRIPE_PUBLISHABLE_KEY": "pk_test_portal",
                        "STRIPE_WEBHOOK_SECRET": SECRET, "STRIPE_API_BASE": stub.url}.items():
        monkeypatch.setenv(name, value)
    reset_settings()
    try:
        yield stub
    finally:
        server.shutdown()


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


def payment_of(invoice_id: str) -> Payment:
    with db.read() as s:
        return s.exec(select(Payment).where(Payment.invoice_id == uuid.UUID(invoice_id))).one()

