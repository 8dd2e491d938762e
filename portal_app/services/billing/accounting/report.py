"""The ledgers staff read: each client's trust and operating balances, and the journal."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import select

from models import Client, Journal, LedgerEntry, User
from portal_app.services.billing.accounting import ledger, trust
from portal_app.services.kernel import db, localtime, money, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.i18n import t


@dataclass(frozen=True)
class ClientBalance:
    client_id: str
    client: str
    trust: str
    receivable: str
    trust_cents: int


@dataclass(frozen=True)
class JournalRow:
    date: str
    book: str
    kind: str
    memo: str
    client: str
    legs: str
    by: str


@dataclass(frozen=True)
class Overview:
    clients: list[ClientBalance]
    journal: list[JournalRow]
    trust_bank: str
    operating_bank: str
    owed_to_trust: str
    owed_to_trust_cents: int
    fees: str


def overview(actor: Actor, limit: int = 100) -> Overview:
    policy.require(actor, "ledger.report")
    with db.read() as s:
        names = dict(s.exec(select(Client.id, Client.full_name)).all())
        per_client = s.exec(select(LedgerEntry.client_id, LedgerEntry.account, sa.func.sum(LedgerEntry.amount_cents))
                            .where(LedgerEntry.client_id.is_not(None))
                            .group_by(LedgerEntry.client_id, LedgerEntry.account)).all()
        balances: dict = {}
        for client_id, account, total in per_client:
            balances.setdefault(client_id, {})[account] = int(total)
        clients = [ClientBalance(str(cid), names.get(cid, "?"), money.format_money(-b.get("client_trust", 0)),
                                 money.format_money(b.get("accounts_receivable", 0)), -b.get("client_trust", 0))
                   for cid, b in sorted(balances.items(), key=lambda kv: names.get(kv[0], ""))]
        journal = _journal(s, names, limit, actor)
        owed = trust.fees_owed_to_trust(s)
        return Overview(clients, journal, money.format_money(ledger.account_balance(s, "trust_bank")),
                        money.format_money(ledger.account_balance(s, "operating_bank")), money.format_money(owed),
                        owed, money.format_money(ledger.account_balance(s, "processing_fees")))


def _journal(s, names: dict, limit: int, reader: Actor) -> list[JournalRow]:
    journals = s.exec(select(Journal).order_by(Journal.created_at.desc()).limit(limit)).all()
    users = dict(s.exec(select(User.id, User.full_name)).all())
    legs: dict = {}
    if journals:
        for entry in s.exec(select(LedgerEntry).where(LedgerEntry.journal_id.in_([j.id for j in journals]))).all():
            legs.setdefault(entry.journal_id, []).append(entry)
    return [JournalRow(localtime.shown_datetime(j.created_at, reader.timezone, reader.locale),
                       words(f"ledger.book.{j.book}", reader.locale), words(f"ledger.kind.{j.kind}", reader.locale),
                       j.memo, names.get(j.client_id, ""),
                       "; ".join(f"{words(f'ledger.account.{e.account}', reader.locale)} "
                                 f"{money.format_money(e.amount_cents, e.currency)}"
                                 for e in sorted(legs.get(j.id, []), key=lambda e: -e.amount_cents)),
                       users.get(j.created_by_id, "portal")) for j in journals]


def words(key: str, locale: str) -> str:
    """A ledger identifier (book, kind of entry, account) as a person says it; an identifier without
    words yet reads as words rather than as code ("some_new_kind" -> "Some new kind")."""
    said = t(key, locale)
    return said if said != key else key.rsplit(".", 1)[-1].replace("_", " ").capitalize()
