"""intake_saving: a batch that fails for a passing reason is kept and tried again; a refused answer
is named and the others of its batch are still stored; what was typed since a failure wins."""
from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from sqlalchemy.exc import OperationalError

from portal_app.pages.documents import intake_saving
from portal_app.services.kernel.errors import Conflict, InvalidInput

WHEN = datetime(2026, 3, 8, 6, 56, tzinfo=timezone.utc)


class FakeServer:
    def __init__(self, fail_times: int = 0, refuse: frozenset[str] = frozenset()):
        self.stored: dict = {}
        self.fail_times, self.refuse, self.calls = fail_times, refuse, 0

    async def save(self, batch: dict) -> datetime:
        self.calls += 1
        if self.fail_times:
            self.fail_times -= 1
            raise OperationalError("UPDATE", {}, Exception("database is locked"))
        if self.refuse & set(batch):
            raise InvalidInput("intake.number_invalid", low=0, high=20, question="How many")
        self.stored.update(batch)
        return WHEN


def test_a_passing_failure_keeps_the_batch_for_a_retry():
    server = FakeServer(fail_times=1)
    outcome = asyncio.run(intake_saving.save_batch(server.save, {"country_of_birth": "China", "phone": "+1 555"}))
    assert outcome.retry == {"country_of_birth": "China", "phone": "+1 555"} and outcome.saved_at is None
    pending = intake_saving.merge_back(outcome.retry, {"phone": "+1 555 0100"})  # typed since: wins
    assert pending == {"country_of_birth": "China", "phone": "+1 555 0100"}
    again = asyncio.run(intake_saving.save_batch(server.save, pending))
    assert again.saved_at == WHEN and server.stored == pending


def test_a_refused_answer_is_named_and_the_others_are_stored():
    server = FakeServer(refuse=frozenset({"prior_marriages"}))
    outcome = asyncio.run(intake_saving.save_batch(server.save, {"full_name": "Wei", "prior_marriages": "x"}))
    assert set(outcome.refused) == {"prior_marriages"} and not outcome.retry
    assert server.stored == {"full_name": "Wei"} and outcome.saved_at == WHEN


def test_a_submitted_form_stops_the_loop():
    async def submitted(_batch):
        raise Conflict("intake.already_submitted")

    outcome = asyncio.run(intake_saving.save_batch(submitted, {"full_name": "Wei"}))
    assert outcome.final is not None and not outcome.retry


def test_the_pause_grows_and_stays_bounded():
    pauses = [intake_saving.retry_pause(n) for n in range(10)]
    assert pauses == sorted(pauses) and pauses[-1] == intake_saving.RETRY_SECONDS[-1]
