"""HTTP for webhook deliveries that connects only to the addresses that were checked.

Checking a receiver's host (endpoints.resolve_public) and then letting an HTTP client resolve it
again leaves a gap: a DNS server that answers a public address to the check and 127.0.0.1 to the
client (DNS rebinding) reaches the firm's own network. Here the connection layer never resolves
anything: the network backend maps the URL's host to the addresses the check returned and
connects to those. The URL keeps its host name, so the Host header, TLS SNI and certificate
verification all use the name, exactly as without pinning; a pooled connection is only reused
for the same host name.
"""
from __future__ import annotations

import ssl
import typing
from dataclasses import dataclass

import httpcore

SNIPPET_BYTES = 4096


class _PinnedBackend(httpcore.SyncBackend):
    """Connects a host name only to the addresses pinned for it; an unpinned name is refused."""

    def __init__(self) -> None:
        self._pins: dict[str, tuple[str, ...]] = {}

    def pin(self, host: str, addresses: typing.Iterable[str]) -> None:
        self._pins[host.lower()] = tuple(addresses)

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: typing.Iterable | None = None) -> httpcore.NetworkStream:
        addresses = self._pins.get(host.lower())
        if not addresses:
            raise httpcore.ConnectError(f"{host} was not checked before connecting")
        error: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout=timeout, local_address=local_address,
                                           socket_options=socket_options)
            except httpcore.ConnectError as exc:
                error = exc
        raise error or httpcore.ConnectError(f"no address of {host} answered")


@dataclass(frozen=True)
class Answer:
    status: int
    text: str
    retry_after: str


def _host_header(url: httpcore.URL) -> bytes:
    host = url.host.decode("ascii")
    host = f"[{host}]" if ":" in host else host
    default = {b"https": 443, b"http": 80}.get(url.scheme)
    return (host if url.port in (None, default) else f"{host}:{url.port}").encode("ascii")


class PinnedClient:
    """One per sending run. `post` connects to `addresses` (already checked) for the URL's host."""

    def __init__(self, timeout: float, tls: ssl.SSLContext | None = None) -> None:
        self._backend = _PinnedBackend()
        self._timeout = {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}
        self._pool = httpcore.ConnectionPool(ssl_context=tls or httpcore.default_ssl_context(),
                                             network_backend=self._backend, retries=0)

    def post(self, url: str, addresses: typing.Iterable[str], body: bytes, headers: dict[str, str]) -> Answer:
        target = httpcore.URL(url)
        self._backend.pin(target.host.decode("ascii"), addresses)
        sent = [(b"host", _host_header(target)), (b"content-length", str(len(body)).encode())]
        sent += [(k.encode(), v.encode()) for k, v in headers.items()]
        with self._pool.stream("POST", target, headers=sent, content=body,
                               extensions={"timeout": self._timeout}) as response:
            received = bytearray()
            for chunk in response.iter_stream():
                received += chunk
                if len(received) >= SNIPPET_BYTES:
                    break
            answer = dict((k.lower(), v) for k, v in response.headers)
        return Answer(response.status, received.decode("utf-8", "replace"),
                      answer.get(b"retry-after", b"").decode("latin-1").strip())

    def close(self) -> None:
        self._pool.close()
