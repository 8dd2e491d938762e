"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, with STARTTLS or implicit TLS from a
self-signed certificate made here, a login, and switches to refuse recipients or fail for a while."""
from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER, PASSWORD = "portal", "s3cret-mail-password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@dataclass
class Recorder:
    """The handler: keeps every accepted message; can refuse addresses or answer 451 a few times."""

    messages: list = field(default_factory=list)
    refuse: set = field(default_factory=set)
    temporary_failures: int = 0
    delay_seconds: float = 0.0  # a slow server: each message takes this long to accept

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if self.temporary_failures > 0:
            self.temporary_failures -= 1
            return "451 4.3.0 please try again later"
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                              "content": envelope.original_content, "authenticated": session.authenticated,
                              "tls": server.transport.get_extra_info("ssl_object") is not None})
        return "250 2.0.0 accepted"


def _authenticate(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode(),
                      handled=False)


def start(security: str, cert: tuple[Path, Path], recorder: Recorder, port: int | None = None) -> Controller:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*cert)
    options = dict(hostname="127.0.0.1", port=port or free_port(), authenticator=_authenticate)
    if security == "tls":
        controller = Controller(recorder, ssl_context=context, auth_require_tls=False, **options)  # the whole session is TLS
    elif security == "starttls":
        controller = Controller(recorder, tls_context=context, require_starttls=True, auth_require_tls=True, **options)
    else:
        controller = Controller(recorder, auth_require_tls=False, **options)
    controller.start()
    return controller
