"""The daily CSV of payment transactions for manual matching (staff UI and CLI): every payment
received and every refund booked on a day (in the firm's time zone), with the processor's
reference, the invoice and matter, the client (id and name), the account and the fee."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from models import Client, Invoice, Journal, LedgerEntry, Matter, Payment
from portal_app.services.kernel import audit, db, money, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.settings import get_settings

COLUMNS = ["date", "time_utc", "type", "payment_id", "provider", "provider_ref", "invoice", "matter", "client_id",
           "client_name", "method", "account", "amount", "fee", "currency", "status", "reference"]


def _window(day: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(get_settings().firm_timezone)
    start = datetime.combine(day, time(0), tzinfo=zone)
    return start, start + timedelta(days=1)


def rows_for(day: date) -> list[dict[str, str]]:
    start, end = _window(day)
    with db.read() as s:
        base = (select(Payment, Invoice.number, Matter.reference).join(Invoice, Invoice.id == Payment.invoice_id)
                .join(Matter, Matter.id == Payment.matter_id))
        received = s.exec(base.where(Payment.received_at >= start, Payment.received_at < end,
                                     Payment.posted_at.is_not(None))).all()
        refunds = s.exec(select(Journal, LedgerEntry.amount_cents, Payment, Invoice.number, Matter.reference)
                         .join(LedgerEntry, LedgerEntry.journal_id == Journal.id)
                         .join(Payment, Payment.id == Journal.payment_id).join(Invoice, Invoice.id == Payment.invoice_id)
                         .join(Matter, Matter.id == Payment.matter_id)
                         .where(Journal.kind == "refund", LedgerEntry.account.in_(("trust_bank", "operating_bank")),
                                Journal.created_at >= start, Journal.created_at < end)).all()
        ids = {p.client_id for p, *_ in received} | {p.client_id for _j, _a, p, *_ in refunds}
        names = dict(s.exec(select(Client.id, Client.full_name).where(Client.id.in_(ids))).all()) if ids else {}
    out = [_row(p.received_at, "payment", p, number, ref, p.amount_cents, p.fee_cents, names)
           for p, number, ref in received]
    out += [_row(j.created_at, "refund", p, number, ref, amount, 0, names) for j, amount, p, number, ref in refunds]
    return sorted(out, key=lambda r: r["time_utc"])


def _row(when: datetime, kind: str, p: Payment, invoice: str, matter: str, amount: int, fee: int,
         names: dict) -> dict[str, str]:
    return {"date": when.astimezone(ZoneInfo(get_settings().firm_timezone)).date().isoformat(),
            "time_utc": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "type": kind, "payment_id": str(p.id),
            "provider": p.provider, "provider_ref": p.provider_ref or "", "invoice": invoice, "matter": matter,
            "client_id": str(p.client_id), "client_name": _safe(names.get(p.client_id, "")), "method": p.method,
            "account": p.destination, "amount": money.decimal_string(amount, p.currency),
            "fee": money.decimal_string(fee, p.currency), "currency": p.currency, "status": p.status,
            "reference": _safe(p.reference)}


def _safe(text: str) -> str:
    """No spreadsheet formula injection from a typed reference."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def export_day(actor: Actor | None, day: date, via: str = "ui") -> tuple[str, str]:
    """(file name, CSV text). Staff need ledger.report; the CLI runs as the server's operator."""
    if actor is not None:
        policy.require(actor, "ledger.report")
    rows = rows_for(day)
    with db.write() as s:
        audit.record(s, "billing.payments_exported", actor=actor, object_type="export", object_id=day.isoformat(),
                     details={"rows": len(rows), "via": via})
    return f"payments-{day.isoformat()}.csv", to_csv(rows)
