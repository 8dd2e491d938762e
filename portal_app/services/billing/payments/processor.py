"""The payment processor behind one small interface: the embedded sandbox (the default when no
Stripe keys are set; no money moves) or Stripe. Pages, payments and the webhook handler use only
this interface, so the same flow runs on both."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from portal_app.services.kernel.errors import PortalError


class SignatureInvalid(PortalError):
    code = "billing.webhook_signature_invalid"
    http_status = 400


class ProcessorUnavailable(PortalError):
    code = "billing.processor_unavailable"
    http_status = 502

    def __init__(self, detail: str = "") -> None:
        super().__init__(self.code)
        self.detail = detail


@dataclass(frozen=True)
class Intent:
    """The parts of a Stripe PaymentIntent the portal uses (the sandbox makes the same shape)."""

    id: str
    status: str
    amount: int
    currency: str
    client_secret: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    amount_received: int = 0
    amount_refunded: int = 0
    fee: int | None = None
    method_type: str = "card"
    error_message: str = ""
    created: int = 0


class Processor(Protocol):
    name: str
    is_sandbox: bool

    def publishable_key(self, account: str) -> str: ...
    def ensure_customer(self, account: str, *, client_id: str, email: str, name: str) -> str: ...
    def customer_session_secret(self, account: str, customer: str) -> str: ...
    def create_intent(self, account: str, *, amount: int, currency: str, metadata: dict[str, str],
                      idempotency_key: str, customer: str | None, description: str) -> Intent: ...
    def retrieve_intent(self, account: str, intent_id: str) -> Intent: ...
    def refund(self, account: str, intent_id: str, amount: int, idempotency_key: str) -> str: ...
    def webhook_secrets(self) -> list[tuple[str, str]]: ...
