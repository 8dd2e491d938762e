"""Sending due webhook deliveries (Standard Webhooks v1), driven by the background loop with the
clock passed in. Each attempt is logged; failures retry with exponential backoff (5 s, 5 min,
30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h, with a little jitter), honouring Retry-After; a 410
disables the endpoint; after the last attempt the delivery fails and administrators are told.
Each attempt resolves the receiver once, refuses private addresses (unless allowed for that
endpoint) and connects to the very addresses it checked (pinned_http.py: no DNS rebinding)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import ssl
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import httpcore
from sqlmodel import select

from models import User, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from portal_app.services.billing.webhooks.endpoints import resolve_public, unwrap
from portal_app.services.billing.webhooks.events import render
from portal_app.services.billing.webhooks.pinned_http import PinnedClient
from portal_app.services.kernel import db, policy
from portal_app.services.kernel.errors import InvalidInput
from portal_app.services.messaging import mail

SCHEDULE = [timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
            timedelta(hours=5), timedelta(hours=10), timedelta(hours=14), timedelta(hours=20), timedelta(hours=24)]
MAX_ATTEMPTS = len(SCHEDULE) + 1
LEASE = timedelta(minutes=2)
TIMEOUT_SECONDS = 15.0


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


@dataclass(frozen=True)
class Outgoing:
    delivery_id: str
    url: str
    allow_private: bool
    message_id: str
    body: bytes
    secrets: tuple[str, ...]
    attempt_no: int


def headers(item: Outgoing, timestamp: int) -> dict[str, str]:
    signatures = " ".join(sign(secret, item.message_id, timestamp, item.body) for secret in item.secrets)
    return {"content-type": "application/json", "webhook-id": item.message_id,
            "webhook-timestamp": str(timestamp), "webhook-signature": signatures,
            "user-agent": "immigration-portal-webhooks/1"}


def _claim(now: datetime, limit: int) -> list[Outgoing]:
    """Take due deliveries for this run (leased, so a second worker does not send them too)."""
    with db.write() as s:
        rows = s.exec(select(WebhookDelivery, WebhookEndpoint).join(WebhookEndpoint)
                      .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
                      .order_by(WebhookDelivery.next_attempt_at).limit(limit)).all()
        out = []
        for delivery, endpoint in rows:
            if not endpoint.is_active:
                delivery.status = "failed"
                continue
            delivery.next_attempt_at = now + LEASE
            secrets = [unwrap(endpoint.secret)]
            if endpoint.previous_secret and endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > now:
                secrets.append(unwrap(endpoint.previous_secret))
            out.append(Outgoing(str(delivery.id), endpoint.url, endpoint.allow_private_network, delivery.message_id,
                                render(delivery.payload), tuple(secrets), delivery.attempt_count + 1))
        return out


def _post(client: PinnedClient, item: Outgoing, now: datetime) -> tuple[int | None, str, str, float | None]:
    """(status code, error, response snippet, retry-after seconds). The host is resolved and
    checked once, and the request connects to exactly the addresses that passed the check."""
    parts = urlsplit(item.url)
    try:
        addresses = resolve_public(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80),
                                   item.allow_private)
    except InvalidInput as exc:
        return None, f"refused: {exc.code}", "", None
    try:
        answer = client.post(item.url, addresses, item.body, headers(item, int(now.timestamp())))
    except (httpcore.TimeoutException, httpcore.NetworkError, httpcore.ProtocolError, OSError) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:300], "", None
    retry_after = answer.retry_after
    return answer.status, "", answer.text[:300], float(retry_after) if retry_after.isdigit() else None


def _next_delay(message_id: str, attempt_no: int, retry_after: float | None) -> timedelta:
    base = SCHEDULE[min(attempt_no, len(SCHEDULE)) - 1]
    jitter = int(hashlib.sha256(f"{message_id}:{attempt_no}".encode()).hexdigest()[:4], 16) / 0xFFFF * 0.1
    delay = base * (1 + jitter)
    if retry_after is not None:
        delay = max(delay, timedelta(seconds=min(retry_after, 86_400)))
    return delay


def _record(item: Outgoing, now: datetime, result: tuple, duration_ms: int) -> str:
    status_code, error, snippet, retry_after = result
    with db.write() as s:
        delivery = s.get(WebhookDelivery, uuid.UUID(item.delivery_id))
        endpoint = s.get(WebhookEndpoint, delivery.endpoint_id)
        marks = list(delivery.attempts or [])
        s.add(WebhookAttempt(delivery_id=delivery.id, attempt_no=item.attempt_no, attempted_at=now,
                             status_code=status_code, duration_ms=duration_ms, error=error, response_snippet=snippet,
                             replay=bool(marks)))
        delivery.attempt_count = item.attempt_no
        since_replay = item.attempt_no - (marks[-1]["from_attempt"] if marks else 0)
        if status_code is not None and 200 <= status_code < 300:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = "delivered", now, None
        elif status_code == 410:
            delivery.status, endpoint.is_active = "failed", False
            endpoint.disabled_reason = "the receiver answered 410 Gone"
        elif since_replay >= MAX_ATTEMPTS:
            delivery.status, delivery.next_attempt_at = "failed", None
            _tell_admins(s, endpoint, delivery)
        else:
            delivery.next_attempt_at = now + _next_delay(item.message_id, since_replay, retry_after)
        return delivery.status


def _tell_admins(s, endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> None:
    for admin in s.exec(select(User).where(policy.users_allowed("webhook.manage"), User.is_active)).all():
        mail.enqueue(s, to_address=admin.email, template="webhook_failing", locale=admin.locale, user_id=admin.id,
                     url=endpoint.url, event_type=delivery.event_type, message_id=delivery.message_id,
                     attempts=delivery.attempt_count)


def send_due(now: datetime, limit: int = 25, tls: ssl.SSLContext | None = None) -> dict[str, int]:
    """Send every delivery that is due at `now`; returns counts by outcome. `tls` replaces the
    default certificate store (a receiver behind the firm's own CA)."""
    counts = {"delivered": 0, "pending": 0, "failed": 0}
    items = _claim(now, limit)
    if not items:
        return counts
    client = PinnedClient(TIMEOUT_SECONDS, tls)
    try:
        for item in items:
            started = time.perf_counter()
            result = _post(client, item, now)
            status = _record(item, now, result, int((time.perf_counter() - started) * 1000))
            counts[status] = counts.get(status, 0) + 1
    finally:
        client.close()
    return counts
