"""A request larger than the limit is refused by the proxy and by the portal with the same plain
message, before the body is read: nginx's limits (deploy/nginx/portal.conf) are the portal's
(PORTAL_MAX_REQUEST_BYTES, PORTAL_MAX_UPLOAD_BYTES)."""
from __future__ import annotations

import http.client
import json

import pytest

from portal_app.services.kernel.settings import get_settings
from tests.production.steps import PortalConnection


def _declare(topology, path: str, size: int, direct_to: str | None = None) -> tuple[int, dict]:
    """Send only the headers of a request of `size` bytes and a first piece: both must answer at once."""
    if direct_to:
        conn = http.client.HTTPConnection("127.0.0.1", topology.workers[direct_to].port, timeout=30)
    else:
        conn = PortalConnection(topology, "127.0.0.1", None)
    try:
        conn.putrequest("POST", path)
        conn.putheader("Content-Type", "application/octet-stream")
        conn.putheader("Content-Length", str(size))
        conn.endheaders(b"x" * 1024)
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read())
    finally:
        conn.close()


@pytest.mark.parametrize(("path", "limit_setting"), [("/api/stripe/webhook", "max_request_bytes"),
                                                     ("/_upload", "max_upload_bytes")])
def test_the_proxy_and_the_portal_refuse_with_the_same_message(topology, path, limit_setting):
    limit = getattr(get_settings(), limit_setting)
    by_proxy = _declare(topology, path, limit + 1)
    by_portal = _declare(topology, path, limit + 1, direct_to="a")
    assert by_proxy[0] == by_portal[0] == 413
    assert by_proxy[1] == by_portal[1]
    assert by_proxy[1]["message"] == f"This request is too large (limit {limit // 1024} KB)."


def test_a_request_at_the_limit_reaches_the_portal(topology):
    limit = get_settings().max_request_bytes
    conn = PortalConnection(topology, "127.0.0.1", None)
    try:
        conn.request("POST", "/api/stripe/webhook", body=b"{" + b" " * (limit - 2) + b"}",
                     headers={"Content-Type": "application/json", "Stripe-Signature": "t=1,v1=00"})
        answer = conn.getresponse()
        assert answer.status == 400 and json.loads(answer.read())["error"] == "signature"
    finally:
        conn.close()
