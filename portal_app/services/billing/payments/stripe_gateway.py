"""The only module that imports the stripe SDK. It speaks to one or two Stripe accounts
("operating", and optionally a separate "trust" account), verifies webhook signatures, and turns
Stripe objects into the plain `Intent` the rest of the portal uses."""
from __future__ import annotations

import json
from functools import lru_cache

import stripe

from portal_app.services.billing.payments.processor import Intent, ProcessorUnavailable, SignatureInvalid
from portal_app.services.kernel.errors import PortalError
from portal_app.services.kernel.settings import get_settings

TIMEOUT_RETRIES = 2


@lru_cache(maxsize=4)
def _client(secret_key: str, api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient(secret_key, base_addresses={"api": api_base}, max_network_retries=TIMEOUT_RETRIES)


def _for(account: str) -> stripe.StripeClient:
    payments = get_settings().payments
    key = (payments.trust_secret_key if account == "trust" else payments.secret_key).get_secret_value()
    if not key:
        raise PortalError("billing.trust_account_missing")
    return _client(key, payments.api_base)


def _call(fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except stripe.StripeError as exc:
        raise ProcessorUnavailable(getattr(exc, "user_message", None) or type(exc).__name__) from exc


def _intent(pi: stripe.PaymentIntent) -> Intent:
    data = pi.to_dict()
    charge = data.get("latest_charge")
    fee = None
    if isinstance(charge, dict) and isinstance(charge.get("balance_transaction"), dict):
        fee = int(charge["balance_transaction"].get("fee", 0))
    error = data.get("last_payment_error") or {}
    return Intent(id=data["id"], status=data["status"], amount=int(data["amount"]), currency=data["currency"].upper(),
                  client_secret=data.get("client_secret") or "", metadata=dict(data.get("metadata") or {}),
                  amount_received=int(data.get("amount_received") or 0),
                  amount_refunded=int(charge.get("amount_refunded", 0)) if isinstance(charge, dict) else 0,
                  fee=fee, method_type=(data.get("payment_method_types") or ["card"])[0],
                  error_message=error.get("message") or "", created=int(data.get("created") or 0))


class StripeProcessor:
    name = "stripe"
    is_sandbox = False

    def publishable_key(self, account: str) -> str:
        payments = get_settings().payments
        return payments.trust_publishable_key if account == "trust" else payments.publishable_key

    def ensure_customer(self, account: str, *, client_id: str, email: str, name: str) -> str:
        customer = _call(_for(account).v1.customers.create,
                         params={"email": email, "name": name, "metadata": {"client_id": client_id}},
                         options={"idempotency_key": f"portal-customer:{client_id}:{account}"})
        return customer.id

    def customer_session_secret(self, account: str, customer: str) -> str:
        # The Payment Element offers "save this card" as a box the client ticks: only a ticked box sets
        # setup_future_usage (to payment_method_save_usage) at confirmation. Setting it on the intent
        # instead would keep every card the client ever typed, asked or not.
        features = {"payment_method_redisplay": "enabled", "payment_method_save": "enabled",
                    "payment_method_save_usage": "on_session", "payment_method_remove": "enabled"}
        session = _call(_for(account).v1.customer_sessions.create, params={
            "customer": customer, "components": {"payment_element": {"enabled": True, "features": features}}})
        return session.client_secret

    def create_intent(self, account: str, *, amount: int, currency: str, metadata: dict[str, str],
                      idempotency_key: str, customer: str | None, description: str) -> Intent:
        params = {"amount": amount, "currency": currency.lower(), "metadata": metadata, "description": description,
                  "automatic_payment_methods": {"enabled": True}}
        if customer:
            params["customer"] = customer
        pi = _call(_for(account).v1.payment_intents.create, params=params,
                   options={"idempotency_key": idempotency_key})
        return _intent(pi)

    def retrieve_intent(self, account: str, intent_id: str) -> Intent:
        pi = _call(_for(account).v1.payment_intents.retrieve, intent_id,
                   params={"expand": ["latest_charge.balance_transaction"]})
        return _intent(pi)

    def refund(self, account: str, intent_id: str, amount: int, idempotency_key: str) -> str:
        refund = _call(_for(account).v1.refunds.create, params={"payment_intent": intent_id, "amount": amount},
                       options={"idempotency_key": idempotency_key})
        return refund.id

    def webhook_secrets(self) -> list[tuple[str, str]]:
        payments = get_settings().payments
        secrets = [("operating", payments.webhook_secret.get_secret_value())]
        trust = payments.trust_webhook_secret.get_secret_value()
        return secrets + ([("trust", trust)] if trust else [])


def verify_event(payload: bytes, signature: str | None, secrets: list[tuple[str, str]]) -> tuple[dict, str]:
    """Check the Stripe-Signature header against each account's signing secret (the SDK does the
    HMAC and the 5-minute tolerance); returns the event as a plain dict and the account it is for.
    The header is checked alone: the SDK's event object (which construct_event builds, and which was
    a fifth of a verified delivery's cost in the profile) is not needed, the payload is parsed once."""
    if not signature:
        raise SignatureInvalid()
    for account, secret in secrets:
        try:
            stripe.WebhookSignature.verify_header(payload, signature, secret, stripe.Webhook.DEFAULT_TOLERANCE)
        except stripe.SignatureVerificationError:
            continue
        try:
            event = json.loads(payload)
        except ValueError as exc:
            raise SignatureInvalid() from exc
        if not isinstance(event, dict):
            raise SignatureInvalid()
        return event, account
    raise SignatureInvalid()


def sign_payload(payload: str, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header for a payload (the sandbox signs its events exactly like Stripe)."""
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)
