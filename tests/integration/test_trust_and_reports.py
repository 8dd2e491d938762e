"""Trust rules (earned fees move only by a staff action tied to an invoice, never beyond the
client's trust balance; unearned refunds come from trust; card fees settled by operating), the
three-way reconciliation, expenses the client approves, checks and transfers recorded by staff,
the daily CSV, and periodic invoices."""
from __future__ import annotations

import csv
import io
import uuid
from datetime import date, timedelta

import pytest
from sqlmodel import select

from models import Client, Invoice, InvoiceTemplate, Task, utcnow
from portal_app.services.billing import config as billing_config
from portal_app.services.billing.accounting import ledger, reconciliation, trust
from portal_app.services.billing.accounting import report as ledger_report
from portal_app.services.billing.invoices import lifecycle as invoice_lifecycle
from portal_app.services.billing.invoices import templates as invoice_templates
from portal_app.services.billing.invoices import views as invoice_views
from portal_app.services.billing.payments import export as payment_export
from portal_app.services.billing.payments import staff as staff_payments
from portal_app.services.kernel import db, localtime
from portal_app.services.kernel.errors import Conflict, InvalidInput, NotAllowed
from tests.billing_helpers import allow_trust_cards, books_balanced, make_invoice, pay_with_card
from tests.world import build_world


@pytest.fixture
def world(portal_db):
    world = build_world()
    allow_trust_cards(world)
    return world


def _trust(world) -> int:
    with db.read() as s:
        return ledger.trust_balance(s, world.clients["client"].id)


def test_earned_fees_move_from_trust_only_up_to_the_balance(world):
    pay_with_card(world, make_invoice(world, "retainer", 100_000))
    fees = make_invoice(world, "milestone", 150_000)
    with pytest.raises(InvalidInput) as err:
        trust.transfer_earned(world.actor("billing"), fees, "1500")
    assert err.value.code == "billing.trust_insufficient" and _trust(world) == 100_000
    with pytest.raises(NotAllowed):
        trust.transfer_earned(world.actor("paralegal"), fees, "100")
    with pytest.raises(NotAllowed):
        trust.transfer_earned(world.actor("client"), fees, "100")
    with pytest.raises(InvalidInput) as err:  # the trust bank is short of the card fee operating owes it
        trust.transfer_earned(world.actor("billing"), fees, "1000")
    assert err.value.code == "billing.trust_fees_unsettled"
    trust.settle_fees_owed(world.actor("billing"), "Transfer 12")
    trust.transfer_earned(world.actor("billing"), fees, "1000")
    assert _trust(world) == 0
    with db.read() as s:
        invoice = s.get(Invoice, uuid.UUID(fees))
        assert invoice.status == "partially_paid" and invoice.paid_cents == 100_000
    with pytest.raises(InvalidInput):
        trust.transfer_earned(world.actor("billing"), fees, "0.01")  # nothing left in trust: never negative
    assert books_balanced()


def test_unearned_refund_comes_from_trust_and_card_fees_are_settled_by_operating(world):
    checkout, _ = pay_with_card(world, make_invoice(world, "retainer", 50_000))
    fee = 50_000 * 290 // 10_000 + 30
    trust.refund_unearned(world.actor("billing"), str(world.matters["own"].id), "200", "Check 1001")
    assert _trust(world) == 30_000
    with pytest.raises(InvalidInput):
        trust.refund_unearned(world.actor("billing"), str(world.matters["own"].id), "400", "Check 1002")
    assert trust.settle_fees_owed(world.actor("billing"), "Transfer 77") == fee
    with db.read() as s:
        assert ledger.account_balance(s, "due_to_trust") == 0 and ledger.account_balance(s, "trust_due_from_operating") == 0
        assert ledger.account_balance(s, "trust_bank") == 30_000
    with pytest.raises(Conflict):
        trust.settle_fees_owed(world.actor("billing"), "again")
    assert books_balanced()


def test_card_refund_of_a_retainer_comes_out_of_trust_first_then_operating(world):
    checkout, _ = pay_with_card(world, make_invoice(world, "retainer", 100_000))
    fees = make_invoice(world, "milestone", 60_000)
    trust.transfer_earned(world.actor("billing"), fees, "600")
    staff_payments.refund(world.actor("billing"), checkout.payment_id, amount="1000", reason="Client withdrew")
    assert _trust(world) == 0  # 400 came back from trust, never below zero
    with db.read() as s:
        assert ledger.account_balance(s, "refunds") == 60_000  # the earned 600 came from operating
        assert ledger.account_balance(s, "due_to_trust") == 0  # operating first paid trust the card fee it owed
    assert books_balanced()


def test_three_way_reconciliation_lists_every_difference(world):
    pay_with_card(world, make_invoice(world, "retainer", 100_000))
    fee = 100_000 * 290 // 10_000 + 30
    today = localtime.firm_today()  # the firm's date: date.today() is the server's, utcnow().date() UTC's
    report = reconciliation.report(world.actor("billing"), today.replace(day=1), today, f"{(100_000 - fee) / 100:.2f}")
    assert report.journal_balance_cents == 100_000 - fee and report.client_ledgers_cents == 100_000
    assert len(report.differences) == 1 and "owes the trust account" in report.differences[0]
    off = reconciliation.report(world.actor("billing"), today.replace(day=1), today, "900.00")
    assert any("differs from the trust journal" in d for d in off.differences)
    trust.settle_fees_owed(world.actor("billing"), "Transfer 1")
    clean = reconciliation.report(world.actor("billing"), today.replace(day=1), today, "1000.00")
    assert clean.balanced and clean.clients[0].balance_cents == 100_000
    reconciliation.save(world.actor("billing"), today.replace(day=1), today, "1000.00", "November")
    assert reconciliation.saved(world.actor("admin"))[0].differences == 0
    with pytest.raises(NotAllowed):
        reconciliation.report(world.actor("attorney"), today, today, "0")


def test_client_approves_an_expense_before_it_is_owed(world):
    invoice_id = make_invoice(world, "expense", 12_000, requires_client_approval=True)
    view = invoice_views.detail(world.actor("client"), invoice_id)
    assert view.total_cents == 0 and view.pending_approvals == 1
    with pytest.raises(NotAllowed):
        invoice_lifecycle.decide_expense(world.actor("other_client"), view.lines[0].id, True)
    invoice_lifecycle.decide_expense(world.actor("client"), view.lines[0].id, True)
    assert invoice_views.detail(world.actor("client"), invoice_id).owed_cents == 12_000
    with pytest.raises(Conflict):
        invoice_lifecycle.decide_expense(world.actor("client"), view.lines[0].id, False)
    with db.read() as s:
        assert ledger.receivable(s, world.clients["client"].id) == 12_000
        assert s.exec(select(Task.kind).where(Task.kind == "expense_decision")).one()


def test_checks_are_recorded_by_staff_and_exported_for_matching(world):
    invoice_id = make_invoice(world, "retainer", 80_000)
    with pytest.raises(NotAllowed):
        staff_payments.record_manual(world.actor("attorney"), invoice_id, amount="800", method="check", reference="1")
    with pytest.raises(InvalidInput):
        staff_payments.record_manual(world.actor("billing"), invoice_id, amount="800", method="cash", reference="1")
    staff_payments.record_manual(world.actor("billing"), invoice_id, amount="800", method="check",
                                 reference="=HYPERLINK(1)")
    assert _trust(world) == 80_000
    pay_with_card(world, make_invoice(world, "milestone", 25_000))
    name, text = payment_export.export_day(world.actor("billing"), localtime.firm_today())  # the firm's day
    rows = list(csv.DictReader(io.StringIO(text)))
    assert name.endswith(".csv") and {r["method"] for r in rows} == {"check", "card"}
    check = next(r for r in rows if r["method"] == "check")
    assert check["amount"] == "800.00" and check["account"] == "trust" and check["reference"].startswith("'=")
    assert {r["client_name"] for r in rows} == {world.clients["client"].full_name}  # a name to match by, not an id
    with pytest.raises(NotAllowed):
        payment_export.export_day(world.actor("client"), localtime.firm_today())


def test_periodic_billing_makes_drafts_from_a_template_when_due(world):
    with db.write() as s:
        invoice_templates.sync(s)
    template = next(t for t in invoice_templates.list_templates(world.actor("billing")) if "Monthly" in t.name)
    today = localtime.firm_today()  # not utcnow().date(): from 19:00 in New York that is already tomorrow
    invoice_templates.schedule(world.actor("billing"), str(world.matters["own"].id), template.id, 1, today)
    with pytest.raises(Conflict):
        invoice_templates.schedule(world.actor("billing"), str(world.matters["own"].id), template.id, 1, today)
    assert invoice_templates.run_due(utcnow()) == {"drafts": 1}
    assert invoice_templates.run_due(utcnow()) == {"drafts": 0}  # next one is a month away
    assert invoice_templates.run_due(utcnow() + timedelta(days=32)) == {"drafts": 1}
    with db.read() as s:
        drafts = s.exec(select(Invoice).where(Invoice.status == "draft")).all()
        assert len(drafts) == 2 and all(d.total_cents == 50_000 for d in drafts)
        assert s.exec(select(InvoiceTemplate)).first() is not None
    assert invoice_templates.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_settings_changes_are_admin_only_and_validated(world):
    with pytest.raises(NotAllowed):
        billing_config.update(world.actor("billing"), approval_threshold_cents=1)
    with pytest.raises(InvalidInput):
        billing_config.update(world.actor("admin"), invoice_prefix="BAD PREFIX!")
    assert billing_config.update(world.actor("admin"), invoice_prefix="rc").invoice_prefix == "RC"
    assert make_invoice(world, "milestone", 1_000, send=False)
    with db.read() as s:
        assert s.exec(select(Invoice.number)).first().startswith("RC-")


def test_the_ledger_overview_names_each_client_and_who_made_each_journal(world):
    """The names are read with the balances and journals (not every client and user of the firm)."""
    pay_with_card(world, make_invoice(world, "retainer", 100_000))
    trust.settle_fees_owed(world.actor("billing"), "Transfer 12")
    view = ledger_report.overview(world.actor("billing"))
    client = world.clients["client"]
    (row,) = [c for c in view.clients if c.client_id == str(client.id)]
    assert row.client == client.full_name and row.trust_cents == 100_000 and row.trust == "$1,000.00"
    assert client.full_name in {j.client for j in view.journal}
    assert {j.by for j in view.journal} == {"portal", world.users["billing"].full_name}  # the card's, the settling


def _deposit(name: str, cents: int) -> None:
    """A client of the firm with `cents` in trust (a deposit journal in the trust book)."""
    with db.write() as s:
        client = Client(full_name=name, email=f"{uuid.uuid4().hex[:8]}@client.example")
        s.add(client)
        s.flush()
        ledger.post(s, posting_key=f"test:{client.id}", book="trust", kind="trust_deposit",
                    legs=[ledger.Leg("trust_bank", cents), ledger.Leg("client_trust", -cents, client.id)],
                    refs=ledger.Refs(client_id=client.id))


def test_the_overview_shows_a_page_of_client_balances_by_name_and_finds_any_client(world):
    """A firm of thousands of clients: the overview writes out the first balances by name and says
    how many there are; a search by part of a name finds any of them, its % and _ taken literally."""
    for n, name in enumerate(["Zoë Quinn", "ana 50% Pérez", "Ana_Lima", "Bruno Díaz", "Anabel Ruiz"]):
        _deposit(name, 10_000 * (n + 1))
    billing = world.actor("billing")
    view = ledger_report.overview(billing, clients_shown=3)
    assert view.clients_total == 5 and [c.client for c in view.clients] == ["ana 50% Pérez", "Ana_Lima", "Anabel Ruiz"]
    found = ledger_report.overview(billing, client_search="  ANA ", clients_shown=3)
    assert found.clients_total == 3 and {c.client for c in found.clients} == {"ana 50% Pérez", "Ana_Lima", "Anabel Ruiz"}
    assert [(c.client, c.trust) for c in ledger_report.overview(billing, client_search="50%").clients] == [
        ("ana 50% Pérez", "$200.00")]
    assert [c.client for c in ledger_report.overview(billing, client_search="a_l").clients] == ["Ana_Lima"]
    assert ledger_report.overview(billing, client_search="nobody").clients == []
    alone, total = ledger_report.client_balances(billing, "  ANA ", 3)  # what the page's search asks again
    assert (alone, total) == (found.clients, found.clients_total)
    for ask in (ledger_report.overview, ledger_report.client_balances):
        with pytest.raises(NotAllowed):
            ask(world.actor("client"), client_search="ana")
