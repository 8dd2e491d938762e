"""Three-way trust reconciliation for a period: the bank statement balance staff enter, the
trust journal (the trust bank account in the books), and the sum of the client trust ledgers,
side by side, with every difference listed and explained where the books can explain it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from sqlmodel import select

from models import Client, Journal, LedgerEntry, TrustReconciliation
from portal_app.services.billing.accounting import ledger
from portal_app.services.kernel import audit, db, localtime, money, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput

MAX_DAYS = 366


@dataclass(frozen=True)
class ClientLine:
    client: str
    balance: str
    balance_cents: int


@dataclass(frozen=True)
class JournalLine:
    date: str
    kind: str
    memo: str
    amount: str


@dataclass(frozen=True)
class Report:
    period_start: date
    period_end: date
    bank_balance_cents: int
    journal_balance_cents: int
    client_ledgers_cents: int
    owed_by_operating_cents: int
    clients: list[ClientLine] = field(default_factory=list)
    journal: list[JournalLine] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)

    @property
    def balanced(self) -> bool:
        return not self.differences


def _start(day: date) -> datetime:
    """A period runs over the firm's local days (a trust month ends at the firm's midnight, not UTC's)."""
    return datetime.combine(day, time(0), tzinfo=localtime.zone(None)).astimezone(timezone.utc)


def _end(day: date) -> datetime:
    return _start(day + timedelta(days=1)) - timedelta(microseconds=1)


def _check_period(start: date, end: date) -> None:
    if start > end or (end - start).days > MAX_DAYS:
        raise InvalidInput("billing.period_invalid", days=MAX_DAYS)


def report(actor: Actor, period_start: date, period_end: date, bank_balance: str) -> Report:
    policy.require(actor, "trust.reconcile")
    _check_period(period_start, period_end)
    bank = money.parse(bank_balance, "USD", allow_zero=True)
    until = _end(period_end)
    with db.read() as s:
        journal_balance = ledger.account_balance(s, "trust_bank", until=until)
        owed = ledger.account_balance(s, "trust_due_from_operating", until=until)
        clients = [(c.full_name, ledger.trust_balance(s, c.id, until)) for c in s.exec(select(Client)).all()]
        entries = s.exec(select(LedgerEntry, Journal).join(Journal, Journal.id == LedgerEntry.journal_id)
                         .where(LedgerEntry.account == "trust_bank",
                                LedgerEntry.created_at >= _start(period_start),
                                LedgerEntry.created_at <= until).order_by(LedgerEntry.created_at)).all()
    clients = [(name, cents) for name, cents in clients if cents != 0]
    ledgers_total = sum(cents for _name, cents in clients)
    return Report(period_start, period_end, bank, journal_balance, ledgers_total, owed,
                  clients=[ClientLine(n, money.format_money(c), c) for n, c in sorted(clients)],
                  journal=[JournalLine(localtime.local(e.created_at, None).date().isoformat(), j.kind, e.memo, money.format_money(e.amount_cents))
                           for e, j in entries],
                  differences=_differences(bank, journal_balance, ledgers_total, owed, clients))


def _differences(bank: int, journal: int, ledgers: int, owed: int, clients: list[tuple[str, int]]) -> list[str]:
    out = []
    if bank != journal:
        out.append(f"Bank statement {money.format_money(bank)} differs from the trust journal "
                   f"{money.format_money(journal)} by {money.format_money(bank - journal)}: look for deposits or "
                   "checks not yet on the statement, or entries not yet in the books.")
    if journal + owed != ledgers:
        out.append(f"Trust journal plus fees owed by operating ({money.format_money(journal + owed)}) differs from "
                   f"the client ledgers ({money.format_money(ledgers)}).")
    if owed:
        out.append(f"Operating owes the trust account {money.format_money(owed)} for card fees: the trust journal is "
                   f"that much below the client ledgers until it is paid.")
    out += [f"{name}'s trust ledger is negative ({money.format_money(cents)})." for name, cents in clients if cents < 0]
    return out


def save(actor: Actor, period_start: date, period_end: date, bank_balance: str, note: str = "") -> str:
    """Keep the reconciliation as a record (with its differences); returns its id."""
    result = report(actor, period_start, period_end, bank_balance)
    with db.write() as s:
        row = TrustReconciliation(period_start=period_start, period_end=period_end,
                                  bank_balance_cents=result.bank_balance_cents,
                                  journal_balance_cents=result.journal_balance_cents,
                                  client_ledgers_cents=result.client_ledgers_cents, differences=result.differences,
                                  note=text.paragraph(note, 500), created_by_id=actor.user_id)
        s.add(row)
        s.flush()
        audit.record(s, "trust.reconciled", actor=actor, object_type="trust_reconciliation", object_id=row.id,
                     details={"period_end": period_end.isoformat(), "bank_cents": result.bank_balance_cents,
                              "differences": len(result.differences)})
        return str(row.id)


@dataclass(frozen=True)
class SavedRow:
    id: str
    period: str
    bank: str
    journal: str
    ledgers: str
    differences: int
    created_at: str


def saved(actor: Actor, limit: int = 24) -> list[SavedRow]:
    policy.require(actor, "trust.reconcile")
    with db.read() as s:
        rows = s.exec(select(TrustReconciliation).order_by(TrustReconciliation.period_end.desc()).limit(limit)).all()
        return [SavedRow(str(r.id), f"{r.period_start} – {r.period_end}", money.format_money(r.bank_balance_cents),
                         money.format_money(r.journal_balance_cents), money.format_money(r.client_ledgers_cents),
                         len(r.differences or []), localtime.shown_datetime(r.created_at, actor.timezone, actor.locale))
                for r in rows]
