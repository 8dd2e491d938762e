"""The embedded sandbox processor: Stripe's PaymentIntent flow without Stripe, and without money.

It keeps its own intents (sandbox_intent), accepts only Stripe's documented test cards and bank
accounts, and reports every change as a Stripe-shaped event signed with Stripe's scheme and handed
to the same inbox that Stripe's events reach (`inbox.receive`: stored, then posted at once). It refuses to be
used when the portal is configured for Stripe."""
from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from sqlmodel import select

from models import SandboxIntent, SandboxPaymentMethod, utcnow
from portal_app.services.billing.payments.processor import Intent
from portal_app.services.billing.payments.sandbox_cards import BY_KEY, TestCard, check_bank, check_card
from portal_app.services.kernel import db, localtime, money
from portal_app.services.kernel.errors import Conflict, NotFound
from portal_app.services.kernel.settings import get_settings

API_VERSION = "2026-10-28.sandbox"
CARD_FEE_BP, CARD_FEE_FIXED, ACH_FEE_BP, ACH_FEE_CAP = 290, 30, 80, 500
Sink = Callable[[bytes, str], object]


def _deliver(payload: bytes, signature: str) -> object:
    from portal_app.services.billing.payments import inbox

    return inbox.receive(payload, signature)


_sink: list[Sink] = [_deliver]


@contextlib.contextmanager
def capture_events() -> Iterator[list[tuple[bytes, str]]]:
    """Collect the signed events instead of delivering them (tests replay them in any order)."""
    captured: list[tuple[bytes, str]] = []
    _sink.append(lambda payload, signature: captured.append((payload, signature)))
    try:
        yield captured
    finally:
        _sink.pop()


def webhook_secret(account: str) -> str:
    key = get_settings().secret_key.get_secret_value().encode()
    digest = hmac.new(key, f"sandbox-webhook:{account}".encode(), hashlib.sha256)
    return "whsec_sbx_" + digest.hexdigest()[:40]


def _guard() -> None:
    if not get_settings().payments.is_sandbox:
        raise Conflict("billing.sandbox_disabled")


def _object(row: SandboxIntent) -> dict:
    error = row.last_error or None
    return {"id": row.id, "object": "payment_intent", "amount": row.amount, "currency": row.currency.lower(),
            "status": row.status, "metadata": dict(row.meta or {}), "customer": row.customer,
            "amount_received": row.amount if row.status == "succeeded" else 0, "latest_charge": row.charge_id,
            "payment_method_types": [row.method_type], "last_payment_error": error, "livemode": False,
            "created": int(row.created_at.timestamp())}


def _charge(row: SandboxIntent) -> dict:
    return {"id": row.charge_id, "object": "charge", "payment_intent": row.id, "amount": row.amount,
            "amount_refunded": row.amount_refunded, "refunded": row.amount_refunded >= row.amount,
            "currency": row.currency.lower(), "created": int(utcnow().timestamp())}


def emit(event_type: str, obj: dict, account: str, at: datetime | None = None) -> None:
    """Sign a Stripe-shaped event and hand it to the sink (the webhook handler by default)."""
    created = int((at or utcnow()).timestamp())
    event = {"id": "evt_sbx_" + secrets.token_hex(12), "object": "event", "api_version": API_VERSION,
             "created": created, "livemode": False, "type": event_type, "data": {"object": obj}}
    payload = json.dumps(event, separators=(",", ":"), sort_keys=True)
    from portal_app.services.billing.payments.stripe_gateway import sign_payload

    _sink[-1](payload.encode(), sign_payload(payload, webhook_secret(account)))


def _to_intent(row: SandboxIntent) -> Intent:
    return Intent(id=row.id, status=row.status, amount=row.amount, currency=row.currency,
                  client_secret=row.client_secret, metadata=dict(row.meta or {}),
                  amount_received=row.amount if row.status == "succeeded" else 0,
                  amount_refunded=row.amount_refunded, fee=row.fee if row.status == "succeeded" else None,
                  method_type=row.method_type, error_message=(row.last_error or {}).get("message", ""),
                  created=int(row.created_at.timestamp()))


class SandboxProcessor:
    name = "sandbox"
    is_sandbox = True

    def publishable_key(self, account: str) -> str:
        return f"pk_sandbox_{account}"

    def ensure_customer(self, account: str, *, client_id: str, email: str, name: str) -> str:
        return "cus_sbx_" + hashlib.sha256(f"{client_id}:{account}".encode()).hexdigest()[:20]

    def customer_session_secret(self, account: str, customer: str) -> str:
        return ""

    def create_intent(self, account: str, *, amount: int, currency: str, metadata: dict[str, str],
                      idempotency_key: str, customer: str | None, description: str) -> Intent:
        _guard()
        intent_id = "pi_sbx_" + hashlib.sha256(f"{account}:{idempotency_key}".encode()).hexdigest()[:24]
        with db.write() as s:
            row = s.get(SandboxIntent, intent_id)
            if row is None:  # same idempotency key, same intent (as Stripe does)
                row = SandboxIntent(id=intent_id, account=account, amount=amount, currency=currency.upper(),
                                    status="requires_payment_method", meta=dict(metadata), customer=customer,
                                    client_secret=f"{intent_id}_secret_{secrets.token_urlsafe(18)}")
                s.add(row)
            return _to_intent(row)

    def retrieve_intent(self, account: str, intent_id: str) -> Intent:
        with db.read() as s:
            row = s.get(SandboxIntent, intent_id)
            if row is None or row.account != account:
                raise NotFound()
            return _to_intent(row)

    def refund(self, account: str, intent_id: str, amount: int, idempotency_key: str) -> str:
        _guard()
        with db.write() as s:
            row = s.get(SandboxIntent, intent_id)
            if row is None or row.status != "succeeded" or row.amount_refunded + amount > row.amount:
                raise Conflict("billing.refund_too_large")
            row.amount_refunded += amount
            charge = _charge(row)
        emit("charge.refunded", charge, account)
        return "re_sbx_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:20]

    def webhook_secrets(self) -> list[tuple[str, str]]:
        return [("operating", webhook_secret("operating")), ("trust", webhook_secret("trust"))]


# --- what the sandbox's own card form does (the Payment Element's part, with Stripe's test data) ---

def _load(s, intent_id: str, client_secret: str) -> SandboxIntent:
    row = s.get(SandboxIntent, intent_id)
    if row is None or not hmac.compare_digest(row.client_secret, client_secret or ""):
        raise NotFound()
    if row.status not in ("requires_payment_method", "requires_action"):
        raise Conflict("billing.intent_not_payable")
    return row


def _card_fee(amount: int) -> int:
    return money.percent_of(amount, CARD_FEE_BP) + CARD_FEE_FIXED


def _apply_card(row: SandboxIntent, card: TestCard, method_id: str) -> str:
    row.payment_method, row.method_type = method_id, "card"
    if card.outcome == "declined":
        row.status = "requires_payment_method"
        row.last_error = {"type": "card_error", "code": "card_declined", "decline_code": card.decline_code,
                          "message": card.message}
        return "payment_intent.payment_failed"
    if card.outcome == "authenticate" and row.status != "requires_action":
        row.status, row.last_error = "requires_action", {}
        return ""
    row.status, row.last_error, row.fee = "succeeded", {}, _card_fee(row.amount)
    row.charge_id = "ch_sbx_" + row.id[7:]
    return "payment_intent.succeeded"


def confirm_card(intent_id: str, client_secret: str, *, number: str = "", expiry: str = "", cvc: str = "",
                 save: bool = False, saved_method_id: str = "") -> Intent:
    """Confirm an intent with a test card (typed, or saved earlier by this customer). A typed card the
    client asked to keep is kept as Stripe does with `setup_future_usage`: made now, attached to the
    customer only once the payment has succeeded (after 3-D Secure, if asked), never on a decline or
    a failed authentication."""
    _guard()
    with db.write() as s:
        row = _load(s, intent_id, client_secret)
        if saved_method_id:
            method = s.get(SandboxPaymentMethod, saved_method_id)
            if method is None or not method.customer or method.customer != row.customer:
                raise NotFound()
            card, method_id = BY_KEY[method.test_number_key][1], method.id
        else:
            card, month, year = check_card(number, expiry, cvc, localtime.firm_today())
            method_id = "pm_sbx_" + secrets.token_hex(10)
            if save and row.customer:
                s.add(SandboxPaymentMethod(id=method_id, customer="", test_number_key=card.key, brand=card.brand,
                                           last4=re.sub(r"\D", "", number)[-4:], exp_month=month, exp_year=year))
        event = _apply_card(row, card, method_id)
        _attach_if_paid(s, row)
        obj, account, intent = _object(row), row.account, _to_intent(row)
    if event:
        emit(event, obj, account)
    return intent


def _attach_if_paid(s, row: SandboxIntent) -> None:
    """A card waiting to be kept (no customer yet) joins the customer's cards once the payment succeeded."""
    method = s.get(SandboxPaymentMethod, row.payment_method) if row.payment_method else None
    if row.status != "succeeded" or method is None or method.customer:
        return
    if _has_card(s, row.customer, method.test_number_key):
        s.delete(method)
    else:
        method.customer = row.customer


def _has_card(s, customer: str, key: str) -> bool:
    return s.exec(select(SandboxPaymentMethod.id).where(SandboxPaymentMethod.customer == customer,
                                                         SandboxPaymentMethod.test_number_key == key)).first() is not None


def authenticate(intent_id: str, client_secret: str, approve: bool) -> Intent:
    """The simulated 3-D Secure challenge: the cardholder completes it, or it fails."""
    _guard()
    with db.write() as s:
        row = _load(s, intent_id, client_secret)
        if row.status != "requires_action":
            raise Conflict("billing.intent_not_payable")
        if approve:
            event = _apply_card(row, BY_KEY["3ds"][1], row.payment_method or "")
            _attach_if_paid(s, row)
        else:
            row.status = "requires_payment_method"
            row.last_error = {"type": "card_error", "code": "payment_intent_authentication_failure",
                              "message": "We are unable to authenticate your payment method."}
            event = "payment_intent.payment_failed"
        obj, account, intent = _object(row), row.account, _to_intent(row)
    emit(event, obj, account)
    return intent


def confirm_bank(intent_id: str, client_secret: str, *, routing: str, account_number: str) -> Intent:
    """A test US bank debit: 'processing' now; it settles (or is returned) later, like ACH."""
    _guard()
    outcome, message = check_bank(routing, account_number)
    with db.write() as s:
        row = _load(s, intent_id, client_secret)
        row.method_type, row.status, row.payment_method = "us_bank_account", "processing", "pm_sbx_bank"
        row.settle_outcome, row.last_error = outcome, ({"message": message} if message else {})
        row.settle_at = utcnow() + timedelta(seconds=get_settings().payments.sandbox_settle_seconds)
        obj, account, intent = _object(row), row.account, _to_intent(row)
    emit("payment_intent.processing", obj, account)
    return intent


def settle_due(now: datetime) -> int:
    """The background job that plays the bank: processing debits whose time has come settle."""
    if not get_settings().payments.is_sandbox:
        return 0
    with db.write() as s:
        rows = s.exec(select(SandboxIntent).where(SandboxIntent.status == "processing",
                                                  SandboxIntent.settle_at <= now).limit(50)).all()
        events = []
        for row in rows:
            if row.settle_outcome == "succeeded":
                row.status, row.charge_id = "succeeded", "ch_sbx_" + row.id[7:]
                row.fee = min(money.percent_of(row.amount, ACH_FEE_BP), ACH_FEE_CAP)
            else:
                row.status = "requires_payment_method"
            row.settle_at = None
            name = "payment_intent.succeeded" if row.status == "succeeded" else "payment_intent.payment_failed"
            events.append((name, _object(row), row.account))
    for name, obj, account in events:
        emit(name, obj, account, at=now)
    return len(events)


def saved_cards(customer: str) -> list[dict[str, str]]:
    if not customer:  # a card waiting for its payment has no customer yet and is nobody's to pick
        return []
    with db.read() as s:
        rows = s.exec(select(SandboxPaymentMethod).where(SandboxPaymentMethod.customer == customer)
                      .order_by(SandboxPaymentMethod.created_at.desc())).all()
        return [{"id": r.id, "label": f"{r.brand} •••• {r.last4} ({r.exp_month:02d}/{r.exp_year % 100:02d})"}
                for r in rows]
