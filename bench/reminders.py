"""One pass of the reminders job (collect every due reminder, then send every due digest) over a
busy practice: 5,000 matters with 100,000 document requests (and 2,500 invoices, 2,500 deadlines),
on SQLite and PostgreSQL. Prints the time and the SQL statements issued, for the first pass (which
records ~100,000 reminders and sends one digest per person) and for the next pass (nothing new).
The baseline is a plain read of every open document request, the least any pass must do. The pass
must not issue one query per matter: the same pass over a fifth of the practice issues the same
number of statements, apart from the batched inserts."""
from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlmodel import select

from bench.common import LABEL, database, kinds, timed
from bench.results import Figure
from models import (
    CaseType,
    Client,
    Deadline,
    DocumentRequest,
    Invoice,
    Matter,
    MatterMember,
    ReminderItem,
    User,
    new_id,
)
from portal_app.jobs.loop import run_due_once
from portal_app.jobs.registry import JOBS
from portal_app.services.kernel import db
from portal_app.services.matters import case_types

SIZES = [(1_000, 20), (5_000, 20)]  # matters, document requests per matter
SMOKE_SIZES = [(20, 4), (40, 4)]
QUIET_ROUNDS = 3
NOW = datetime.combine(date(2026, 6, 1), time(13, 0), tzinfo=timezone.utc)  # 09:00 in New York


def _rows(model, rows: list[dict]) -> None:
    with db.write() as s:
        for start in range(0, len(rows), 5_000):
            s.execute(sa.insert(model.__table__), rows[start:start + 5_000])


def populate(matters: int, per_matter: int, start: int = 0) -> None:
    """`matters` matters numbered from `start` (a second call adds to the first), with their staff."""
    rng = random.Random(7 + start)
    with db.write() as s:
        case_types.sync(s)
    with db.read() as s:
        case_type = s.exec(select(CaseType.id)).first()
    staff = [{"id": new_id(), "email": f"staff{i}.{start}@firm.example", "full_name": f"Staff {i}", "role": role,
              "is_active": True, "locale": "en", "timezone": "America/New_York", "created_at": NOW}
             for i, role in enumerate(["attorney", "paralegal"] * 5)]
    users, clients, matter_rows, members, requests, invoices, deadlines = list(staff), [], [], [], [], [], []
    for n in range(start, start + matters):
        user, client, matter = new_id(), new_id(), new_id()
        users.append({"id": user, "email": f"client{n}@example.com", "full_name": f"Client {n}", "role": "client",
                      "is_active": True, "locale": "es" if n % 3 == 0 else "en", "timezone": "America/New_York",
                      "created_at": NOW})
        clients.append({"id": client, "user_id": user, "full_name": f"Client {n}", "email": f"client{n}@example.com",
                        "preferred_language": "en", "created_at": NOW})
        attorney, paralegal = staff[2 * (n % 5)]["id"], staff[2 * (n % 5) + 1]["id"]
        matter_rows.append({"id": matter, "reference": f"B-{n:05d}", "title": f"Matter {n}", "case_type_id": case_type,
                            "client_id": client, "responsible_attorney_id": attorney, "status": "open",
                            "receipt_numbers": [], "opened_at": NOW, "shared_with_organization": False,
                            "organization_pays": False})
        members += [{"matter_id": matter, "user_id": attorney, "role_on_matter": "attorney", "added_at": NOW},
                    {"matter_id": matter, "user_id": paralegal, "role_on_matter": "paralegal", "added_at": NOW}]
        for k in range(per_matter):
            asked = NOW - timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 23))
            requests.append({"id": new_id(), "matter_id": matter, "title": f"Document {k}", "status": "requested",
                             "accepted_types": [], "requested_at": asked, "updated_at": asked})
        if n % 2 == 0:
            invoices.append({"id": new_id(), "number": f"INV-{n:05d}", "matter_id": matter, "kind": "milestone",
                             "status": "sent", "total_cents": 50_000, "due_date": NOW.date() + timedelta(days=rng.randint(-20, 5)),
                             "created_at": NOW})
            deadlines.append({"id": new_id(), "matter_id": matter, "kind": "biometrics", "title": "Biometrics appointment",
                              "due_date": NOW.date() + timedelta(days=rng.randint(0, 40)), "client_visible": True,
                              "source": "manual", "created_at": NOW})
    for model, rows in ((User, users), (Client, clients), (Matter, matter_rows), (MatterMember, members),
                        (DocumentRequest, requests), (Invoice, invoices), (Deadline, deadlines)):
        _rows(model, rows)


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args, **kwargs) -> None:
        self.count += 1


def _counted(fn, *args) -> tuple[float, int]:
    counter = Counter()
    engine = db.get_engine()
    sa.event.listen(engine, "before_cursor_execute", counter)
    try:
        seconds = timed(fn, *args)
    finally:
        sa.event.remove(engine, "before_cursor_execute", counter)
    return seconds, counter.count


def _baseline() -> None:
    with db.read() as s:
        s.exec(select(DocumentRequest.id, DocumentRequest.matter_id, DocumentRequest.requested_at)
               .where(DocumentRequest.status.in_(["requested", "rejected"]))).all()


def one_pass(now: datetime) -> None:
    jobs = [j for j in JOBS if j.name.startswith("reminders.")]
    result = run_due_once(now, jobs=jobs, holder=f"bench-{uuid.uuid4().hex[:4]}")
    assert len(result) == 2 and not any("error" in r for r in result.values()), result


def run(smoke: bool = False) -> list:
    out: list = []
    for kind in kinds():
        measured = []
        for matters, per_matter in SMOKE_SIZES if smoke else SIZES:
            with database(kind):
                populate(matters, per_matter)
                first, first_q = _counted(one_pass, NOW)
                with db.read() as s:
                    items = s.exec(select(sa.func.count()).select_from(ReminderItem)).one()
                base, again = float("inf"), float("inf")
                for hour in range(1, QUIET_ROUNDS + 1):  # best of a few, alternating (the machine is shared)
                    base = min(base, _counted(_baseline)[0])
                    seconds, again_q = _counted(one_pass, NOW + timedelta(hours=hour))
                    again = min(again, seconds)
            measured.append((matters, again_q))
            out.append(f"reminders on {kind}, {matters:,} matters / {matters * per_matter:,} document requests: "
                       f"first pass {first:.2f}s, {first_q} statements ({items:,} reminders, digests sent); "
                       f"next pass {again:.2f}s, {again_q} statements; baseline read {base:.2f}s (best of {QUIET_ROUNDS})")
        matters, per_matter = (SMOKE_SIZES if smoke else SIZES)[-1]
        out.append(Figure(f"reminders.{kind}", f"Reminder pass with nothing new, {matters:,} matters / "
                          f"{matters * per_matter:,} requests, {LABEL[kind]}", again, base, "s",
                          "a plain read of the open requests", goal=2.0, higher_is_better=False,
                          note=f"{again_q} statements"))
        out.append(Figure(f"reminders_statements.{kind}", f"Reminder pass statements, {measured[-1][0]:,} vs "
                          f"{measured[0][0]:,} matters, {LABEL[kind]}", measured[-1][1], measured[0][1], "statements",
                          "the same pass over a smaller practice", goal=1.0, higher_is_better=False))
    return out
