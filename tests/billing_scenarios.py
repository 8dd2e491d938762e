"""Scenarios for the property tests: a fresh client with invoices, payments made through the
services and the sandbox while its signed events are captured (not delivered), so tests can
deliver them in any order, with duplicates, and compare the books."""
from __future__ import annotations

import dataclasses
import json
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import select

from models import (
    CaseType,
    Client,
    Invoice,
    Journal,
    LedgerEntry,
    Matter,
    MatterMember,
    Payment,
    ProviderEvent,
    User,
    utcnow,
)
from portal_app.services.billing.accounting import ledger
from portal_app.services.billing.payments import checkout as payments
from portal_app.services.billing.payments import inbox as payment_inbox
from portal_app.services.billing.payments import sandbox as sandbox_processor
from portal_app.services.kernel import db
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.settings import get_settings
from tests.billing_helpers import make_invoice


@dataclass
class Plan:
    """kind, total cents, and per payment: (share of the total, method, declined first, refund share)."""

    invoices: list[tuple[str, int, list[tuple[int, str, bool, int]]]] = field(default_factory=list)


def new_client(world, label: str) -> tuple[str, Actor]:
    """A client with a login and one matter (billing staff assigned); returns (matter id, actor)."""
    with db.write() as s:
        user = User(email=f"{label}-{uuid.uuid4().hex[:6]}@client.example", full_name=label, role="client")
        s.add(user)
        s.flush()
        client = Client(full_name=label, email=user.email, user_id=user.id)
        s.add(client)
        s.flush()
        h1b = s.exec(select(CaseType).where(CaseType.code == "H1B")).one()
        matter = Matter(reference=f"P-{uuid.uuid4().hex[:8]}", title=label, case_type_id=h1b.id, client_id=client.id)
        s.add(matter)
        s.flush()
        s.add(MatterMember(matter_id=matter.id, user_id=world.users["billing"].id, role_on_matter="billing"))
        world.matters[label] = matter
        return str(matter.id), Actor(user_id=user.id, role="client", client_id=client.id)


def run(world, label: str, plan: Plan) -> tuple[list[tuple[bytes, str]], str]:
    """Carry out the plan for a new client; returns the captured events and the client id."""
    _matter_id, payer = new_client(world, label)
    with sandbox_processor.capture_events() as events:
        for kind, total, shares in plan.invoices:
            invoice_id = make_invoice(world, kind, total, matter=label)
            _pay_all(invoice_id, total, shares, payer)
        while sandbox_processor.settle_due(utcnow() + _settle_delay()):
            pass
        _refund_all(label)
    return list(events), str(payer.client_id)


def _settle_delay():
    return timedelta(seconds=get_settings().payments.sandbox_settle_seconds + 1)


def amounts_for(total: int, shares: list[int]) -> list[int]:
    """Split a total into distinct parts of at least $1 (an attempt with the same amount is reused)."""
    parts: list[int] = []
    for share in shares[:-1]:
        left = total - sum(parts) - 100 * (len(shares) - len(parts) - 1)
        part = max(100, min(left, total * share // 100))
        while part in parts:
            part -= 1
        parts.append(part)
    parts.append(total - sum(parts))
    while len(set(parts)) < len(parts) or min(parts) < 100:
        return [total]
    return parts


def _pay_all(invoice_id: str, total: int, shares: list, payer: Actor) -> None:
    for amount, (_share, method, declined_first, refund) in zip(amounts_for(total, [x[0] for x in shares]), shares):
        checkout = payments.start(payer, invoice_id, f"{amount // 100}.{amount % 100:02d}")
        card = {"expiry": "12/40", "cvc": "123"}
        if declined_first:
            sandbox_processor.confirm_card(checkout.intent_id, checkout.client_secret, number="4000000000000002", **card)
        if method in ("bank", "bank_returned"):
            sandbox_processor.confirm_bank(checkout.intent_id, checkout.client_secret, routing="110000000",
                                           account_number="000123456789" if method == "bank" else "000111111116")
        else:
            sandbox_processor.confirm_card(checkout.intent_id, checkout.client_secret, number="4242424242424242", **card)
        _REFUND_SHARE[checkout.intent_id] = refund


_REFUND_SHARE: dict[str, int] = {}


def _refund_all(label: str) -> None:
    processor = sandbox_processor.SandboxProcessor()
    for intent_id, share in list(_REFUND_SHARE.items()):
        intent = processor.retrieve_intent(_account(intent_id), intent_id)
        if share and intent.status == "succeeded":
            first = max(1, intent.amount * share // 200)
            processor.refund(_account(intent_id), intent_id, first, f"r1:{intent_id}")
            processor.refund(_account(intent_id), intent_id, max(1, intent.amount * share // 100 - first), f"r2:{intent_id}")
        del _REFUND_SHARE[intent_id]


def _account(intent_id: str) -> str:
    from models import SandboxIntent

    with db.read() as s:
        return s.get(SandboxIntent, intent_id).account


def deliver(events: list[tuple[bytes, str]], order: list[int], after=None) -> None:
    for index in order:
        payload, signature = events[index]
        payment_inbox.receive(payload, signature)
        if after is not None:
            after()


def shuffled_with_duplicates(count: int, duplicates: int, rng: random.Random) -> list[int]:
    order = list(range(count)) + [rng.randrange(count) for _ in range(duplicates)]
    rng.shuffle(order)
    return order


def client_books(client_id: str) -> dict[str, int]:
    """Every account's balance over the journals of one client (firm-level accounts included)."""
    with db.read() as s:
        rows = s.exec(select(LedgerEntry.account, sa.func.sum(LedgerEntry.amount_cents))
                      .join(Journal, Journal.id == LedgerEntry.journal_id)
                      .where(Journal.client_id == uuid.UUID(client_id)).group_by(LedgerEntry.account)).all()
        return {account: int(total) for account, total in rows if total}


def client_state(client_id: str) -> list[tuple]:
    """Invoices and payments of a client, in creation order, without ids (to compare two clients)."""
    with db.read() as s:
        matters = select(Matter.id).where(Matter.client_id == uuid.UUID(client_id))
        invoices = s.exec(select(Invoice).where(Invoice.matter_id.in_(matters)).order_by(Invoice.number)).all()
        out = []
        for invoice in invoices:
            pays = s.exec(select(Payment).where(Payment.invoice_id == invoice.id).order_by(Payment.attempt_no)).all()
            out.append((invoice.status, invoice.paid_cents, invoice.refunded_cents,
                        tuple((p.status if p.status != "processing" else "processing", p.amount_cents, p.fee_cents,
                               p.refunded_cents, p.posted_at is not None) for p in pays)))
        return out


def invariants(client_ids: list[str]) -> list[str]:
    problems = []
    with db.read() as s:
        if ledger.unbalanced_journals(s):
            problems.append(f"unbalanced journals {ledger.unbalanced_journals(s)}")
        if any(total != 0 for total in ledger.book_totals(s).values()):
            problems.append(f"a book does not balance {ledger.book_totals(s)}")
        for client_id in client_ids:
            if ledger.trust_balance(s, uuid.UUID(client_id)) < 0:
                problems.append(f"negative trust for {client_id}")
        if ledger.account_balance(s, "trust_bank") < 0:
            problems.append("negative trust bank")
    return problems


def posted_exactly_once() -> list[str]:
    from models import SandboxIntent

    problems = []
    with db.read() as s:
        for payment in s.exec(select(Payment).where(Payment.provider == "sandbox")).all():
            intent = s.get(SandboxIntent, payment.provider_ref)
            keys = s.exec(select(Journal.posting_key).where(Journal.payment_id == payment.id,
                                                            Journal.kind == "payment_received")).all()
            books_expected = 0 if intent.status != "succeeded" else (2 if payment.destination == "trust" else 1)
            if len(keys) != books_expected or (payment.posted_at is not None) != (intent.status == "succeeded"):
                problems.append(f"payment {payment.id}: {len(keys)} postings, intent {intent.status}")
            if intent.status == "succeeded" and payment.refunded_cents != intent.amount_refunded:
                problems.append(f"payment {payment.id}: refunded {payment.refunded_cents} != {intent.amount_refunded}")
        counts = defaultdict(int)
        for key in s.exec(select(Journal.posting_key)).all():
            counts[key] += 1
        problems += [f"posted twice: {k}" for k, n in counts.items() if n > 1]
    return problems


class LaggingProcessor:
    """The sandbox read through a lagging view (a replica behind the processor's own events): an
    intent looks as it did at the newest of its events the view has caught up with. Event i joins
    the view at delivery step `visible_at[i]`; `catch_up()` makes the view current."""

    def __init__(self, events: list[tuple[bytes, str]], rng: random.Random, steps: int, lag: float) -> None:
        self.inner = sandbox_processor.SandboxProcessor()
        self.name, self.is_sandbox, self.step = self.inner.name, True, 0
        self.snapshots: dict[str, list[tuple[int, str, int, str]]] = defaultdict(list)
        self.visible_at = [rng.randrange(steps + 1) if rng.random() < lag else 0 for _ in events]
        for index, (payload, _signature) in enumerate(events):
            event = json.loads(payload)
            obj = event["data"]["object"]
            if event["type"] == "charge.refunded":
                self.snapshots[obj["payment_intent"]].append((index, "succeeded", int(obj["amount_refunded"]), ""))
            elif event["type"].startswith("payment_intent."):
                error = (obj.get("last_payment_error") or {}).get("message", "")
                self.snapshots[obj["id"]].append((index, obj["status"], 0, error))

    def webhook_secrets(self) -> list[tuple[str, str]]:
        return self.inner.webhook_secrets()

    def catch_up(self) -> None:
        self.visible_at = [0 for _ in self.visible_at]

    def retrieve_intent(self, account: str, intent_id: str):
        real = self.inner.retrieve_intent(account, intent_id)
        seen = [snap for snap in self.snapshots.get(intent_id, []) if self.visible_at[snap[0]] <= self.step]
        if not seen:
            return dataclasses.replace(real, status="requires_payment_method", fee=None, amount_received=0,
                                       amount_refunded=0, error_message="")
        _index, status, refunded, error = max(seen)
        succeeded = status == "succeeded"
        return dataclasses.replace(real, status=status, fee=real.fee if succeeded else None, error_message=error,
                                   amount_received=real.amount if succeeded else 0, amount_refunded=refunded)


def deliver_lagging(events: list[tuple[bytes, str]], order: list[int], view: LaggingProcessor, after=None) -> list[str]:
    """Deliver in `order` while the processor's view lags. An event that cannot be placed yet stays
    "deferred" in the inbox, which tries it again with back-off (its clock here runs 10 s a
    delivery, so the first retry comes 3 deliveries later, then 6, 12...), and again once the view
    has caught up. Returns every outcome, the inbox's retries included."""
    results: list[str] = []
    start = utcnow()
    for step, index in enumerate(order):
        view.step = step
        results.append(payment_inbox.receive(*events[index]).result)
        for result, count in payment_inbox.process_due(start + timedelta(seconds=10 * step)).items():
            results += [result] * count
        if after is not None:
            after()
    view.catch_up()
    for result, count in payment_inbox.process_due(start + timedelta(days=1)).items():
        results += [result] * count
    with db.read() as s:
        waiting = s.exec(select(ProviderEvent.event_id).where(ProviderEvent.status.in_(payment_inbox.OPEN))).all()
    assert not waiting, "an event still waits after the processor caught up"
    return results
