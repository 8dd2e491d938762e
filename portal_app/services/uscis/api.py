"""Adapter for USCIS's Case Status API (OAuth 2.0 client credentials; off by default).

`POST {token_url}` with the client id and secret gives a bearer token valid ~30 minutes, cached
and refreshed a minute early; `GET {base_url}/{receipt}` gives the case status. Parsing is tolerant
of the two response shapes seen in public descriptions. Every failure becomes a UscisError whose
`kind` tells the poller what to do: auth (stop, tell the admin), not_found / bad_receipt (check
the number), rate_limited (back off, honouring Retry-After), unavailable (retry later),
bad_response (retry later, keep the text for the admin).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable

import httpx

from models import utcnow
from portal_app.services.kernel.settings import UscisSettings

DATE_FORMATS = ("%m-%d-%Y %H:%M:%S", "%m-%d-%Y", "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%B %d, %Y")


class UscisError(Exception):
    def __init__(self, kind: str, detail: str = "", retry_after: float | None = None) -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind, self.detail, self.retry_after = kind, detail, retry_after


@dataclass(frozen=True)
class CaseStatus:
    receipt_number: str
    status: str
    form_type: str = ""
    description: str = ""
    description_es: str = ""
    status_date: date | None = None
    history: list[tuple[str, date | None]] = field(default_factory=list)


def parse_date(raw: object) -> date | None:
    text = str(raw or "").strip()
    for candidate in dict.fromkeys((text, text[:19], text[:10])):
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
    return None


def _first(data: dict, *names: str) -> str:
    for name in names:
        value = data.get(name)
        if value:
            return str(value).strip()
    return ""


def parse_case(receipt: str, body: object) -> CaseStatus:
    if not isinstance(body, dict):
        raise UscisError("bad_response", "the answer is not a JSON object")
    data = body.get("case_status") if isinstance(body.get("case_status"), dict) else body
    status = _first(data, "current_case_status_text_en", "status", "caseStatus")
    if not status:
        raise UscisError("bad_response", "the answer has no status")
    history = []
    for entry in data.get("hist_case_status") or data.get("historicalCaseStatuses") or []:
        if isinstance(entry, dict):
            history.append((_first(entry, "completed_text_en", "status"), parse_date(entry.get("date"))))
    return CaseStatus(
        receipt_number=_first(data, "receiptNumber") or receipt, status=status[:200],
        form_type=_first(data, "formType")[:16],
        description=_first(data, "current_case_status_desc_en", "description"),
        description_es=_first(data, "current_case_status_desc_es", "statusEsDesc"),
        status_date=parse_date(data.get("modifiedDate") or data.get("date")), history=history,
    )


class UscisClient:
    def __init__(self, cfg: UscisSettings, http: httpx.Client | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.cfg, self.clock = cfg, clock
        self.http = http or httpx.Client(timeout=cfg.timeout_seconds, follow_redirects=False)
        self._token: str | None = None
        self._token_expires: datetime | None = None

    def _fetch_token(self) -> str:
        try:
            response = self.http.post(self.cfg.token_url, data={
                "grant_type": "client_credentials", "client_id": self.cfg.client_id,
                "client_secret": self.cfg.client_secret.get_secret_value()})
        except httpx.HTTPError as exc:
            raise UscisError("unavailable", f"token request failed: {type(exc).__name__}") from exc
        if response.status_code in (400, 401, 403):
            raise UscisError("auth", f"the token endpoint refused the credentials ({response.status_code})")
        if response.status_code != 200:
            raise UscisError("unavailable", f"token endpoint answered {response.status_code}")
        try:
            payload = response.json()
            token, lifetime = payload["access_token"], int(payload.get("expires_in") or 1800)
        except (ValueError, KeyError, TypeError) as exc:
            raise UscisError("bad_response", "the token answer has no access_token") from exc
        self._token, self._token_expires = token, self.clock() + timedelta(seconds=max(lifetime - 60, 30))
        return token

    def token(self) -> str:
        if self._token and self._token_expires and self.clock() < self._token_expires:
            return self._token
        return self._fetch_token()

    def _get(self, receipt: str) -> httpx.Response:
        try:
            return self.http.get(f"{self.cfg.base_url}/{receipt}",
                                 headers={"Authorization": f"Bearer {self.token()}", "Accept": "application/json"})
        except httpx.TimeoutException as exc:
            raise UscisError("unavailable", "the request timed out") from exc
        except httpx.HTTPError as exc:
            raise UscisError("unavailable", f"request failed: {type(exc).__name__}") from exc

    def case_status(self, receipt: str) -> CaseStatus:
        response = self._get(receipt)
        if response.status_code == 401:  # expired or revoked: one fresh token, then give up
            self._token = None
            response = self._get(receipt)
            if response.status_code == 401:
                raise UscisError("auth", "the API refused a fresh token")
        return self._interpret(receipt, response)

    def _interpret(self, receipt: str, response: httpx.Response) -> CaseStatus:
        code = response.status_code
        if code == 200:
            try:
                return parse_case(receipt, response.json())
            except ValueError as exc:
                raise UscisError("bad_response", "the answer is not JSON") from exc
        if code == 404:
            raise UscisError("not_found", "USCIS does not know this receipt number")
        if code in (400, 422):
            raise UscisError("bad_receipt", "USCIS says the receipt number is not valid")
        if code == 429:
            raise UscisError("rate_limited", "too many requests", retry_after=_retry_after(response))
        if code == 403:
            raise UscisError("auth", "the API refused access (403)")
        raise UscisError("unavailable", f"the API answered {code}")


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(float(response.headers.get("Retry-After", "")), 0.0)
    except ValueError:
        return None
