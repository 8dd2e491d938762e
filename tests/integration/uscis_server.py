"""A local stand-in for USCIS's Case Status API, started by the tests on 127.0.0.1.

It issues OAuth tokens for one client id and secret, answers case status per receipt from a table
the test controls, and can answer 401 (expired token), 404, 422, 429 with Retry-After, 500, a
malformed body, or not at all in time. Every request is recorded."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

CLIENT_ID, CLIENT_SECRET = "portal-app", "uscis-secret"


class FakeUscis:
    def __init__(self) -> None:
        self.statuses: dict[str, dict] = {}  # receipt -> case_status body (or {"fail": code})
        self.tokens: set[str] = set()
        self.requests: list[tuple[str, str]] = []
        self.expire_next_token_use = False
        self.shape = "case_status"
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def set_status(self, receipt: str, status: str, date: str = "03-10-2026 09:00:00", form: str = "I-130") -> None:
        self.statuses[receipt] = {"receiptNumber": receipt, "formType": form, "modifiedDate": date,
                                  "submittedDate": "01-05-2026 10:00:00", "current_case_status_text_en": status,
                                  "current_case_status_desc_en": f"English details: {status}.",
                                  "current_case_status_desc_es": f"Detalles en español: {status}.",
                                  "hist_case_status": [{"date": "01-05-2026", "completed_text_en": "Case Was Received"}]}

    def calls(self, path_prefix: str = "/case-status/") -> list[str]:
        return [path for method, path in self.requests if path.startswith(path_prefix)]

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output quiet
                return None

            def _send(self, code: int, body: object, headers: dict | None = None) -> None:
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                fake.requests.append(("POST", self.path))
                form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
                if form.get("client_id") != [CLIENT_ID] or form.get("client_secret") != [CLIENT_SECRET]:
                    return self._send(401, {"error": "invalid_client"})
                token = f"token-{len(fake.tokens) + 1}"
                fake.tokens.add(token)
                return self._send(200, {"access_token": token, "token_type": "Bearer", "expires_in": "1799"})

            def do_GET(self):
                fake.requests.append(("GET", self.path))
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                if token not in fake.tokens or fake.expire_next_token_use:
                    fake.expire_next_token_use = False
                    fake.tokens.discard(token)
                    return self._send(401, {"error": "invalid_token"})
                receipt = self.path.rsplit("/", 1)[-1]
                entry = fake.statuses.get(receipt)
                if entry is None:
                    return self._send(404, {"message": "not found"})
                fail = entry.get("fail")
                if fail == "slow":
                    time.sleep(entry.get("seconds", 3))
                    return self._send(200, {"case_status": entry})
                if fail == "garbage":
                    return self._send(200, b"<html>maintenance</html>")
                if fail:
                    return self._send(fail, {"message": "error"}, {"Retry-After": "120"} if fail == 429 else None)
                body = {"case_status": entry, "message": "Query was successful"} if fake.shape == "case_status" else {
                    "receiptNumber": entry["receiptNumber"], "formType": entry["formType"],
                    "status": entry["current_case_status_text_en"], "description": entry["current_case_status_desc_en"],
                    "statusEsDesc": entry["current_case_status_desc_es"], "modifiedDate": "2026-03-10",
                    "historicalCaseStatuses": [{"status": "Case Was Received", "date": "2026-01-05"}]}
                return self._send(200, body)

        return Handler
