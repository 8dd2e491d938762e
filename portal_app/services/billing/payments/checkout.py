"""A client pays an invoice: the server creates the PaymentIntent (amount from the invoice in the
database, never from the browser; metadata with matter, invoice and client ids; an idempotency key
from the invoice and the attempt), the browser confirms it (Stripe's Payment Element, or the
sandbox's card form), and only the verified webhook marks anything paid."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from models import Client, Invoice, Matter, Payment, PaymentCustomer
from portal_app.services.billing import config as billing_config
from portal_app.services.billing.accounting import ledger
from portal_app.services.billing.payments import sandbox as sandbox_processor
from portal_app.services.billing.payments import sandbox_cards
from portal_app.services.billing.payments.current import get_processor
from portal_app.services.kernel import db, money, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import Conflict, InvalidInput, NotAllowed
from portal_app.services.kernel.settings import get_settings

PAYABLE = ("sent", "partially_paid")
REUSABLE = ("created", "requires_payment_method", "failed", "requires_action")
STRIPE_MINIMUM_CENTS = 50


@dataclass(frozen=True)
class Checkout:
    payment_id: str
    processor: str  # sandbox | stripe
    account: str  # operating | trust
    intent_id: str
    client_secret: str
    publishable_key: str
    customer_session_secret: str
    amount_cents: int
    currency: str
    return_url: str
    saved_cards: list[dict[str, str]] = field(default_factory=list)


def owed(invoice: Invoice) -> int:
    return max(invoice.total_cents - invoice.paid_cents, 0)


def _amount(invoice: Invoice, requested: str | None, firm) -> int:
    balance = owed(invoice)
    if balance <= 0:
        raise Conflict("billing.nothing_owed", number=invoice.number)
    if requested in (None, ""):
        return balance
    cents = money.parse(requested, invoice.currency)
    if cents > balance:
        raise InvalidInput("billing.amount_over_balance", owed=money.format_money(balance, invoice.currency))
    if cents < balance:
        if not (firm.partial_payments_allowed and invoice.allow_partial):
            raise InvalidInput("billing.partial_not_allowed")
        if cents < max(firm.minimum_partial_cents, STRIPE_MINIMUM_CENTS):
            raise InvalidInput("billing.partial_too_small",
                               minimum=money.format_money(firm.minimum_partial_cents, invoice.currency))
    return cents


def _account(invoice: Invoice, firm) -> str:
    if invoice.kind != "retainer":
        return ledger.OPERATING
    if not firm.card_payments_to_trust:
        raise Conflict("billing.trust_cards_off")
    return ledger.TRUST


def _prepare(actor: Actor, invoice_id: str, requested: str | None) -> tuple[Invoice, Matter, Client, int, str]:
    with db.read() as s:
        invoice = s.get(Invoice, policy.parse_uuid(invoice_id))
        if invoice is None:
            raise NotAllowed()
        matter = policy.require_matter(s, actor, "payment.make", invoice.matter_id)
        policy.require_task_object(actor, invoice.id)
        if invoice.status in ("draft", "pending_approval"):
            raise NotAllowed()  # not sent: the client does not know of it
        if invoice.status not in PAYABLE:
            raise Conflict("billing.invoice_not_payable", number=invoice.number)
        firm = billing_config.current(s)
        amount, account = _amount(invoice, requested, firm), _account(invoice, firm)
        return invoice, matter, s.get(Client, matter.client_id), amount, account


def _customer(client: Client, account: str) -> str:
    processor = get_processor()
    with db.read() as s:
        row = s.exec(select(PaymentCustomer).where(PaymentCustomer.client_id == client.id,
                                                   PaymentCustomer.provider == processor.name,
                                                   PaymentCustomer.account == account)).first()
        if row is not None:
            return row.customer_ref
    ref = processor.ensure_customer(account, client_id=str(client.id), email=client.email, name=client.full_name)
    with db.write() as s:
        if s.exec(select(PaymentCustomer.id).where(PaymentCustomer.client_id == client.id,
                                                   PaymentCustomer.provider == processor.name,
                                                   PaymentCustomer.account == account)).first() is None:
            s.add(PaymentCustomer(client_id=client.id, provider=processor.name, account=account, customer_ref=ref))
    return ref


def _attempt(s: Session, actor: Actor, invoice: Invoice, client: Client, amount: int, account: str) -> Payment:
    """Reuse the invoice's open attempt for the same amount, or start the next attempt."""
    processor = get_processor().name
    attempts = s.exec(select(Payment).where(Payment.invoice_id == invoice.id).order_by(Payment.attempt_no)).all()
    for payment in attempts:
        if payment.status in REUSABLE and payment.amount_cents == amount and payment.provider == processor \
                and payment.account == account:
            return payment
    if any(p.status == "processing" for p in attempts):
        raise Conflict("billing.payment_in_progress")
    number = (attempts[-1].attempt_no + 1) if attempts else 1
    payment = Payment(invoice_id=invoice.id, matter_id=invoice.matter_id, client_id=client.id, provider=processor,
                      account=account, destination=account, status="created", amount_cents=amount,
                      currency=invoice.currency, attempt_no=number, payer_user_id=actor.user_id,
                      idempotency_key=f"portal-pi:{invoice.id}:{number}")
    s.add(payment)
    s.flush()
    return payment


def start(actor: Actor, invoice_id: str, amount: str | None = None) -> Checkout:
    """Everything the browser needs to show the payment form for this invoice."""
    invoice, matter, client, cents, account = _prepare(actor, invoice_id, amount)
    processor = get_processor()
    customer = _customer(client, account)
    with db.write() as s:
        payment = _attempt(s, actor, invoice, client, cents, account)
        payment_id, key = payment.id, payment.idempotency_key
    metadata = {"portal_payment_id": str(payment_id), "invoice_id": str(invoice.id), "matter_id": str(matter.id),
                "client_id": str(client.id), "invoice_number": invoice.number, "destination": account}
    intent = processor.create_intent(account, amount=cents, currency=invoice.currency, metadata=metadata,
                                     idempotency_key=key, customer=customer,
                                     description=f"{invoice.number} ({matter.reference})")
    with db.write() as s:
        payment = s.get(Payment, payment_id)
        if payment.provider_ref is None:
            payment.provider_ref = intent.id
        if payment.status == "created":
            payment.status = "requires_payment_method"
    return Checkout(
        payment_id=str(payment_id), processor=processor.name, account=account, intent_id=intent.id,
        client_secret=intent.client_secret, publishable_key=processor.publishable_key(account),
        customer_session_secret=processor.customer_session_secret(account, customer), amount_cents=cents,
        currency=invoice.currency, return_url=f"{get_settings().public_url}/pay/{invoice.id}?payment={payment_id}",
        saved_cards=sandbox_processor.saved_cards(customer) if processor.is_sandbox else [])


def _own_payment(actor: Actor, payment_id: str, action: str = "invoice.view") -> Payment:
    with db.read() as s:
        payment = s.get(Payment, policy.parse_uuid(payment_id))
        if payment is None:
            raise NotAllowed()
        policy.require_matter(s, actor, action, payment.matter_id)
        policy.require_task_object(actor, payment.invoice_id)
        return payment


@dataclass(frozen=True)
class PaymentState:
    status: str  # the portal's status (from verified events)
    processor_status: str  # what the processor says now (display only)
    message: str
    posted: bool


def check(actor: Actor, payment_id: str) -> PaymentState:
    """For the page after the browser confirms (or returns from a bank or 3-D Secure page): the
    processor's current word, for display. Marking paid is left to the verified webhook."""
    payment = _own_payment(actor, payment_id)
    intent = get_processor().retrieve_intent(payment.account, payment.provider_ref) if payment.provider_ref else None
    return PaymentState(status=payment.status, processor_status=intent.status if intent else "",
                        message=sandbox_cards.in_language(
                            (intent.error_message if intent else "") or payment.failure_message, actor.locale),
                        posted=payment.posted_at is not None)


def pay_in_sandbox(actor: Actor, payment_id: str, client_secret: str, **card: str) -> PaymentState:
    """The sandbox's card form: confirm the intent with a test card (or a saved one)."""
    payment = _own_payment(actor, payment_id, "payment.make")
    intent = sandbox_processor.confirm_card(payment.provider_ref or "", client_secret,
                                            number=card.get("number", ""), expiry=card.get("expiry", ""),
                                            cvc=card.get("cvc", ""), save=bool(card.get("save")),
                                            saved_method_id=card.get("saved_method_id", ""))
    return _after_sandbox(actor, payment_id, intent)


def authenticate_in_sandbox(actor: Actor, payment_id: str, client_secret: str, approve: bool) -> PaymentState:
    payment = _own_payment(actor, payment_id, "payment.make")
    intent = sandbox_processor.authenticate(payment.provider_ref or "", client_secret, approve)
    return _after_sandbox(actor, payment_id, intent)


def bank_in_sandbox(actor: Actor, payment_id: str, client_secret: str, routing: str, account: str) -> PaymentState:
    payment = _own_payment(actor, payment_id, "payment.make")
    intent = sandbox_processor.confirm_bank(payment.provider_ref or "", client_secret, routing=routing,
                                            account_number=account)
    return _after_sandbox(actor, payment_id, intent)


def _after_sandbox(actor: Actor, payment_id: str, intent) -> PaymentState:
    payment = _own_payment(actor, payment_id)
    return PaymentState(status=payment.status, processor_status=intent.status,
                        message=sandbox_cards.in_language(intent.error_message, actor.locale),
                        posted=payment.posted_at is not None)

