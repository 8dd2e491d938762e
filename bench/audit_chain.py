"""The cost of the hash chain: appending audit events (lock the head, hash, insert) against plain
inserts of the same rows in the same transactions, and verifying the whole chain."""
from __future__ import annotations

from bench.common import LABEL, database, kinds, timed
from bench.results import Figure
from models import AuditEvent, utcnow
from portal_app.services.kernel import audit, db

EVENTS, SMOKE_EVENTS = 2000, 40


def _plain_inserts(n: int) -> None:
    for i in range(n):
        with db.write() as s:
            s.add(AuditEvent(seq=10_000_000 + i, occurred_at=utcnow(), action="bench.plain", object_id=str(i),
                             details={"n": i}, prev_hash="", entry_hash=""))


def _chained(n: int) -> None:
    for i in range(n):
        with db.write() as s:
            audit.record(s, "bench.chained", object_id=str(i), details={"n": i})


def _verify() -> None:
    with db.read() as s:
        assert audit.verify(s).ok


def run(smoke: bool = False) -> list:
    events, out = SMOKE_EVENTS if smoke else EVENTS, []
    for kind in kinds():
        with database(kind):
            chained = timed(_chained, events)
            verify = timed(_verify)
            plain = timed(_plain_inserts, events)
        out.append(Figure(f"audit_append.{kind}", f"Audit append, {events:,} events, one transaction each, {LABEL[kind]}",
                          chained, plain, "s", "plain inserts of the same rows", goal=None, higher_is_better=False,
                          note=f"verify {events / verify:,.0f} events/s"))
    return out
