"""What a confirmed payment, a refund or a dispute does to the books, each exactly once.

Called from the verified-webhook handler (card and bank payments) and from staff actions (checks,
bank transfers, trust transfers), always inside the caller's transaction. Card fees never come
out of trust: a card payment into trust is credited to the client in full, and its fee is booked
against operating and shown as owed to the trust account until staff settle it."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from models import Client, Invoice, Journal, Matter, Payment, User, utcnow
from portal_app.services.billing.accounting import ledger
from portal_app.services.billing.webhooks import events as outbound_events
from portal_app.services.kernel import audit, localtime, money
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.settings import get_settings
from portal_app.services.messaging import mail
from portal_app.services.tasks import lifecycle as tasks

PRE_SUCCESS = ("created", "requires_payment_method", "requires_action", "processing", "failed")
POST_SUCCESS = ("succeeded", "partially_refunded", "refunded", "disputed")


def _refs(payment: Payment, actor: Actor | None = None) -> ledger.Refs:
    return ledger.Refs(client_id=payment.client_id, matter_id=payment.matter_id, invoice_id=payment.invoice_id,
                       payment_id=payment.id, created_by_id=actor.user_id if actor else None)


def _receipt_legs(payment: Payment, fee: int) -> list[tuple[str, list[ledger.Leg]]]:
    amount, client = payment.amount_cents, payment.client_id
    if payment.destination == ledger.TRUST:
        trust = [ledger.Leg("trust_bank", amount - fee), ledger.Leg("trust_due_from_operating", fee),
                 ledger.Leg("client_trust", -amount, client)]
        operating = [ledger.Leg("processing_fees", fee), ledger.Leg("due_to_trust", -fee)]
        return [(ledger.TRUST, trust), (ledger.OPERATING, operating)]
    return [(ledger.OPERATING, [ledger.Leg("operating_bank", amount - fee), ledger.Leg("processing_fees", fee),
                                ledger.Leg("accounts_receivable", -amount, client)])]


def post_success(s: Session, payment: Payment, *, fee: int = 0, received_at: datetime | None = None,
                 actor: Actor | None = None) -> bool:
    """Post a received payment once; returns False when it was posted before."""
    keys = [f"payment:{payment.id}:received:{book}" for book in (ledger.TRUST, ledger.OPERATING)]
    if payment.posted_at is not None or s.exec(select(Journal.id).where(Journal.posting_key.in_(keys))).first():
        return False
    payment.fee_cents, payment.received_at = max(0, int(fee)), received_at or utcnow()
    for book, legs in _receipt_legs(payment, payment.fee_cents):
        ledger.post(s, posting_key=f"payment:{payment.id}:received:{book}", book=book, kind="payment_received",
                    legs=legs, refs=_refs(payment, actor), currency=payment.currency,
                    memo=f"{payment.method} payment {money.format_money(payment.amount_cents, payment.currency)}")
    payment.status, payment.posted_at, payment.failure_message = "succeeded", utcnow(), ""
    invoice = s.get(Invoice, payment.invoice_id)
    _apply_to_invoice(s, invoice, payment)
    outbound_events.payment_posted(s, payment)
    _receipt_mail(s, payment, invoice)
    audit.record(s, "payment.posted", actor=actor, object_type="payment", object_id=payment.id,
                 matter_id=payment.matter_id, details={
                     "payer_user_id": str(payment.payer_user_id) if payment.payer_user_id else None,
                     "client_id": str(payment.client_id), "amount_cents": payment.amount_cents,
                     "currency": payment.currency, "fee_cents": payment.fee_cents, "method": payment.method,
                     "destination": payment.destination, "provider": payment.provider,
                     "received_at": payment.received_at.isoformat(), "invoice": invoice.number})
    return True


def _apply_to_invoice(s: Session, invoice: Invoice, payment: Payment) -> None:
    invoice.paid_cents += payment.amount_cents
    if invoice.paid_cents >= invoice.total_cents:
        was_paid = invoice.status == "paid"
        invoice.status, invoice.paid_at = "paid", invoice.paid_at or utcnow()
        if not was_paid:
            outbound_events.invoice_paid(s, invoice, str(payment.client_id))
    else:
        invoice.status = "partially_paid"


def _zone_of(s: Session, client: Client) -> str:
    """The client's own time zone ("" is the firm's): a receipt's date is the day it was where they are."""
    user = s.get(User, client.user_id) if client.user_id else None
    return (user.timezone or "") if user is not None else ""


def _receipt_mail(s: Session, payment: Payment, invoice: Invoice) -> None:
    client = s.get(Client, payment.client_id)
    owed = max(invoice.total_cents - invoice.paid_cents, 0)
    params = {"name": client.full_name, "amount": money.format_money(payment.amount_cents, payment.currency),
              "number": invoice.number, "owed": money.format_money(owed, invoice.currency),
              "date": localtime.shown_datetime(payment.received_at, _zone_of(s, client), client.preferred_language),
              "link": f"{get_settings().public_url}/receipts/{payment.id}"}
    template = "payment_receipt"
    if payment.destination == ledger.TRUST:  # only the trust receipt shows the balance held
        template, params["trust"] = "payment_receipt_trust", money.format_money(ledger.trust_balance(s, client.id),
                                                                                payment.currency)
    mail.enqueue(s, to_address=client.email, template=template, locale=client.preferred_language,
                 user_id=client.user_id, matter_id=payment.matter_id, **params)


def mark_failed(s: Session, payment: Payment, message: str) -> None:
    was_processing = payment.status == "processing"
    payment.status, payment.failure_message = "failed", (message or "")[:300]
    audit.record(s, "payment.failed", object_type="payment", object_id=payment.id, matter_id=payment.matter_id,
                 details={"amount_cents": payment.amount_cents, "message": payment.failure_message})
    if was_processing:  # a bank debit returned days later: the client is not looking at the page
        client = s.get(Client, payment.client_id)
        invoice = s.get(Invoice, payment.invoice_id)
        mail.enqueue(s, to_address=client.email, template="payment_failed", locale=client.preferred_language,
                     user_id=client.user_id, matter_id=payment.matter_id, name=client.full_name,
                     number=invoice.number, amount=money.format_money(payment.amount_cents, payment.currency),
                     link=f"{get_settings().public_url}/pay/{invoice.id}")


def post_refund(s: Session, payment: Payment, cumulative: int, actor: Actor | None = None) -> int:
    """Bring the payment's refunded total up to `cumulative`; returns the amount refunded now.
    Unearned money goes back out of trust (never beyond the client's trust balance); anything
    already earned and moved to operating is refunded from operating."""
    delta = min(int(cumulative), payment.amount_cents) - payment.refunded_cents
    if delta <= 0 or payment.posted_at is None:
        return 0
    key = f"payment:{payment.id}:refund:{payment.refunded_cents + delta}"
    from_trust = 0
    if payment.destination == ledger.TRUST:
        from_trust = max(0, min(delta, ledger.trust_balance(s, payment.client_id)))
        short = from_trust - ledger.account_balance(s, "trust_bank")
        if short > 0:  # the trust account paid the refund: operating first pays it the card fees it owes
            settle_fees(s, min(short, -ledger.account_balance(s, "due_to_trust")), key + ":fees",
                        "Card fees owed to trust, paid before a refund of trust money", actor)
        from_trust = min(from_trust, ledger.account_balance(s, "trust_bank"))
        ledger.post(s, posting_key=key + ":trust", book=ledger.TRUST, kind="refund", refs=_refs(payment, actor),
                    legs=[ledger.Leg("client_trust", from_trust, payment.client_id), ledger.Leg("trust_bank", -from_trust)],
                    memo="Refund of unearned funds", currency=payment.currency)
    ledger.post(s, posting_key=key + ":operating", book=ledger.OPERATING, kind="refund", refs=_refs(payment, actor),
                legs=[ledger.Leg("refunds", delta - from_trust), ledger.Leg("operating_bank", from_trust - delta)],
                memo="Refund", currency=payment.currency)
    payment.refunded_cents += delta
    payment.status = "refunded" if payment.refunded_cents >= payment.amount_cents else "partially_refunded"
    invoice = s.get(Invoice, payment.invoice_id)
    invoice.refunded_cents += delta
    if invoice.refunded_cents >= invoice.paid_cents > 0:
        invoice.status = "refunded"
    outbound_events.payment_refunded(s, payment, delta)
    audit.record(s, "payment.refunded", actor=actor, object_type="payment", object_id=payment.id,
                 matter_id=payment.matter_id, details={"amount_cents": delta, "from_trust_cents": from_trust,
                                                       "refunded_total_cents": payment.refunded_cents})
    return delta


def settle_fees(s: Session, amount: int, key: str, memo: str, actor: Actor | None = None) -> None:
    """Operating pays the trust account card fees it owes (one journal in each book)."""
    if amount <= 0:
        return
    refs = ledger.Refs(created_by_id=actor.user_id if actor else None)
    ledger.post(s, posting_key=key + ":operating", book=ledger.OPERATING, kind="fee_settlement", refs=refs, memo=memo,
                legs=[ledger.Leg("due_to_trust", amount), ledger.Leg("operating_bank", -amount)])
    ledger.post(s, posting_key=key + ":trust", book=ledger.TRUST, kind="fee_settlement", refs=refs, memo=memo,
                legs=[ledger.Leg("trust_bank", amount), ledger.Leg("trust_due_from_operating", -amount)])


def record_dispute(s: Session, payment: Payment, dispute: dict) -> None:
    """A chargeback opened: freeze the payment, tell the responsible attorney. The ledger moves when
    staff record the outcome; a chargeback is never taken from trust."""
    if payment.disputed_at is not None:
        return
    payment.disputed_at, payment.status = utcnow(), "disputed"
    tasks.open_task(s, matter_id=payment.matter_id, kind="payment_dispute", role_on_matter="attorney",
                    title=f"Card dispute on a payment of {money.format_money(payment.amount_cents, payment.currency)}",
                    subject_type="payment", subject_id=payment.id)
    audit.record(s, "payment.disputed", object_type="payment", object_id=payment.id, matter_id=payment.matter_id,
                 details={"dispute": str(dispute.get("id", ""))[:80], "reason": str(dispute.get("reason", ""))[:80],
                          "amount_cents": int(dispute.get("amount") or 0)})


def open_dispute_on_matter(s: Session, matter_id) -> bool:
    return s.exec(select(Payment.id).where(Payment.matter_id == matter_id, Payment.status == "disputed")).first() \
        is not None


def payer_name(s: Session, payment: Payment) -> str:
    user = s.get(User, payment.payer_user_id) if payment.payer_user_id else None
    return user.full_name if user else s.get(Client, payment.client_id).full_name


def matter_client(s: Session, matter_id) -> Client:
    return s.get(Client, s.get(Matter, matter_id).client_id)
