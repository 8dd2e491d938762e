"""Whose address a request comes from: the one function every page state and API route uses.

The TCP peer is the client unless the peer is one of the firm's own proxies
(PORTAL_TRUSTED_PROXIES). Only then is X-Forwarded-For read, right to left, skipping the trusted
proxies in it, and the first address that is not one of them is the client (what nginx's
`real_ip_recursive on` does). Anything a client wrote further left is never believed, and a
header sent straight to a worker by anyone else is ignored.

Reflex's own `trusted_proxy_hops` is left at 0 on purpose: it believes the header from any peer.
"""
from __future__ import annotations

import ipaddress

from portal_app.services.kernel.settings import get_settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _parse(text: str) -> Address | None:
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # [2001:db8::1]:443
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # 203.0.113.7:51234
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_address(peer: str | None, forwarded_for: str | None = None, *, trusted=None) -> str:
    """The client's address, as text ("" when the peer is unknown)."""
    networks = get_settings().trusted_proxies if trusted is None else trusted
    current = _parse(peer or "")
    if current is None:
        return (peer or "").strip()[:64]
    hops = [part for part in (forwarded_for or "").split(",") if part.strip()]
    while _trusted(current, networks) and hops:
        previous = _parse(hops.pop())
        if previous is None:  # garbage written by someone before the trusted hop: stop at what it saw
            break
        current = previous
    return current.compressed


def from_router(router) -> str:
    """For page states: the address behind a Reflex websocket connection."""
    headers = getattr(router.headers, "raw_headers", {}) or {}
    return client_address(router.session.client_ip, headers.get("x-forwarded-for"))


def from_request(request) -> str:
    """For Starlette routes."""
    peer = request.client.host if request.client else ""
    return client_address(peer, ",".join(request.headers.getlist("x-forwarded-for")))
