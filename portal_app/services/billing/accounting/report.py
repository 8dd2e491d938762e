"""The ledgers staff read: each client's trust and operating balances, and the journal."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import select

from models import Client, Journal, LedgerEntry, User
from portal_app.services.billing.accounting import ledger, trust
from portal_app.services.kernel import db, localtime, money, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.i18n import t

MAX_SEARCH = 100


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
    clients_total: int  # of the search, shown or not
    journal: list[JournalRow]
    trust_bank: str
    operating_bank: str
    owed_to_trust: str
    owed_to_trust_cents: int
    fees: str


CLIENTS_SHOWN = 100  # a page of balances: a firm of thousands of clients finds one by name


def overview(actor: Actor, limit: int = 100, client_search: str = "", clients_shown: int = CLIENTS_SHOWN) -> Overview:
    """The books' totals, the latest journals, and the client balances: the first `clients_shown`
    by name, of those whose name holds `client_search`, and how many there are. Every balance is
    summed by the database on each call; it also orders and cuts the list, so only the shown ones
    reach Python (formatting all 5,204 amounts of a big practice was 70% of this page's load)."""
    policy.require(actor, "ledger.report")
    with db.read() as s:
        clients, total = _shown_balances(s, client_search, clients_shown)
        journal = _journal(s, limit, actor)
        books = ledger.account_balances(s, ("trust_bank", "operating_bank", "processing_fees", trust.DUE_TO_TRUST))
        owed = -books[trust.DUE_TO_TRUST]  # card fees operating owes the trust account
        return Overview(clients, total, journal, money.format_money(books["trust_bank"]),
                        money.format_money(books["operating_bank"]), money.format_money(owed), owed,
                        money.format_money(books["processing_fees"]))


def client_balances(actor: Actor, client_search: str = "",
                    clients_shown: int = CLIENTS_SHOWN) -> tuple[list[ClientBalance], int]:
    """The client list of the overview alone (what a search on the page asks again): the first
    `clients_shown` by name of those whose name holds `client_search`, and how many those are."""
    policy.require(actor, "ledger.report")
    with db.read() as s:
        return _shown_balances(s, client_search, clients_shown)


def _shown_balances(s, client_search: str, clients_shown: int) -> tuple[list[ClientBalance], int]:
    found = s.connection().execute(_client_balances(client_search).limit(clients_shown)).all()
    clients = [ClientBalance(db.canonical_id(cid), name, money.format_money(-int(held)),
                             money.format_money(int(owed)), -int(held)) for cid, name, held, owed, _n in found]
    return clients, (found[0][-1] if found else 0)


def _sum_of(account: str) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((LedgerEntry.account == account, LedgerEntry.amount_cents), else_=0)), 0)


def _client_balances(client_search: str):
    """Per client with an entry in the books, by name: (id as text, name, client trust (a credit,
    so negative), receivable, how many such clients in all)."""
    query = (select(db.id_text(LedgerEntry.client_id), Client.full_name, _sum_of("client_trust"),
                    _sum_of("accounts_receivable"), sa.func.count().over())
             .join(Client, Client.id == LedgerEntry.client_id)
             .group_by(LedgerEntry.client_id, Client.full_name)
             .order_by(sa.func.lower(Client.full_name), LedgerEntry.client_id))
    search = text.line(client_search, MAX_SEARCH)
    if search:
        query = query.where(sa.func.lower(Client.full_name).like(text.like_contains(search), escape=text.LIKE_ESCAPE))
    return query


def _journal(s, limit: int, reader: Actor) -> list[JournalRow]:
    """The latest journals with their client's and author's names (read with them: reading every
    client's and user's name to show a hundred journals was most of the page)."""
    found = s.exec(select(Journal, Client.full_name, User.full_name)
                   .join(Client, Client.id == Journal.client_id, isouter=True)
                   .join(User, User.id == Journal.created_by_id, isouter=True)
                   .order_by(Journal.created_at.desc()).limit(limit)).all()
    legs: dict = {}
    if found:
        for entry in s.exec(select(LedgerEntry.journal_id, LedgerEntry.account, LedgerEntry.amount_cents,
                                   LedgerEntry.currency)
                            .where(LedgerEntry.journal_id.in_([j.id for j, _c, _u in found]))).all():
            legs.setdefault(entry.journal_id, []).append(entry)
    return [JournalRow(localtime.shown_datetime(j.created_at, reader.timezone, reader.locale),
                       words(f"ledger.book.{j.book}", reader.locale), words(f"ledger.kind.{j.kind}", reader.locale),
                       j.memo, client or "",
                       "; ".join(f"{words(f'ledger.account.{e.account}', reader.locale)} "
                                 f"{money.format_money(e.amount_cents, e.currency)}"
                                 for e in sorted(legs.get(j.id, []), key=lambda e: -e.amount_cents)),
                       author or "portal") for j, client, author in found]


def words(key: str, locale: str) -> str:
    """A ledger identifier (book, kind of entry, account) as a person says it; an identifier without
    words yet reads as words rather than as code ("some_new_kind" -> "Some new kind")."""
    said = t(key, locale)
    return said if said != key else key.rsplit(".", 1)[-1].replace("_", " ").capitalize()
