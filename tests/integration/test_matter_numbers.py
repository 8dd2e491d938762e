"""Matter numbers are handed out atomically: matters opened at the same moment by several staff
never share a number (the old COUNT(*)+1 gave two of them the same one), numbering follows
references made before the counter existed, and every year starts its own run."""
from __future__ import annotations

import threading
import uuid

from sqlmodel import select

from models import Matter
from portal_app.services.kernel import db
from portal_app.services.matters import records
from tests.world import build_world

OPENERS = 8


def _open_at_once(world, count: int) -> tuple[list[str], list[BaseException]]:
    start, ids, errors = threading.Barrier(count), [], []

    def open_one(n: int) -> None:
        try:
            start.wait()
            ids.append(records.open_matter(world.actor("attorney"), client_id=str(world.clients["client"].id),
                                           case_type_code="N400", title=f"Naturalization {n}"))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=open_one, args=(n,)) for n in range(count)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return ids, errors


def _references(ids: list[str]) -> list[str]:
    with db.read() as s:
        return sorted(s.exec(select(Matter.reference).where(Matter.id.in_([uuid.UUID(i) for i in ids]))))


def test_matters_opened_at_once_get_different_consecutive_numbers(portal_db):
    world = build_world()
    ids, errors = _open_at_once(world, OPENERS)
    assert errors == [] and len(ids) == OPENERS
    refs = _references(ids)
    year = refs[0].split("-")[1]
    assert refs == [f"MTR-{year}-{n:04d}" for n in range(1, OPENERS + 1)]


def test_numbering_follows_references_made_before_the_counter(portal_db):
    world = build_world()
    with db.write() as s:
        first = world.matters["own"]
        s.get(Matter, first.id).reference = "MTR-2031-0041"
        assert records.next_reference(s, 2031) == "MTR-2031-0042"
        assert records.next_reference(s, 2031) == "MTR-2031-0043"
        assert records.next_reference(s, 2032) == "MTR-2032-0001"
