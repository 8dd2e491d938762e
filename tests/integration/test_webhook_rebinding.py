"""Outbound webhooks under DNS rebinding: the receiver's name answers a public address to the
private-network check and 127.0.0.1 to whoever asks next. The sender must connect to the address
it checked, never to the one a second lookup returns; and connecting by the checked address must
keep TLS right (SNI, Host header and certificate verification by name).

Real sockets throughout: a receiver on 127.0.0.1, a firewall (a Python audit hook on
socket.connect) that lets only loopback connections through and logs every connection the
process makes, and a real TLS server with a certificate from a throwaway CA.
"""
from __future__ import annotations

import datetime as dt
import socket
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlmodel import select

from models import WebhookAttempt, WebhookDelivery, utcnow
from portal_app.services.billing.webhooks import endpoints as webhook_endpoints
from portal_app.services.billing.webhooks import sender as webhook_sender
from portal_app.services.kernel import db
from tests.billing_helpers import make_invoice, pay_with_card
from tests.world import build_world

PUBLIC = "93.184.215.14"  # a globally routable address: it passes the private-network check
REAL_GETADDRINFO = socket.getaddrinfo
FIREWALL = {"on": False, "log": []}


def _firewall(event: str, args: tuple) -> None:
    if event == "socket.connect" and FIREWALL["on"] and isinstance(args[1], tuple):
        host = args[1][0]
        FIREWALL["log"].append(host)
        if host not in ("127.0.0.1", "::1"):
            raise ConnectionRefusedError(f"test firewall: no way out to {host}")


sys.addaudithook(_firewall)  # audit hooks cannot be removed: it only acts while FIREWALL["on"]


class Resolver:
    """A DNS server that rebinds: each name answers from its list in turn, then keeps the last."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers, self.asked = answers, []

    def __call__(self, host, port, *args, **kwargs):
        if host not in self.answers:
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        self.asked.append(host)
        queue = self.answers[host]
        address = queue.pop(0) if len(queue) > 1 else queue[0]
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, int(port or 0)))]


class Receiver:
    """Records every request: (Host header, TLS server name)."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.seen, self.server_names = [], []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers["content-length"]))
                receiver.seen.append(self.headers["host"])
                self.send_response(204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            tls.sni_callback = lambda _sock, name, _ctx: self.server_names.append(name)
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def world(portal_db):
    return build_world()


@pytest.fixture
def firewall():
    FIREWALL["log"].clear()
    FIREWALL["on"] = True
    yield FIREWALL["log"]
    FIREWALL["on"] = False


def _attempts() -> list[WebhookAttempt]:
    with db.read() as s:
        return list(s.exec(select(WebhookAttempt).order_by(WebhookAttempt.attempted_at)).all())


def test_a_name_that_rebinds_to_loopback_after_the_check_is_never_reached(world, firewall, monkeypatch):
    receiver = Receiver()
    try:
        monkeypatch.setattr(socket, "getaddrinfo", Resolver({"hooks.rebind.example": [PUBLIC]}))
        url = f"http://hooks.rebind.example:{receiver.port}/payments"
        webhook_endpoints.register(world.actor("admin"), url, "Accounting", ["payment.posted"])  # check: public
        pay_with_card(world, make_invoice(world, "milestone", 150_000))
        rebinding = Resolver({"hooks.rebind.example": [PUBLIC, "127.0.0.1"]})
        monkeypatch.setattr(socket, "getaddrinfo", rebinding)
        firewall.clear()
        webhook_sender.send_due(utcnow())
        assert receiver.seen == []  # nothing reached the portal's own machine
        assert firewall and set(firewall) == {PUBLIC}  # it connected to the address it checked, only
        assert rebinding.asked == ["hooks.rebind.example"]  # resolved once per attempt
        (attempt,) = _attempts()
        assert attempt.status_code is None and "ConnectError" in attempt.error
    finally:
        receiver.server.shutdown()


def test_a_name_that_answers_loopback_to_the_check_is_refused_without_connecting(world, firewall, monkeypatch):
    receiver = Receiver()
    try:
        monkeypatch.setattr(socket, "getaddrinfo", Resolver({"hooks.rebind.example": [PUBLIC, "127.0.0.1"]}))
        webhook_endpoints.register(world.actor("admin"), f"http://hooks.rebind.example:{receiver.port}/p", "A",
                                   ["payment.posted"])
        pay_with_card(world, make_invoice(world, "milestone", 5_000))
        firewall.clear()
        webhook_sender.send_due(utcnow())
        assert receiver.seen == [] and firewall == []
        assert _attempts()[0].error == "refused: webhook.private_address"
    finally:
        receiver.server.shutdown()


def _certificates(name: str) -> tuple[bytes, bytes, bytes]:
    """(CA certificate, server certificate, server key) in PEM, the server's valid for `name`."""
    now = dt.datetime.now(dt.timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test receivers CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
          .not_valid_after(now + dt.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .sign(ca_key, hashes.SHA256()))
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    return (ca.public_bytes(pem), cert.public_bytes(pem),
            key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def test_tls_to_the_checked_address_keeps_sni_host_and_certificate_checks(world, firewall, monkeypatch, tmp_path):
    ca, cert, key = _certificates("hooks.firm.test")
    (tmp_path / "cert.pem").write_bytes(cert + ca)
    (tmp_path / "key.pem").write_bytes(key)
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    receiver = Receiver(server_tls)
    try:
        resolver = Resolver({"hooks.firm.test": ["127.0.0.1"], "wrong.firm.test": ["127.0.0.1"]})
        monkeypatch.setattr(socket, "getaddrinfo", resolver)
        for name in ("hooks.firm.test", "wrong.firm.test"):
            webhook_endpoints.register(world.actor("admin"), f"https://{name}:{receiver.port}/payments", name,
                                       ["payment.posted"], allow_private_network=True)
        pay_with_card(world, make_invoice(world, "milestone", 5_000))
        webhook_sender.send_due(utcnow(), tls=ssl.create_default_context(cadata=ca.decode()))
        assert receiver.seen == [f"hooks.firm.test:{receiver.port}"]  # Host header: the name, not the address
        assert "hooks.firm.test" in receiver.server_names and "wrong.firm.test" in receiver.server_names  # SNI
        assert set(firewall) == {"127.0.0.1"}
        with db.read() as s:
            rows = s.exec(select(WebhookDelivery.status, WebhookAttempt.error).join(WebhookAttempt)).all()
        errors = sorted(error for _status, error in rows)
        assert errors[0] == "" and "CERTIFICATE_VERIFY_FAILED" in errors[1]  # wrong.firm.test: not its cert
    finally:
        receiver.server.shutdown()
