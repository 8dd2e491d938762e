"""The hourly reminders pass over a practice: with nothing new it offers and records nothing (it
used to re-offer every staff reminder dated before its look-back window, which the unique key then
refused), and it issues
the same number of SQL statements whatever the number of matters (nothing is read per matter or
per person). The practice is bench/reminders.py's, at a small size."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import select

from bench.common import StatementCounter
from bench.reminders import NOW, one_pass, populate
from models import ReminderItem
from portal_app.services.kernel import db


def _items() -> int:
    with db.read() as s:
        return s.exec(select(sa.func.count()).select_from(ReminderItem)).one()


def _quiet_pass(hours: int) -> int:
    before = _items()
    with StatementCounter() as statements:
        one_pass(NOW + timedelta(hours=hours))
    assert _items() == before and "reminder_item" not in statements.inserted_into  # nothing new: nothing offered, nothing recorded
    return statements.count


def test_a_pass_with_nothing_new_issues_the_same_statements_at_two_sizes(portal_db):
    populate(15, 5)
    one_pass(NOW)
    assert _items() > 15  # the first pass recorded the reminders that were due
    small = _quiet_pass(1)
    populate(60, 5, start=15)
    one_pass(NOW + timedelta(hours=2))
    large = _quiet_pass(3)
    assert large == small, (small, large)
