"""Endpoints that admins register to receive signed webhooks (Standard Webhooks), each with its
own secret (shown once, stored wrapped by the master keys), rotation with both secrets valid for a
while, the delivery log, and replay. Endpoints on loopback or private addresses are refused unless
an admin allows them for that endpoint."""
from __future__ import annotations

import base64
import ipaddress
import secrets
import socket
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlmodel import select

from models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, utcnow
from portal_app.services.billing.webhooks.events import EVENT_TYPES
from portal_app.services.kernel import audit, db, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import Conflict, InvalidInput, NotFound
from portal_app.services.kernel.settings import get_settings

ROTATION_OVERLAP = timedelta(hours=24)
MAX_ENDPOINTS = 20


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.get_secret_value().encode()) for key in get_settings().master_keys])


def wrap(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unwrap(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise RuntimeError("a webhook secret cannot be unwrapped with the configured master keys") from exc


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _is_private(ip: ipaddress._BaseAddress) -> bool:
    return (not ip.is_global or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast
            or ip.is_unspecified or (getattr(ip, "ipv4_mapped", None) is not None and _is_private(ip.ipv4_mapped)))


def resolve_public(host: str, port: int, allow_private: bool) -> list[str]:
    """The addresses a host resolves to; refuses private ones unless allowed. Anything not
    globally routable counts as private (shared 100.64/10, documentation and benchmark ranges
    too). The sender connects to exactly these addresses (see pinned_http.py)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise InvalidInput("webhook.host_unresolvable", host=host[:100]) from None
    addresses = sorted({info[4][0] for info in infos})
    if not allow_private and any(_is_private(ipaddress.ip_address(a.split("%")[0])) for a in addresses):
        raise InvalidInput("webhook.private_address", host=host[:100])
    return addresses


def check_url(url: str, allow_private: bool) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or len(url) > 500 or parts.username:
        raise InvalidInput("webhook.url_invalid")
    if parts.scheme != "https" and get_settings().is_production and not allow_private:
        raise InvalidInput("webhook.https_required")
    resolve_public(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80), allow_private)
    return url


@dataclass(frozen=True)
class EndpointRow:
    id: str
    url: str
    description: str
    event_types: list[str]
    allow_private_network: bool
    is_active: bool
    disabled_reason: str
    rotating_until: str


def register(actor: Actor, url: str, description: str = "", event_types: list[str] | None = None,
             allow_private_network: bool = False) -> tuple[str, str]:
    """Returns (endpoint id, signing secret). The secret is shown once."""
    policy.require(actor, "webhook.manage")
    url = check_url(url, allow_private_network)
    types = sorted(set(event_types or []))
    if any(t not in EVENT_TYPES for t in types):
        raise InvalidInput("webhook.event_type_unknown")
    secret = new_secret()
    with db.write() as s:
        if len(s.exec(select(WebhookEndpoint.id)).all()) >= MAX_ENDPOINTS:
            raise Conflict("webhook.too_many")
        endpoint = WebhookEndpoint(url=url, description=text.line(description, 200), secret=wrap(secret),
                                   event_types=types, allow_private_network=allow_private_network,
                                   created_by_id=actor.user_id)
        s.add(endpoint)
        s.flush()
        audit.record(s, "webhook.endpoint_registered", actor=actor, object_type="webhook_endpoint",
                     object_id=endpoint.id, details={"url": url, "event_types": types,
                                                     "allow_private_network": allow_private_network})
        return str(endpoint.id), secret


def _endpoint(s, endpoint_id: str) -> WebhookEndpoint:
    endpoint = s.get(WebhookEndpoint, policy.parse_uuid(endpoint_id))
    if endpoint is None:
        raise NotFound()
    return endpoint


def rotate_secret(actor: Actor, endpoint_id: str) -> str:
    """A new secret; the old one keeps signing alongside for ROTATION_OVERLAP. Returns the new one."""
    policy.require(actor, "webhook.manage")
    secret = new_secret()
    with db.write() as s:
        endpoint = _endpoint(s, endpoint_id)
        endpoint.previous_secret, endpoint.secret = endpoint.secret, wrap(secret)
        endpoint.previous_secret_expires_at = utcnow() + ROTATION_OVERLAP
        audit.record(s, "webhook.secret_rotated", actor=actor, object_type="webhook_endpoint", object_id=endpoint.id,
                     details={"old_secret_valid_until": endpoint.previous_secret_expires_at.isoformat()})
    return secret


def set_active(actor: Actor, endpoint_id: str, active: bool) -> None:
    policy.require(actor, "webhook.manage")
    with db.write() as s:
        endpoint = _endpoint(s, endpoint_id)
        endpoint.is_active, endpoint.disabled_reason = bool(active), "" if active else "disabled by an administrator"
        audit.record(s, "webhook.endpoint_enabled" if active else "webhook.endpoint_disabled", actor=actor,
                     object_type="webhook_endpoint", object_id=endpoint.id)


def list_endpoints(actor: Actor) -> list[EndpointRow]:
    policy.require(actor, "webhook.manage")
    now = utcnow()
    with db.read() as s:
        rows = s.exec(select(WebhookEndpoint).order_by(WebhookEndpoint.created_at)).all()
        return [EndpointRow(str(e.id), e.url, e.description, list(e.event_types or []), e.allow_private_network,
                            e.is_active, e.disabled_reason,
                            e.previous_secret_expires_at.isoformat(timespec="minutes")
                            if e.previous_secret_expires_at and e.previous_secret_expires_at > now else "")
                for e in rows]


@dataclass(frozen=True)
class DeliveryRow:
    id: str
    endpoint_url: str
    message_id: str
    event_type: str
    status: str
    attempt_count: int
    created_at: str
    next_attempt_at: str
    last_result: str


def deliveries(actor: Actor, status: str = "", limit: int = 100) -> list[DeliveryRow]:
    policy.require(actor, "webhook.manage")
    with db.read() as s:
        query = (select(WebhookDelivery, WebhookEndpoint.url).join(WebhookEndpoint)
                 .order_by(WebhookDelivery.created_at.desc()).limit(limit))
        if status:
            query = query.where(WebhookDelivery.status == status)
        out = []
        for delivery, url in s.exec(query).all():
            last = s.exec(select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery.id)
                          .order_by(WebhookAttempt.attempt_no.desc())).first()
            result = (str(last.status_code) if last.status_code else last.error) if last else ""
            out.append(DeliveryRow(str(delivery.id), url, delivery.message_id, delivery.event_type, delivery.status,
                                   delivery.attempt_count, delivery.created_at.isoformat(timespec="seconds"),
                                   delivery.next_attempt_at.isoformat(timespec="seconds")
                                   if delivery.next_attempt_at and delivery.status == "pending" else "", result))
        return out


def replay(actor: Actor, delivery_id: str) -> None:
    """Send a delivery again now (same webhook-id: the receiver can tell it is the same message)."""
    policy.require(actor, "webhook.manage")
    with db.write() as s:
        delivery = s.get(WebhookDelivery, policy.parse_uuid(delivery_id))
        if delivery is None:
            raise NotFound()
        marks = list(delivery.attempts or [])
        marks.append({"replayed_at": utcnow().isoformat(), "by": str(actor.user_id),
                      "from_attempt": delivery.attempt_count})
        delivery.attempts, delivery.status, delivery.next_attempt_at = marks, "pending", utcnow()
        audit.record(s, "webhook.delivery_replayed", actor=actor, object_type="webhook_delivery",
                     object_id=delivery.id, details={"message_id": delivery.message_id})
