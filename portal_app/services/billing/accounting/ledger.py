"""The double-entry ledger: two books, kept apart.

The trust book holds client money (unearned fees and advances, ABA Model Rule 1.15): the trust
bank account, what operating owes the trust account for processing fees, and one `client_trust`
ledger per client. The operating book holds the firm's own money: the operating bank account,
receivables per client, income, processing fees, refunds and what operating owes to trust.

Amounts are debits positive and credits negative. `post` writes one journal whose legs sum to
zero and which all belong to one book, at most once per posting key, and refuses anything that
would take a client's trust ledger (or the trust bank) below zero. It runs in the caller's
transaction; the client's row is locked first so two postings cannot race past the check.
"""
from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from models import Client, Journal, LedgerEntry
from portal_app.services.kernel import money
from portal_app.services.kernel.errors import InvalidInput

TRUST, OPERATING = "trust", "operating"
ACCOUNTS: dict[str, str] = {
    "trust_bank": TRUST,
    "trust_due_from_operating": TRUST,
    "client_trust": TRUST,  # per client; a credit balance is money held for the client
    "operating_bank": OPERATING,
    "accounts_receivable": OPERATING,  # per client
    "fee_income": OPERATING,
    "expense_recovery": OPERATING,
    "tax_payable": OPERATING,
    "processing_fees": OPERATING,
    "due_to_trust": OPERATING,
    "refunds": OPERATING,
}
PER_CLIENT = frozenset({"client_trust", "accounts_receivable"})


@dataclass(frozen=True)
class Leg:
    account: str
    amount_cents: int  # debit positive, credit negative
    client_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Refs:
    client_id: uuid.UUID | None = None
    matter_id: uuid.UUID | None = None
    invoice_id: uuid.UUID | None = None
    payment_id: uuid.UUID | None = None
    created_by_id: uuid.UUID | None = None


def already_posted(s: Session, posting_key: str) -> bool:
    return s.exec(select(Journal.id).where(Journal.posting_key == posting_key)).first() is not None


def _check(book: str, legs: list[Leg]) -> None:
    if not legs or sum(leg.amount_cents for leg in legs) != 0:
        raise ValueError(f"journal does not balance: {legs}")
    for leg in legs:
        if ACCOUNTS.get(leg.account) != book:
            raise ValueError(f"account {leg.account!r} is not in the {book} book")
        if (leg.account in PER_CLIENT) != (leg.client_id is not None):
            raise ValueError(f"account {leg.account!r} needs a client exactly when it is per client")


def post(s: Session, *, posting_key: str, book: str, kind: str, legs: list[Leg], refs: Refs,
         memo: str = "", currency: str = "USD", at: datetime | None = None) -> Journal | None:
    """Write one balanced journal; None (and nothing written) when the key was posted before."""
    legs = [leg for leg in legs if leg.amount_cents != 0]
    if not legs or already_posted(s, posting_key):
        return None
    _check(book, legs)
    if book == TRUST:
        _guard_trust(s, legs)
    journal = Journal(posting_key=posting_key, book=book, kind=kind, memo=memo[:300], client_id=refs.client_id,
                      matter_id=refs.matter_id, invoice_id=refs.invoice_id, payment_id=refs.payment_id,
                      created_by_id=refs.created_by_id, **({"created_at": at} if at else {}))
    s.add(journal)
    s.flush()
    for leg in legs:
        s.add(LedgerEntry(journal_id=journal.id, account=leg.account, client_id=leg.client_id,
                          matter_id=refs.matter_id, invoice_id=refs.invoice_id, payment_id=refs.payment_id,
                          amount_cents=leg.amount_cents, currency=currency, memo=memo[:300],
                          created_by_id=refs.created_by_id, created_at=journal.created_at))
    s.flush()
    return journal


def _guard_trust(s: Session, legs: list[Leg]) -> None:
    for client_id in sorted({leg.client_id for leg in legs if leg.client_id}, key=str):
        s.exec(select(Client.id).where(Client.id == client_id).with_for_update()).first()
        change = -sum(leg.amount_cents for leg in legs if leg.account == "client_trust" and leg.client_id == client_id)
        after = trust_balance(s, client_id) + change
        if after < 0:
            raise InvalidInput("billing.trust_insufficient", available=money.format_money(after - change))
    bank_change = sum(leg.amount_cents for leg in legs if leg.account == "trust_bank")
    if bank_change < 0 and account_balance(s, "trust_bank") + bank_change < 0:
        raise InvalidInput("billing.trust_bank_insufficient")


def account_balance(s: Session, account: str, client_id: uuid.UUID | None = None,
                    until: datetime | None = None) -> int:
    """Debit-positive balance of one account (one client's, when given)."""
    query = select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_cents), 0)).where(LedgerEntry.account == account)
    if client_id is not None:
        query = query.where(LedgerEntry.client_id == client_id)
    if until is not None:
        query = query.where(LedgerEntry.created_at <= until)
    return int(s.exec(query).one())


def account_balances(s: Session, accounts: tuple[str, ...]) -> dict[str, int]:
    """Debit-positive balances of several whole accounts, in one statement (0 for one with no entry)."""
    rows = s.exec(select(LedgerEntry.account, sa.func.sum(LedgerEntry.amount_cents))
                  .where(LedgerEntry.account.in_(accounts)).group_by(LedgerEntry.account)).all()
    return {account: 0 for account in accounts} | {account: int(total) for account, total in rows}


def trust_balance(s: Session, client_id: uuid.UUID, until: datetime | None = None) -> int:
    """Money held in trust for a client (a credit on their trust ledger, shown positive)."""
    return -account_balance(s, "client_trust", client_id, until)


def receivable(s: Session, client_id: uuid.UUID) -> int:
    return account_balance(s, "accounts_receivable", client_id)


def balances(s: Session) -> dict[tuple[str, str | None], int]:
    """Every (account, client) balance: for reports and for checking that books agree."""
    rows = s.exec(select(LedgerEntry.account, LedgerEntry.client_id, sa.func.sum(LedgerEntry.amount_cents))
                  .group_by(LedgerEntry.account, LedgerEntry.client_id)).all()
    return {(account, str(client) if client else None): int(total) for account, client, total in rows}


def unbalanced_journals(s: Session) -> list[str]:
    """Posting keys of journals whose legs do not sum to zero (there should never be any)."""
    rows = s.exec(select(Journal.posting_key).join(LedgerEntry, LedgerEntry.journal_id == Journal.id)
                  .group_by(Journal.id, Journal.posting_key)
                  .having(sa.func.sum(LedgerEntry.amount_cents) != 0)).all()
    return list(rows)


def book_totals(s: Session) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for (account, _client), amount in balances(s).items():
        totals[ACCOUNTS[account]] += amount
    return dict(totals)
