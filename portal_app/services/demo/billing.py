"""Billing content for every install (fee schedule, invoice templates) and, for the demo, invoices
in realistic states: María's retainer and fees to pay, Wei's employer-paid H-1B fees with one item
awaiting approval, Amara's retainer paid into trust and a fee paid from it, and a large invoice
waiting for the attorney. Everything goes through the same services the pages use."""
from __future__ import annotations

from sqlmodel import select

from models import Client, Matter, User, utcnow
from portal_app.services.billing import config as billing_config
from portal_app.services.billing import pdfs as billing_documents
from portal_app.services.billing.accounting import trust
from portal_app.services.billing.invoices import drafts as invoice_drafts
from portal_app.services.billing.invoices import lifecycle as invoice_lifecycle
from portal_app.services.billing.invoices import templates as invoice_templates
from portal_app.services.billing.invoices.drafts import DraftInput, LineInput
from portal_app.services.billing.payments import checkout as payments
from portal_app.services.kernel import db
from portal_app.services.kernel.actor import Actor

TRUST_INSTRUCTIONS = ("Client trust account (IOLTA), First Example Bank\nRouting 011000015 · Account 0000123456\n"
                      "Checks payable to \"Rivera & Chen IOLTA Trust Account\".")


def sync_content() -> dict[str, int]:
    with db.write() as s:
        return {"fees": billing_config.sync_fee_schedule(s), "templates": invoice_templates.sync(s)}


def _actor(email: str) -> Actor:
    with db.read() as s:
        user = s.exec(select(User).where(User.email == email)).one()
        client = s.exec(select(Client).where(Client.user_id == user.id)).first()
        return Actor(user_id=user.id, role=user.role, email=user.email, full_name=user.full_name,
                     client_id=client.id if client else None, organization_id=user.organization_id)


def _matter(reference: str) -> str:
    with db.read() as s:
        return str(s.exec(select(Matter.id).where(Matter.reference == reference)).one())


def _invoice(billing: Actor, reference: str, kind: str, title: str, lines: list[LineInput], send: bool = True) -> str:
    invoice_id = invoice_drafts.create(billing, _matter(reference), DraftInput(kind=kind, title=title, lines=lines))
    if send:
        invoice_lifecycle.send(billing, invoice_id)
    return invoice_id


def _pay(client: Actor, invoice_id: str) -> None:
    checkout = payments.start(client, invoice_id)
    payments.pay_in_sandbox(client, checkout.payment_id, checkout.client_secret, number="4242 4242 4242 4242",
                            expiry="12/30", cvc="123", save="yes")


def seed() -> None:
    sync_content()
    admin, billing = _actor("admin@demo.example"), _actor("billing@demo.example")
    billing_config.update(admin, card_payments_to_trust=True, approval_threshold_cents=500_000,
                          trust_instructions=TRUST_INSTRUCTIONS)
    fee = lambda kind, text, cents, **kw: LineInput(kind=kind, description=text, unit_amount_cents=cents, **kw)  # noqa: E731
    _invoice(billing, "MTR-2026-0001", "retainer", "Retainer for the I-130 family petition",
             [fee("legal_fee", "Advance fee deposit (retainer)", 150_000)])
    _invoice(billing, "MTR-2026-0001", "milestone", "I-130 petition prepared and filed",
             [fee("legal_fee", "Preparation of Form I-130 and supporting evidence", 200_000)])
    _invoice(billing, "MTR-2026-0001", "expense", "USCIS filing fees for the I-130",
             [LineInput(kind="filing_fee", fee_code="I130"),
              fee("disbursement", "Certified translations of civil documents", 12_000, requires_client_approval=True)])
    _invoice(billing, "MTR-2026-0002", "expense", "H-1B petition: government filing fees",
             [LineInput(kind="filing_fee", fee_code="I129-H1B"), LineInput(kind="filing_fee", fee_code="ASYLUM-PROGRAM"),
              LineInput(kind="filing_fee", fee_code="I907", requires_client_approval=True)])
    amara = _actor("amara@demo.example")
    retainer = _invoice(billing, "MTR-2026-0003", "retainer", "Retainer for the N-400 naturalization",
                        [fee("legal_fee", "Advance fee deposit (retainer)", 200_000)])
    _pay(amara, retainer)
    stage = _invoice(billing, "MTR-2026-0003", "milestone", "N-400 application prepared",
                     [fee("legal_fee", "Eligibility review and Form N-400", 120_000)])
    trust.transfer_earned(billing, stage, "1200.00")
    _invoice(billing, "MTR-2026-0003", "expense", "USCIS filing fee for the N-400",
             [LineInput(kind="filing_fee", fee_code="N400")], send=False)
    _invoice(billing, "MTR-2026-0003", "milestone", "Interview preparation and attendance (two sessions)",
             [fee("legal_fee", "Interview preparation and attendance", 300_000, quantity=2)])
    billing_documents.make_due(utcnow())
