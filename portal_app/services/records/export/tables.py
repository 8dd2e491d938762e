"""The export's tables as CSV text (index of items and versions, intake, invoices, lines, payments,
the client's ledger for the matter) and the audit events with their proof as JSON."""
from __future__ import annotations

import csv
import io
import json

from portal_app.services.kernel import audit
from portal_app.services.kernel.money import format_money
from portal_app.services.records.export.contents import Contents

INDEX_COLUMNS = ["item", "item_status", "rejection_reason", "version", "file", "original_name", "uploaded_at",
                 "uploaded_by", "size_bytes", "sha256", "review", "review_reason", "reviewed_by", "reviewed_at",
                 "deleted_at"]


def _csv(header: list[str], rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")  # a BOM so spreadsheet programs read accents right


def _iso(value) -> str:
    return value.isoformat() if value else ""


def index_rows(c: Contents) -> list[list]:
    status = {i.id: (i.status, i.rejection_reason or "") for i in c.items}
    rows = []
    for f in c.files:
        v = f.version
        item_status, reason = status.get(f.request_id, ("", ""))
        rows.append([f.item, item_status, reason, v.version_no, f.path or "(deleted under the retention policy)",
                     v.original_name, _iso(v.uploaded_at), f.uploaded_by, v.size_bytes, v.sha256, v.review_status,
                     v.review_note or "", f.reviewed_by, _iso(v.reviewed_at), _iso(v.shredded_at)])
    listed = {f.request_id for f in c.files}
    for item in c.items:  # items with no file yet are in the index too
        if item.id not in listed:
            rows.append([item.title, item.status, item.rejection_reason or "", "", "", "", "", "", "", "", "", "",
                         "", "", ""])
    return rows


def index_csv(c: Contents) -> bytes:
    return _csv(INDEX_COLUMNS, index_rows(c))


def intake_csv(c: Contents) -> bytes:
    rows = []
    for form, response in c.intake:
        labels = {q.get("key"): q.get("label", q.get("key")) for q in form.questions or []}
        for key, answer in (response.answers or {}).items():
            rows.append([form.title, response.status, key, labels.get(key, key), answer])
    return _csv(["form", "status", "question", "label", "answer"], rows)


def invoices_csv(c: Contents) -> bytes:
    return _csv(["number", "kind", "title", "status", "currency", "total", "paid", "refunded", "due_date", "sent_at",
                 "paid_at", "voided_at"],
                [[i.number, i.kind, i.title, i.status, i.currency, format_money(i.total_cents, i.currency),
                  format_money(i.paid_cents, i.currency), format_money(i.refunded_cents, i.currency),
                  _iso(i.due_date), _iso(i.sent_at), _iso(i.paid_at), _iso(i.voided_at)] for i in c.invoices])


def lines_csv(c: Contents) -> bytes:
    numbers = {i.id: i.number for i in c.invoices}
    return _csv(["invoice", "kind", "description", "quantity", "unit", "amount", "tax"],
                [[numbers.get(line.invoice_id, ""), line.kind, line.description, line.quantity,
                  line.unit_amount_cents / 100, line.amount_cents / 100, line.tax_cents / 100] for line in c.lines])


def payments_csv(c: Contents) -> bytes:
    numbers = {i.id: i.number for i in c.invoices}
    return _csv(["invoice", "method", "account", "status", "amount", "fee", "refunded", "currency", "received_at",
                 "reference"],
                [[numbers.get(p.invoice_id, ""), p.method, p.account, p.status, p.amount_cents / 100,
                  p.fee_cents / 100, p.refunded_cents / 100, p.currency, _iso(p.received_at or p.posted_at),
                  p.reference] for p in c.payments])


def ledger_csv(c: Contents) -> bytes:
    """The client's per-client accounts for this matter, with a running balance per account
    (client trust shown as money held for the client: credits positive)."""
    balances: dict[str, int] = {}
    rows = []
    for e in c.ledger:
        sign = -1 if e.account == "client_trust" else 1
        balances[e.account] = balances.get(e.account, 0) + sign * e.amount_cents
        rows.append([_iso(e.created_at), e.account, e.memo, sign * e.amount_cents / 100, e.currency,
                     balances[e.account] / 100])
    return _csv(["date", "account", "memo", "amount", "currency", "balance"], rows)


def events_jsonl(c: Contents) -> bytes:
    lines = []
    for e in c.events:
        lines.append(json.dumps({
            "seq": e.seq, "occurred_at": audit.timestamp(e.occurred_at), "actor_id": str(e.actor_id) if e.actor_id else None,
            "actor_role": e.actor_role, "action": e.action, "object_type": e.object_type, "object_id": e.object_id,
            "matter_id": str(e.matter_id) if e.matter_id else None, "ip": e.ip, "details": e.details,
            "prev_hash": e.prev_hash, "entry_hash": e.entry_hash,
        }, sort_keys=True, ensure_ascii=False))
    return ("\n".join(lines) + ("\n" if lines else "")).encode("utf-8")


def proof_json(c: Contents) -> bytes:
    chain = c.chain
    return json.dumps({
        "method": "entry_hash = SHA-256(prev_hash + canonical JSON of the event's other fields, keys sorted, "
                  "separators ',' and ':'); each event in audit/events.jsonl recomputes to its entry_hash",
        "chain_verified": bool(chain and chain.ok), "events_checked": chain.checked if chain else 0,
        "first_bad_seq": chain.first_bad_seq if chain else None,
        "chain_head": {"seq": c.head[0], "hash": c.head[1]}, "verified_at": _iso(c.gathered_at),
        "matter_events": [{"seq": e.seq, "entry_hash": e.entry_hash} for e in c.events],
        "check_later": "python -m portal_app.cli audit verify-export <this zip>: the chain still verifies and "
                       "holds these hashes at these positions",
    }, indent=2, ensure_ascii=False).encode("utf-8")
