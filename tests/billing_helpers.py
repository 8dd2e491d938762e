"""Shared steps for the billing tests: invoices made through the services, sandbox payments."""
from __future__ import annotations

from portal_app.services.billing import config as billing_config
from portal_app.services.billing.invoices import drafts as invoice_drafts
from portal_app.services.billing.invoices import lifecycle as invoice_lifecycle
from portal_app.services.billing.invoices.drafts import DraftInput, LineInput
from portal_app.services.billing.payments import checkout as payments
from portal_app.services.kernel import db


def allow_trust_cards(world) -> None:
    billing_config.update(world.actor("admin"), card_payments_to_trust=True)


def make_invoice(world, kind: str = "milestone", cents: int = 150_000, matter: str = "own", send: bool = True,
                 actor: str = "billing", **line) -> str:
    line_kind = {"retainer": "legal_fee", "milestone": "legal_fee", "expense": "disbursement"}[kind]
    data = DraftInput(kind=kind, title=f"{kind.title()} invoice",
                      lines=[LineInput(kind=line_kind, description=f"{kind} work", unit_amount_cents=cents, **line)])
    invoice_id = invoice_drafts.create(world.actor(actor), str(world.matters[matter].id), data)
    if send:
        invoice_lifecycle.send(world.actor(actor), invoice_id)
    return invoice_id


def pay_with_card(world, invoice_id: str, number: str = "4242 4242 4242 4242", amount: str | None = None,
                  who: str = "client", save: bool = False):
    checkout = payments.start(world.actor(who), invoice_id, amount)
    state = payments.pay_in_sandbox(world.actor(who), checkout.payment_id, checkout.client_secret, number=number,
                                    expiry="12/40", cvc="123", save="yes" if save else "")
    return checkout, state


def books_balanced() -> bool:
    from portal_app.services.billing.accounting import ledger

    with db.read() as s:
        return not ledger.unbalanced_journals(s) and all(v == 0 for v in ledger.book_totals(s).values())
