"""Whose address a request comes from (portal_app/client_address.py): X-Forwarded-For is believed
only when the TCP peer is one of the firm's own proxies, and then only to the right of the first
address that is not a trusted proxy. Every caller goes through this one function."""
from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from portal_app.client_address import client_address, from_router
from portal_app.services.kernel.setting_groups import SettingsError
from portal_app.services.kernel.settings import get_settings, reset_settings

ROOT = Path(__file__).resolve().parents[2]
PROXY = (ipaddress.ip_network("127.0.0.2/32"), ipaddress.ip_network("10.0.0.0/8"))


def test_without_trusted_proxies_the_header_is_ignored():
    assert client_address("198.51.100.4", "203.0.113.9", trusted=()) == "198.51.100.4"


def test_from_the_trusted_proxy_the_address_it_saw_is_the_client():
    assert client_address("127.0.0.2", "198.51.100.4", trusted=PROXY) == "198.51.100.4"


def test_a_forged_header_sent_through_the_proxy_is_not_believed():
    # the client wrote "127.0.0.1" itself; nginx appended the address it really saw
    assert client_address("127.0.0.2", "127.0.0.1, 198.51.100.4", trusted=PROXY) == "198.51.100.4"


def test_a_forged_header_sent_straight_to_a_worker_is_not_believed():
    assert client_address("127.0.0.1", "203.0.113.9", trusted=PROXY) == "127.0.0.1"


def test_a_chain_of_trusted_proxies_is_walked_right_to_left():
    assert client_address("127.0.0.2", "192.0.2.1, 198.51.100.4, 10.1.2.3", trusted=PROXY) == "198.51.100.4"


def test_garbage_before_a_trusted_hop_stops_the_walk():
    assert client_address("127.0.0.2", "not-an-address, 10.1.2.3", trusted=PROXY) == "10.1.2.3"


@pytest.mark.parametrize(("peer", "header", "expected"), [
    ("127.0.0.2", "[2001:db8::1]:443", "2001:db8::1"),
    ("127.0.0.2", "198.51.100.4:51234", "198.51.100.4"),
    ("::ffff:127.0.0.2", "2001:DB8::0:1", "2001:db8::1"),
    ("::1", "198.51.100.4", "::1"),
])
def test_ports_brackets_and_mapped_addresses(peer, header, expected):
    assert client_address(peer, header, trusted=PROXY) == expected


def test_the_setting_reads_addresses_and_networks(monkeypatch):
    monkeypatch.setenv("PORTAL_TRUSTED_PROXIES", "127.0.0.2, 10.0.0.0/8, ::1")
    reset_settings()
    assert [str(n) for n in get_settings().trusted_proxies] == ["127.0.0.2/32", "10.0.0.0/8", "::1/128"]
    assert client_address("10.9.8.7", "198.51.100.4") == "198.51.100.4"
    monkeypatch.setenv("PORTAL_TRUSTED_PROXIES", "127.0.0.2, the-proxy")
    reset_settings()
    with pytest.raises(SettingsError, match="PORTAL_TRUSTED_PROXIES"):
        get_settings()


def test_page_states_use_the_websocket_peer_and_its_header(monkeypatch):
    monkeypatch.setenv("PORTAL_TRUSTED_PROXIES", "127.0.0.2")
    reset_settings()
    router = SimpleNamespace(session=SimpleNamespace(client_ip="127.0.0.2"),
                             headers=SimpleNamespace(raw_headers={"x-forwarded-for": "203.0.113.5, 198.51.100.4"}))
    assert from_router(router) == "198.51.100.4"


def test_reflex_is_not_told_to_believe_the_header():
    import rxconfig

    assert rxconfig.config.trusted_proxy_hops == 0


def test_no_caller_reads_the_address_another_way():
    offenders = []
    for path in (ROOT / "portal_app").rglob("*.py"):
        if path.name == "client_address.py":
            continue
        text = path.read_text()
        if re.search(r"session\.client_ip|request\.client\b|x-forwarded-for", text, re.IGNORECASE):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
