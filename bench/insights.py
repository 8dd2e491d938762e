"""The insights page's work (every figure for the last twelve months, pilot cohort beside the rest)
over a busy practice: 5,000 matters with 20 document requests each (every other one reviewed, a
tenth rejected once), an invitation and sign-ins per client, 10,000 invoices and their payments,
reminders, USCIS receipts; on SQLite and PostgreSQL. Prints the time and the statements issued at
1,000 and 5,000 matters: the count must not grow with the practice.

Also the full export of one matter holding 1 GB of documents (10 files of 100 MB), with the
process's resident memory sampled every 50 ms while the ZIP streams to /dev/null."""
from __future__ import annotations

import os
import random
import threading
import time
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from sqlmodel import select

from bench.common import LABEL, database, kinds
from bench.results import Figure
from models import (
    AuthSession, CaseType, Client, Document, DocumentRequest, DocumentVersion, Invitation, Invoice, Matter,
    MatterTag, Payment, ReminderItem, User, new_id,
)
from portal_app.services.insights import filters, report
from portal_app.services.kernel import db
from portal_app.services.kernel.actor import Actor
from portal_app.services.matters import case_types

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=timezone.utc)
SIZES, SMOKE_SIZES = [1_000, 5_000], [20, 40]


def _insert(model, rows: list[dict]) -> None:
    with db.write() as s:
        for start in range(0, len(rows), 5_000):
            s.execute(sa.insert(model.__table__), rows[start:start + 5_000])


def _matter_rows(n: int, rng: random.Random, codes: list, attorneys: list) -> dict[type, list[dict]]:
    user, client, matter = new_id(), new_id(), new_id()
    opened = NOW - timedelta(days=rng.randint(1, 360), hours=rng.randint(0, 23))
    rows: dict[type, list[dict]] = {m: [] for m in (User, Client, Matter, MatterTag, Invitation, AuthSession,
                                                     DocumentRequest, Document, DocumentVersion, Invoice, Payment,
                                                     ReminderItem)}
    rows[User].append({"id": user, "email": f"c{n}@x.example", "full_name": f"Client {n}", "role": "client",
                       "is_active": True, "locale": "en", "timezone": "America/New_York", "created_at": opened})
    rows[Client].append({"id": client, "user_id": user, "full_name": f"Client {n}", "email": f"c{n}@x.example",
                         "preferred_language": "en", "created_at": opened})
    filed = opened + timedelta(days=rng.randint(5, 90)) if n % 3 else None
    rows[Matter].append({"id": matter, "reference": f"B-{n:05d}", "title": f"Matter {n}", "case_type_id": codes[n % len(codes)],
                         "client_id": client, "responsible_attorney_id": attorneys[n % len(attorneys)], "status": "open",
                         "receipt_numbers": [], "opened_at": opened, "filed_at": filed,
                         "shared_with_organization": False, "organization_pays": False})
    if n % 5 == 0:
        rows[MatterTag].append({"matter_id": matter, "tag": "pilot", "added_at": opened})
    rows[Invitation].append({"id": new_id(), "purpose": "invite", "user_id": user, "token_hash": f"{n:064d}",
                             "created_at": opened, "expires_at": opened + timedelta(days=3)})
    if n % 4:
        rows[AuthSession].append({"id": new_id(), "user_id": user, "created_at": opened,
                                  "last_seen_at": NOW - timedelta(days=rng.randint(0, 90)), "expires_at": NOW})
    for k in range(20):
        request, document = new_id(), new_id()
        rows[DocumentRequest].append({"id": request, "matter_id": matter, "key": f"item{k}", "title": f"Item {k}",
                                      "status": "uploaded", "accepted_types": [], "requested_at": opened,
                                      "updated_at": opened})
        if k % 2 == 0:
            rows[Document].append({"id": document, "matter_id": matter, "request_id": request, "kind": "evidence",
                                   "display_name": f"Item {k}", "created_at": opened})
            for v, status in enumerate(["rejected", "accepted"] if k % 10 == 0 else ["accepted"], 1):
                rows[DocumentVersion].append({"id": new_id(), "document_id": document, "version_no": v,
                                              "storage_key": f"{n}/{k}/{v}", "wrapped_key": "-", "chunk_size": 1,
                                              "size_bytes": 1, "sha256": "0" * 64, "content_type": "application/pdf",
                                              "stored_name": "x.pdf", "original_name": "x.pdf",
                                              "review_status": status, "uploaded_at": opened})
    for i in range(2):
        invoice, sent = new_id(), opened + timedelta(days=1 + i)
        paid = sent + timedelta(hours=rng.randint(1, 24 * 30)) if (n + i) % 3 else None
        rows[Invoice].append({"id": invoice, "number": f"I-{n}-{i}", "matter_id": matter, "kind": ["retainer", "milestone"][i],
                              "status": "paid" if paid else "sent", "total_cents": 1000, "sent_at": sent, "paid_at": paid,
                              "created_at": sent})
        if paid:
            rows[Payment].append({"id": new_id(), "invoice_id": invoice, "matter_id": matter, "client_id": client,
                                  "provider": "sandbox", "method": ["card", "us_bank_account"][n % 2],
                                  "status": "succeeded", "amount_cents": 1000, "posted_at": paid, "created_at": paid})
    for r in range(n % 4):
        rows[ReminderItem].append({"id": new_id(), "recipient_id": user, "matter_id": matter, "kind": "document_missing",
                                   "subject_type": "matter", "subject_id": matter, "occurrence": f"d{r}",
                                   "occurs_on": opened.date(), "status": "sent", "params": {}, "essential": False,
                                   "created_at": opened})
    return rows


def populate(matters: int, seed: int = 11, start: int = 0) -> Actor:
    """A practice of `matters` matters (numbered from `start`, so a second call adds to the first);
    returns a partner who may see the figures."""
    rng = random.Random(seed)
    with db.write() as s:
        case_types.sync(s)
        s.flush()
        codes = list(s.exec(select(CaseType.id)).all())
        attorneys = [User(email=f"a{i}.{start}@firm.example", full_name=f"Attorney {i}", role="attorney") for i in range(5)]
        s.add_all(attorneys)
        s.flush()
        partner = Actor(user_id=attorneys[0].id, role="attorney")
        ids = [a.id for a in attorneys]
    batch: dict[type, list[dict]] = {}
    for n in range(start, start + matters):
        for model, rows in _matter_rows(n, rng, codes, ids).items():
            batch.setdefault(model, []).extend(rows)
    for model in (User, Client, Matter, MatterTag, Invitation, AuthSession, DocumentRequest, Document,
                  DocumentVersion, Invoice, Payment, ReminderItem):
        _insert(model, batch.get(model, []))
    _analyze()
    return partner


def _analyze() -> None:
    """Planner statistics, as autovacuum (PostgreSQL) gathers them shortly after any bulk load; without
    them PostgreSQL estimates one row per table right after the inserts and picks nested loops."""
    with db.get_engine().connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


def counted(fn, *args):
    count = [0]

    def tick(*_a, **_k):
        count[0] += 1

    engine = db.get_engine()
    sa.event.listen(engine, "before_cursor_execute", tick)
    start = time.perf_counter()
    try:
        result = fn(*args)
    finally:
        sa.event.remove(engine, "before_cursor_execute", tick)
    return result, time.perf_counter() - start, count[0]


def _insights_lines(sizes: list[int]) -> list:
    lines: list = []
    for kind in kinds():
        counts = []
        for matters in sizes:
            with database(kind):
                partner = populate(matters)
                period = filters.default_period(NOW)
                report.compute(partner, period, NOW)  # warm: plans and caches, as a second visit would be
                runs = [counted(report.compute, partner, period, NOW) for _ in range(3)]
                best = min(r[1] for r in runs)
                counts.append(runs[0][2])
                lines.append(f"insights on {kind}, {matters:,} matters ({matters * 20:,} document requests): "
                             f"all figures in {best:.2f}s (best of 3), {runs[0][2]} statements")
        lines.append(Figure(f"insights_statements.{kind}", f"Insights figures, statements at {sizes[-1]:,} vs "
                            f"{sizes[0]:,} matters, {LABEL[kind]}", counts[-1], counts[0], "statements",
                            "the same figures over a smaller practice", goal=1.0, higher_is_better=False))
    return lines


def _rss_kb() -> int:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS"))


def _export_line(total_mb: int = 1000, files: int = 10) -> str:
    from bench.export_setup import matter_with_files
    from portal_app.services.records.export import archive

    with database("sqlite"):
        reference = matter_with_files(files, total_mb * 1_000_000 // files)
        samples, done = [], threading.Event()

        def sample():
            while not done.is_set():
                samples.append(_rss_kb())
                time.sleep(0.05)

        baseline = _rss_kb()
        watcher = threading.Thread(target=sample, daemon=True)
        watcher.start()
        start, size = time.perf_counter(), 0
        with open(os.devnull, "wb") as sink:
            for piece in archive.stream(archive.prepare(None, reference, via="bench")):
                sink.write(piece)
                size += len(piece)
        seconds = time.perf_counter() - start
        done.set()
        watcher.join()
    return (f"export of one matter with {total_mb:,} MB in {files} documents: {size / 1e6:,.0f} MB ZIP in "
            f"{seconds:.1f}s ({size / 1e6 / seconds:.0f} MB/s); resident memory {baseline / 1024:.0f} MB before, "
            f"peak {max(samples) / 1024:.0f} MB while streaming (+{(max(samples) - baseline) / 1024:.1f} MB)")


def run(smoke: bool = False) -> list:
    if smoke:
        return _insights_lines(SMOKE_SIZES) + [_export_line(total_mb=2, files=2)]
    return _insights_lines(SIZES) + [_export_line()]
