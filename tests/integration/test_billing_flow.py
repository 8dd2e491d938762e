"""Invoices through their life, paid in the sandbox, posted once by the verified event handler."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models import AuditEvent, Invoice, OutboxMessage, Payment, Task
from portal_app.services.billing import config as billing_config
from portal_app.services.billing.accounting import ledger
from portal_app.services.billing.invoices import lifecycle as invoice_lifecycle
from portal_app.services.billing.invoices import views as invoice_views
from portal_app.services.billing.payments import checkout as payments
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import Conflict, InvalidInput, NotAllowed
from tests.billing_helpers import allow_trust_cards, books_balanced, make_invoice, pay_with_card
from tests.world import build_world


@pytest.fixture
def world(portal_db):
    return build_world()


def _invoice(invoice_id: str) -> Invoice:
    with db.read() as s:
        return s.get(Invoice, invoice_id if not isinstance(invoice_id, str) else __import__("uuid").UUID(invoice_id))


def test_card_payment_posts_once_and_marks_the_invoice_paid(world):
    invoice_id = make_invoice(world, "milestone", 150_000)
    checkout, state = pay_with_card(world, invoice_id)
    assert checkout.processor == "sandbox" and state.status == "succeeded" and state.posted
    invoice = _invoice(invoice_id)
    assert invoice.status == "paid" and invoice.paid_cents == 150_000
    with db.read() as s:
        payment = s.exec(select(Payment).where(Payment.invoice_id == invoice.id)).one()
        assert payment.fee_cents == 150_000 * 290 // 10_000 + 30
        assert ledger.account_balance(s, "operating_bank") == 150_000 - payment.fee_cents
        assert ledger.receivable(s, world.clients["client"].id) == 0
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "payment.posted")).one().details["amount_cents"] == 150_000
        templates = s.exec(select(OutboxMessage.template)).all()
        assert "payment_receipt" in templates and "invoice_issued" in templates
    assert books_balanced()


def test_declined_card_changes_nothing_and_a_retry_succeeds(world):
    invoice_id = make_invoice(world, "milestone", 50_000)
    checkout, state = pay_with_card(world, invoice_id, number="4000 0000 0000 0002")
    assert state.status == "failed" and state.message == "Your card was declined."
    assert _invoice(invoice_id).paid_cents == 0
    with db.read() as s:
        assert ledger.account_balance(s, "operating_bank") == 0
    again, state = pay_with_card(world, invoice_id)
    assert again.payment_id == checkout.payment_id and again.intent_id == checkout.intent_id  # same attempt reused
    assert state.status == "succeeded" and _invoice(invoice_id).status == "paid"


def test_retainer_goes_to_trust_with_the_fee_owed_by_operating(world):
    allow_trust_cards(world)
    invoice_id = make_invoice(world, "retainer", 200_000)
    pay_with_card(world, invoice_id)
    fee = 200_000 * 290 // 10_000 + 30
    with db.read() as s:
        client_id = world.clients["client"].id
        assert ledger.trust_balance(s, client_id) == 200_000  # deposited intact
        assert ledger.account_balance(s, "trust_bank") == 200_000 - fee
        assert ledger.account_balance(s, "trust_due_from_operating") == fee
        assert ledger.account_balance(s, "due_to_trust") == -fee
        assert ledger.account_balance(s, "processing_fees") == fee
    assert invoice_views.balances_for_client(world.actor("client")).trust_cents == 200_000
    assert books_balanced()


def test_retainer_by_card_is_refused_when_the_firm_keeps_cards_out_of_trust(world):
    invoice_id = make_invoice(world, "retainer", 100_000)
    with pytest.raises(Conflict) as err:
        payments.start(world.actor("client"), invoice_id)
    assert err.value.code == "billing.trust_cards_off"


def test_invoice_over_threshold_waits_for_an_attorney(world):
    billing_config.update(world.actor("admin"), approval_threshold_cents=100_000)
    invoice_id = make_invoice(world, "milestone", 250_000)
    assert _invoice(invoice_id).status == "pending_approval"
    with db.read() as s:
        task = s.exec(select(Task).where(Task.kind == "approve_invoice")).one()
        assert task.assignee_id == world.users["attorney"].id and task.status == "open"
    with pytest.raises(NotAllowed):
        invoice_lifecycle.approve(world.actor("billing"), invoice_id)
    with pytest.raises(NotAllowed):
        payments.start(world.actor("client"), invoice_id)
    invoice_lifecycle.approve(world.actor("attorney"), invoice_id)
    assert _invoice(invoice_id).status == "sent"
    with db.read() as s:
        assert s.exec(select(Task.status).where(Task.kind == "approve_invoice")).one() == "done"


def test_partial_payments_follow_the_firm_rules(world):
    invoice_id = make_invoice(world, "milestone", 100_000)
    with pytest.raises(InvalidInput) as err:
        payments.start(world.actor("client"), invoice_id, "10.00")
    assert err.value.code == "billing.partial_too_small"
    with pytest.raises(InvalidInput):
        payments.start(world.actor("client"), invoice_id, "2000.00")
    pay_with_card(world, invoice_id, amount="400.00")
    assert _invoice(invoice_id).status == "partially_paid"
    pay_with_card(world, invoice_id)
    invoice = _invoice(invoice_id)
    assert invoice.status == "paid" and invoice.paid_cents == 100_000


def test_strangers_cannot_pay_or_see(world):
    invoice_id = make_invoice(world, "milestone", 10_000)
    for who in ("other_client",):
        with pytest.raises(NotAllowed):
            payments.start(world.actor(who), invoice_id)
        with pytest.raises(NotAllowed):
            invoice_views.detail(world.actor(who), invoice_id)
    assert invoice_views.for_client(world.actor("other_client")) == []


def test_void_reverses_the_receivable_and_refuses_paid_invoices(world):
    invoice_id = make_invoice(world, "milestone", 30_000)
    invoice_lifecycle.void(world.actor("billing"), invoice_id, "Sent to the wrong client")
    with db.read() as s:
        assert ledger.receivable(s, world.clients["client"].id) == 0
    paid = make_invoice(world, "milestone", 30_000)
    pay_with_card(world, paid)
    with pytest.raises(Conflict):
        invoice_lifecycle.void(world.actor("billing"), paid, "oops")


def test_invoice_and_receipt_pdfs_are_stored_encrypted_with_the_matter(world):
    from models import Document, DocumentVersion, utcnow
    from portal_app.services.billing import pdfs as billing_documents
    from portal_app.services.files.store import stream

    invoice_id = make_invoice(world, "milestone", 42_000)
    pay_with_card(world, invoice_id)
    assert billing_documents.make_due(utcnow()) == {"invoices": 1, "receipts": 1}
    assert billing_documents.make_due(utcnow()) == {"invoices": 0, "receipts": 0}  # idempotent
    with db.read() as s:
        invoice = s.get(Invoice, __import__("uuid").UUID(invoice_id))
        version = s.get(DocumentVersion, invoice.pdf_version_id)
        document = s.get(Document, version.document_id)
        assert document.matter_id == world.matters["own"].id and document.kind == "invoice_pdf"
        assert version.content_type == "application/pdf" and version.wrapped_key
        kinds = sorted(s.exec(select(Document.kind)).all())
    assert kinds == ["invoice_pdf", "receipt_pdf"]
    assert b"".join(stream(version)).startswith(b"%PDF-")


def test_a_returning_client_pays_with_the_saved_card(world):
    pay_with_card(world, make_invoice(world, "milestone", 10_000), save=True)
    second = payments.start(world.actor("client"), make_invoice(world, "milestone", 20_000))
    assert [c["label"].startswith("Visa •••• 4242") for c in second.saved_cards] == [True]
    state = payments.pay_in_sandbox(world.actor("client"), second.payment_id, second.client_secret,
                                    saved_method_id=second.saved_cards[0]["id"])
    assert state.posted
    other = payments.start(world.actor("other_client"), make_invoice(world, "milestone", 5_000, matter="other",
                                                                      actor="admin"))
    assert other.saved_cards == []  # saved cards belong to their customer only


def test_three_d_secure_then_success_or_failure(world):
    first = make_invoice(world, "milestone", 30_000)
    checkout, state = pay_with_card(world, first, number="4000 0025 0000 3155")
    assert state.processor_status == "requires_action" and not state.posted
    state = payments.authenticate_in_sandbox(world.actor("client"), checkout.payment_id, checkout.client_secret, False)
    assert state.status == "failed" and "authenticate" in state.message
    checkout, state = pay_with_card(world, first, number="4000 0025 0000 3155")
    state = payments.authenticate_in_sandbox(world.actor("client"), checkout.payment_id, checkout.client_secret, True)
    assert state.posted and _invoice(first).status == "paid"


def test_bank_debit_stays_processing_until_the_bank_settles(world):
    from datetime import timedelta

    from models import utcnow
    from portal_app.jobs.registry import JOBS

    invoice_id = make_invoice(world, "milestone", 70_000)
    checkout = payments.start(world.actor("client"), invoice_id)
    state = payments.bank_in_sandbox(world.actor("client"), checkout.payment_id, checkout.client_secret,
                                     "110000000", "000123456789")
    assert state.status == "processing" and not state.posted
    with pytest.raises(Conflict):  # no second payment while one is at the bank
        payments.start(world.actor("client"), invoice_id, "100.00")
    settle = next(job for job in JOBS if job.name == "sandbox.settle")
    assert settle.run(utcnow()) == {"settled": 0}
    assert settle.run(utcnow() + timedelta(minutes=10)) == {"settled": 1}
    assert _invoice(invoice_id).status == "paid"
