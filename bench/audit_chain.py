"""The cost of the hash chain: appending audit events (lock the head, hash, insert) against plain
inserts of the same rows in the same transactions, and verifying the whole chain."""
from __future__ import annotations

from bench.common import database, kinds, timed
from models import AuditEvent, utcnow
from portal_app.services.kernel import audit, db

EVENTS = 2000


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


def run() -> list[str]:
    lines = []
    for kind in kinds():
        with database(kind):
            chained = timed(_chained, EVENTS)
            verify = timed(_verify)
            plain = timed(_plain_inserts, EVENTS)
        lines.append(
            f"audit chain on {kind}: {EVENTS} appends (one transaction each) {chained:.2f}s vs {plain:.2f}s "
            f"plain inserts = {chained / plain:.2f}x; verify {EVENTS / verify:,.0f} events/s"
        )
    return lines
