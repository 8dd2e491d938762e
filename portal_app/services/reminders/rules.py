"""Which reminder is due today for one item: pure functions over dates, no database.

Documents: days after the request (default 3, 7, 14), then every week. Invoices: days relative to
the due date (default 3 before, on the day, 7 after), then every two weeks. Deadlines: days before
the date (staff 30, 14, 7, 1; the client 14, 7, 1 where the deadline needs them). Only the latest
occurrence that has come is returned: after downtime nobody gets a burst of old reminders.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from portal_app.services.matters.deadline_rules import KINDS

# Deadlines the client must act on themselves (appointments, expiries): they get reminders too.
CLIENT_NEEDED_KINDS = frozenset(code for code, kind in KINDS.items() if kind.needs_client)


@lru_cache(maxsize=4096)  # a pure function of small integers: a reminder pass asks it ~100,000 times for ~60 ages
def after_start(age_days: int, offsets: tuple[int, ...], repeat_days: int) -> int | None:
    """The latest offset reached `age_days` after the start: from the list, then every repeat_days."""
    if not offsets:
        return None
    ordered = sorted(offsets)
    if age_days < ordered[0]:
        return None
    if age_days <= ordered[-1] or repeat_days <= 0:
        return max(o for o in ordered if o <= age_days)
    return ordered[-1] + ((age_days - ordered[-1]) // repeat_days) * repeat_days


def document_occurrence(requested_on: date, today: date, offsets: tuple[int, ...], repeat: int) -> int | None:
    return after_start((today - requested_on).days, offsets, repeat)


def invoice_occurrence(due_on: date, today: date, offsets: tuple[int, ...], repeat: int) -> int | None:
    """Offsets are relative to the due date (negative = before it)."""
    return after_start((today - due_on).days, offsets, repeat)


def deadline_occurrence(due_on: date, today: date, days_before: tuple[int, ...]) -> int | None:
    """The smallest "days before" mark already reached (10 days left -> the 14-day reminder)."""
    left = (due_on - today).days
    if left < 0 or not days_before or left > max(days_before):
        return None
    return min(d for d in days_before if d >= left)
