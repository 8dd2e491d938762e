"""Saving intake answers while a client types, so that nothing typed is lost whatever the timing.

Every change goes to the server at once (no shared debounce in the browser, which kept only the
last field typed); the page state keeps what is not yet stored in `pending` (the latest value of each
field) and one background loop per tab stores it: it waits a moment to gather a burst (Tab between
fields, autofill), stores the whole batch, and goes on while more arrives. A batch that fails for
a passing reason (the database busy, a lost connection) goes back in front of what came after it
and is tried again with a growing pause; an answer the service refuses is named and dropped (the
next change to that field is tried afresh), the other answers of the batch are still stored."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Awaitable, Callable

from portal_app.services.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound, PortalError

GATHER_SECONDS = 0.35
RETRY_SECONDS = (1.0, 2.0, 4.0, 8.0, 15.0)

Save = Callable[[dict[str, Any]], Awaitable[datetime]]


@dataclass
class Outcome:
    saved_at: datetime | None = None
    refused: dict[str, PortalError] = field(default_factory=dict)  # key -> why (dropped)
    retry: dict[str, Any] = field(default_factory=dict)  # to try again later
    final: PortalError | None = None  # stop: the form was submitted elsewhere, or access went


def merge_back(retry: dict[str, Any], pending: dict[str, Any]) -> dict[str, Any]:
    """What failed goes back, but a value typed since then wins."""
    return {**retry, **pending}


async def save_batch(save: Save, batch: dict[str, Any]) -> Outcome:
    """Store `batch` with `save`; on a refusal, store the answers one by one to keep the good ones."""
    try:
        return Outcome(saved_at=await save(batch))
    except (Conflict, NotAllowed, NotFound) as exc:
        return Outcome(final=exc)
    except InvalidInput as exc:
        if len(batch) == 1:
            return Outcome(refused={key: exc for key in batch})
    except Exception:  # noqa: BLE001 - a passing failure: keep everything and try again
        return Outcome(retry=dict(batch))
    outcome = Outcome()
    for key, value in batch.items():
        one = await save_batch(save, {key: value})
        outcome.saved_at = one.saved_at or outcome.saved_at
        outcome.refused.update(one.refused)
        outcome.retry.update(one.retry)
        outcome.final = outcome.final or one.final
    return outcome


def retry_pause(attempt: int) -> float:
    return RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]
