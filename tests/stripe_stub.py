"""A small local stand-in for the few Stripe API endpoints the portal calls. The real stripe SDK
is pointed at it (STRIPE_API_BASE); it records every request (path, idempotency key, parameters)
and keeps payment intents so tests can move them along like Stripe would."""
from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


def nested(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding (metadata[invoice_id]=..., expand[0]=...) back into a dict."""
    out: dict = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = out
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return out


@dataclass
class Recorded:
    method: str
    path: str
    idempotency_key: str | None
    params: dict


@dataclass
class StripeStub:
    requests: list[Recorded] = field(default_factory=list)
    intents: dict[str, dict] = field(default_factory=dict)
    by_key: dict[str, dict] = field(default_factory=dict)
    url: str = ""

    def set_status(self, intent_id: str, status: str, fee: int = 0, refunded: int = 0, error: str = "") -> dict:
        pi = self.intents[intent_id]
        pi["status"] = status
        if status == "succeeded":
            pi["amount_received"] = pi["amount"]
            pi["latest_charge"] = {"id": "ch_" + intent_id[3:], "object": "charge", "amount_refunded": refunded,
                                   "balance_transaction": {"id": "txn_1", "object": "balance_transaction", "fee": fee}}
        pi["last_payment_error"] = {"message": error, "type": "card_error"} if error else None
        return pi

    def event_object(self, intent_id: str) -> dict:
        pi = dict(self.intents[intent_id])
        if isinstance(pi.get("latest_charge"), dict):
            pi["latest_charge"] = pi["latest_charge"]["id"]  # events carry the id, not the expansion
        pi.pop("client_secret", None)
        return pi

    def handle(self, method: str, path: str, key: str | None, params: dict) -> tuple[int, dict]:
        self.requests.append(Recorded(method, path, key, params))
        if key and key in self.by_key:
            return 200, self.by_key[key]
        status, body = self._route(method, path, params)
        if key and status == 200:
            self.by_key[key] = body
        return status, body

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        if method == "POST" and path == "/v1/customers":
            return 200, {"id": "cus_" + secrets.token_hex(6), "object": "customer", "email": params.get("email")}
        if method == "POST" and path == "/v1/customer_sessions":
            return 200, {"object": "customer_session", "customer": params["customer"],
                         "client_secret": "cuss_secret_" + secrets.token_hex(8)}
        if method == "POST" and path == "/v1/payment_intents":
            pi_id = "pi_" + secrets.token_hex(8)
            pi = {"id": pi_id, "object": "payment_intent", "amount": int(params["amount"]),
                  "currency": params["currency"], "status": "requires_payment_method", "amount_received": 0,
                  "metadata": params.get("metadata", {}), "client_secret": f"{pi_id}_secret_{secrets.token_hex(6)}",
                  "latest_charge": None, "payment_method_types": ["card"], "customer": params.get("customer"),
                  "last_payment_error": None, "created": int(time.time()), "livemode": False}
            self.intents[pi_id] = pi
            return 200, pi
        if method == "GET" and path.startswith("/v1/payment_intents/"):
            pi = self.intents.get(path.rsplit("/", 1)[-1])
            return (200, pi) if pi else (404, {"error": {"type": "invalid_request_error", "message": "No such"}})
        if method == "POST" and path == "/v1/refunds":
            pi = self.intents[params["payment_intent"]]
            pi["latest_charge"]["amount_refunded"] += int(params["amount"])
            return 200, {"id": "re_" + secrets.token_hex(6), "object": "refund", "amount": int(params["amount"]),
                         "payment_intent": pi["id"], "status": "succeeded"}
        return 404, {"error": {"type": "invalid_request_error", "message": f"stub has no {method} {path}"}}


def start_stub() -> tuple[StripeStub, ThreadingHTTPServer]:
    stub = StripeStub()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self, method: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            params = nested(parse_qsl(body or parts.query, keep_blank_values=True))
            status, payload = stub.handle(method, parts.path, self.headers.get("idempotency-key"), params)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("request-id", "req_stub")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802
            self._serve("GET")

        def do_POST(self):  # noqa: N802
            self._serve("POST")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    return stub, server
