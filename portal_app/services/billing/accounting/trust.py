"""Moving client money out of trust, only by a staff action, and never beyond what the client has:

- earned fees move trust -> operating, tied to an invoice they pay;
- unearned money goes back to the client from trust (by check or transfer, recorded here);
- card fees booked against operating while owed to the trust account are settled by a transfer
  operating -> trust.
Every move is two balanced journals (one per book) and an audit event."""
from __future__ import annotations

from sqlmodel import select

from models import Invoice, Payment, utcnow
from portal_app.services.billing.accounting import ledger
from portal_app.services.billing.payments import posting as payment_posting
from portal_app.services.kernel import audit, db, money, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import Conflict, InvalidInput, NotAllowed

DUE_TO_TRUST = "due_to_trust"  # what operating owes the trust account (card fees paid from trust)


def transfer_earned(actor: Actor, invoice_id: str, amount: str) -> str:
    """Pay an invoice from the client's trust funds (the fee is earned). Returns the payment id."""
    with db.write() as s:
        invoice = s.exec(select(Invoice).where(Invoice.id == policy.parse_uuid(invoice_id)).with_for_update()).first()
        if invoice is None:
            raise NotAllowed()
        matter = policy.require_matter(s, actor, "trust.transfer", invoice.matter_id)
        if invoice.kind == "retainer" or invoice.status not in ("sent", "partially_paid"):
            raise Conflict("billing.transfer_needs_open_invoice", number=invoice.number)
        if payment_posting.open_dispute_on_matter(s, matter.id):
            raise Conflict("billing.matter_disputed")
        cents = money.parse(amount, invoice.currency)
        owed = invoice.total_cents - invoice.paid_cents
        if cents > owed:
            raise InvalidInput("billing.amount_over_balance", owed=money.format_money(owed, invoice.currency))
        available = ledger.trust_balance(s, matter.client_id)
        if cents > available:
            raise InvalidInput("billing.trust_insufficient", available=money.format_money(available, invoice.currency))
        if cents > ledger.account_balance(s, "trust_bank"):
            raise InvalidInput("billing.trust_fees_unsettled", owed=money.format_money(fees_owed_to_trust(s)))
        payment = Payment(invoice_id=invoice.id, matter_id=matter.id, client_id=matter.client_id, provider="trust",
                          method="trust_transfer", destination="operating", account="operating", amount_cents=cents,
                          currency=invoice.currency, status="created", reference=f"Trust transfer {invoice.number}")
        s.add(payment)
        s.flush()
        refs = ledger.Refs(client_id=matter.client_id, matter_id=matter.id, invoice_id=invoice.id,
                           payment_id=payment.id, created_by_id=actor.user_id)
        ledger.post(s, posting_key=f"trust_transfer:{payment.id}:trust", book=ledger.TRUST, kind="earned_transfer",
                    legs=[ledger.Leg("client_trust", cents, matter.client_id), ledger.Leg("trust_bank", -cents)],
                    refs=refs, memo=f"Earned fees for {invoice.number}", currency=invoice.currency)
        payment_posting.post_success(s, payment, fee=0, received_at=utcnow(), actor=actor)
        return str(payment.id)


def refund_unearned(actor: Actor, matter_id: str, amount: str, reference: str) -> None:
    """Return unearned money to the client from trust (a check or transfer the firm made)."""
    policy.require(actor, "trust.transfer")
    reference = text.line(reference, 80)
    if not reference:
        raise InvalidInput("billing.reference_required")
    with db.write() as s:
        matter = policy.require_matter(s, actor, "trust.transfer", matter_id)
        cents = money.parse(amount, "USD")
        key = f"trust_refund:{matter.id}:{reference}:{cents}"
        if ledger.already_posted(s, key):
            raise Conflict("billing.already_recorded")
        ledger.post(s, posting_key=key, book=ledger.TRUST, kind="unearned_refund",
                    legs=[ledger.Leg("client_trust", cents, matter.client_id), ledger.Leg("trust_bank", -cents)],
                    refs=ledger.Refs(client_id=matter.client_id, matter_id=matter.id, created_by_id=actor.user_id),
                    memo=f"Refund of unearned funds: {reference}")
        audit.record(s, "trust.unearned_refunded", actor=actor, object_type="matter", object_id=matter.id,
                     matter_id=matter.id, details={"amount_cents": cents, "reference": reference})


def fees_owed_to_trust(s) -> int:
    return -ledger.account_balance(s, DUE_TO_TRUST)


def settle_fees_owed(actor: Actor, reference: str) -> int:
    """Operating pays the trust account the card fees it owes; returns the amount settled."""
    policy.require(actor, "trust.reconcile")
    reference = text.line(reference, 80)
    if not reference:
        raise InvalidInput("billing.reference_required")
    with db.write() as s:
        owed = fees_owed_to_trust(s)
        if owed <= 0:
            raise Conflict("billing.nothing_owed_to_trust")
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        payment_posting.settle_fees(s, owed, f"fee_settlement:{stamp}", f"Card fees paid to trust: {reference}", actor)
        audit.record(s, "trust.fees_settled", actor=actor, object_type="ledger", object_id="due_to_trust",
                     details={"amount_cents": owed, "reference": reference})
        return owed

