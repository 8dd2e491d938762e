"""Steps the prod-check tests share: signing in through the proxy, pinning a browser to one
worker, reading what the workers wrote."""
from __future__ import annotations

import http.client
import json
import re
import socket
import time
import uuid
from dataclasses import dataclass

from sqlmodel import select

from models import AuditEvent, Client, Invoice, Matter, User
from portal_app.services.billing.invoices import drafts as invoice_drafts
from portal_app.services.billing.invoices import lifecycle as invoice_lifecycle
from portal_app.services.billing.invoices.drafts import DraftInput, LineInput
from portal_app.services.billing.payments import checkout as payments
from portal_app.services.billing.payments import sandbox
from portal_app.services.demo.seed import DEMO_PASSWORD
from portal_app.services.kernel import db
from portal_app.services.kernel.actor import Actor
from tests.identity_helpers import authenticator_code
from tests.production.topology import HOST


def pin(page, worker: str | None) -> None:
    """Send this browser's requests to worker a or b (None: both, as nginx balances them)."""
    context = page.context
    context.clear_cookies(name="prodcheck_worker")
    if worker:
        context.add_cookies([{"name": "prodcheck_worker", "value": worker, "domain": HOST, "path": "/",
                              "secure": True}])


def sign_in(page, email: str, password: str = DEMO_PASSWORD, start: str = "/login") -> None:
    page.goto(start)
    page.wait_for_selector("#email")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#sign-in")


def sign_in_staff(page, email: str, start: str = "/login") -> None:
    """Staff type their authenticator's code after the password (the workers run in production,
    where the CLI's `users totp-code` refuses: the code comes from the key in the database)."""
    sign_in(page, email, start=start)
    page.wait_for_selector("#totp-code")
    page.fill("#totp-code", authenticator_code(email))
    page.click("#verify-code")


def matter_id(reference: str) -> str:
    with db.read() as s:
        return str(s.exec(select(Matter.id).where(Matter.reference == reference)).one())


def actor(email: str) -> Actor:
    with db.read() as s:
        user = s.exec(select(User).where(User.email == email)).one()
        client = s.exec(select(Client.id).where(Client.user_id == user.id)).first()
        return Actor(user_id=user.id, role=user.role, email=user.email, full_name=user.full_name,
                     client_id=client, organization_id=user.organization_id)


def audit_events(action: str, since_seq: int = 0) -> list[AuditEvent]:
    with db.read() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action, AuditEvent.seq > since_seq)
                           .order_by(AuditEvent.seq)).all())


def last_seq() -> int:
    with db.read() as s:
        rows = s.exec(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)).all()
        return rows[0] if rows else 0


def eventually(check, timeout: float = 30, every: float = 0.25):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout:.0f}s: {check}")
        time.sleep(every)


def home(page, path: str = r"/client/?$") -> None:
    page.wait_for_url(re.compile("^[^?]*" + path))  # the path, never a ?next= that ends the same way


def served_by(topology, pattern: str, since: int = 0) -> list[str]:
    """Which workers (a, b) nginx sent the requests matching `pattern` to, after byte `since` of its log."""
    by_port = {f"127.0.0.1:{w.port}": name for name, w in topology.workers.items()}
    log = (topology.folder / "nginx" / "access.log").read_text()[since:]
    found = []
    for line in log.splitlines():
        if re.search(pattern, line):
            upstream = line.rsplit("upstream=", 1)[-1].split(",")[-1].strip()
            found.append(by_port.get(upstream, upstream))
    return found


def log_size(topology) -> int:
    path = topology.folder / "nginx" / "access.log"
    return path.stat().st_size if path.exists() else 0


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


class PortalConnection(http.client.HTTPSConnection):
    """HTTPS to portal.test at a loopback address of our choosing, checking the certificate
    against the throwaway CA (name included); optionally from a chosen source address."""

    def __init__(self, topology, address: str, source: str | None):
        super().__init__(HOST, topology.port, context=topology.ssl_context(), timeout=60,
                         source_address=(source, 0) if source else None)
        self._address = address

    def connect(self):
        raw = socket.create_connection((self._address, self.port), self.timeout, self.source_address)
        self.sock = self._context.wrap_socket(raw, server_hostname=HOST)


def request(topology, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None,
            cookies: dict | None = None, address: str = "127.0.0.1", source: str | None = None,
            direct_to: str | None = None) -> Answer:
    """One request through the proxy (or, with direct_to="a", straight to a worker over plain HTTP)."""
    headers = dict(headers or {})
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if direct_to:
        conn = http.client.HTTPConnection("127.0.0.1", topology.workers[direct_to].port, timeout=60,
                                          source_address=(source, 0) if source else None)
    else:
        conn = PortalConnection(topology, address, source)
    try:
        conn.request(method, path, body=body, headers=headers)
        answer = conn.getresponse()
        return Answer(answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read())
    finally:
        conn.close()


def browser_cookies(page) -> dict:
    return {c["name"]: c["value"] for c in page.context.cookies()}


def paid_in_sandbox_but_not_delivered(cents: int = 65_000) -> tuple[str, list[tuple[bytes, str]]]:
    """An invoice the client pays by card; the processor's signed events are kept, not delivered."""
    data = DraftInput(kind="milestone", title="Filing preparation",
                      lines=[LineInput(kind="legal_fee", description="Prepare and file", unit_amount_cents=cents)])
    invoice_id = invoice_drafts.create(actor("billing@demo.example"), matter_id("MTR-2026-0001"), data)
    invoice_lifecycle.send(actor("billing@demo.example"), invoice_id)
    client = actor("maria@demo.example")
    with sandbox.capture_events() as events:
        checkout = payments.start(client, invoice_id)
        payments.pay_in_sandbox(client, checkout.payment_id, checkout.client_secret, number="4242 4242 4242 4242",
                                expiry="12/40", cvc="123", save="")
    assert events, "the sandbox sent no event"
    return invoice_id, events


def deliver(topology, event: tuple[bytes, str], **where) -> tuple[int, dict]:
    payload, signature = event
    answer = request(topology, "POST", "/api/stripe/webhook", body=payload,
                     headers={"Content-Type": "application/json", "Stripe-Signature": signature}, **where)
    return answer.status, (answer.json() if answer.body.startswith(b"{") else {})


def invoice_status(invoice_id: str) -> str:
    with db.read() as s:
        return s.get(Invoice, uuid.UUID(invoice_id)).status
