"""Outbound webhook messages, written in the transaction that made them true (a transactional
outbox): one WebhookDelivery per subscribed endpoint, sent later by webhook_sender.

Payloads carry ids and amounts only, never personal data. `payment.posted` has exactly the shape
of the implementation guide's sample:
  {"event": "payment.posted", "timestamp": ..., "payload": {"paymentId", "matterId", "clientId",
   "amount", "currency", "method", "status", "invoiceId", "receivedAt"}}
with `amount` a JSON number in major units (1500.00). The stored payload keeps the amount as an
exact decimal string; `render` writes it as a number with the currency's decimals."""
from __future__ import annotations

import json
import secrets
from datetime import datetime, timezone

from sqlmodel import Session, select

from models import Client, Invoice, Matter, Payment, WebhookDelivery, WebhookEndpoint, utcnow
from portal_app.services.kernel import money

EVENT_TYPES = ("payment.posted", "payment.refunded", "invoice.paid")
_AMOUNT_MARK = "\u0000amount\u0000"


def iso(value: datetime) -> str:
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_message_id() -> str:
    return "msg_" + secrets.token_hex(12)


def render(envelope: dict) -> bytes:
    """The exact bytes sent (and signed): the amount as a number with the currency's decimals."""
    body = json.loads(json.dumps(envelope))
    payload = body["payload"]
    amount = payload["amount"]
    payload["amount"] = _AMOUNT_MARK
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return text.replace(json.dumps(_AMOUNT_MARK), amount, 1).encode("utf-8")


def _enqueue(s: Session, event_type: str, envelope: dict) -> int:
    endpoints = s.exec(select(WebhookEndpoint).where(WebhookEndpoint.is_active)).all()
    count, message_id = 0, new_message_id()
    for endpoint in endpoints:
        if endpoint.event_types and event_type not in endpoint.event_types:
            continue
        s.add(WebhookDelivery(endpoint_id=endpoint.id, message_id=message_id, event_type=event_type,
                              payload=envelope, next_attempt_at=utcnow()))
        count += 1
    return count


def _ids(s: Session, payment: Payment) -> tuple[str, str, str]:
    matter = s.get(Matter, payment.matter_id)
    invoice = s.get(Invoice, payment.invoice_id)
    return matter.reference, str(s.get(Client, payment.client_id).id), invoice.number


def payment_posted(s: Session, payment: Payment) -> int:
    matter_ref, client_id, invoice_number = _ids(s, payment)
    return _enqueue(s, "payment.posted", {
        "event": "payment.posted", "timestamp": iso(utcnow()),
        "payload": {"paymentId": str(payment.id), "matterId": matter_ref, "clientId": client_id,
                    "amount": money.decimal_string(payment.amount_cents, payment.currency),
                    "currency": payment.currency, "method": payment.method, "status": "completed",
                    "invoiceId": invoice_number, "receivedAt": iso(payment.received_at or utcnow())}})


def payment_refunded(s: Session, payment: Payment, refunded_now: int) -> int:
    matter_ref, client_id, invoice_number = _ids(s, payment)
    full = payment.refunded_cents >= payment.amount_cents
    return _enqueue(s, "payment.refunded", {
        "event": "payment.refunded", "timestamp": iso(utcnow()),
        "payload": {"paymentId": str(payment.id), "matterId": matter_ref, "clientId": client_id,
                    "amount": money.decimal_string(refunded_now, payment.currency),
                    "currency": payment.currency, "method": payment.method,
                    "status": "refunded" if full else "partially_refunded", "invoiceId": invoice_number,
                    "receivedAt": iso(utcnow())}})


def invoice_paid(s: Session, invoice: Invoice, client_id: str) -> int:
    matter = s.get(Matter, invoice.matter_id)
    return _enqueue(s, "invoice.paid", {
        "event": "invoice.paid", "timestamp": iso(utcnow()),
        "payload": {"invoiceId": invoice.number, "matterId": matter.reference, "clientId": client_id,
                    "amount": money.decimal_string(invoice.total_cents, invoice.currency),
                    "currency": invoice.currency, "status": "paid", "paidAt": iso(invoice.paid_at or utcnow())}})
