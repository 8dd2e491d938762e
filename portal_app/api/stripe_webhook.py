"""POST /api/stripe/webhook: Stripe's (and the sandbox's) signed payment events.

Reads the raw body (never re-serialized) and hands it to the inbox, which verifies it and stores
it (one insert). Answers 400 with no change on a bad signature, 200 once the event is stored (or
was stored before: a duplicate), and 500 when it could not be stored (Stripe retries). The books
are posted right after answering, by the inbox's drain in a thread: it starts once deliveries
pause for QUIET seconds (at most MAX_WAIT after the first waiting one) and posts SLICE events at a
time, pausing the same way between slices, so a burst is taken in at full speed (on SQLite the
posting holds the one write lock, and a waiting delivery's busy back-off is slow), and a single
payment is on the client's receipt a moment later. A duplicate delivery starts the drain as well,
for an event whose first worker died before posting it. The job loop drains the inbox too
(payments.inbox, a one-minute lease), so nothing waits on this process staying up. An event that
cannot be placed yet (a refund before its success) waits in the inbox and is tried again there; it
is no longer Stripe's retry that brings it back."""
from __future__ import annotations

import asyncio
import logging
import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from portal_app.services.billing.payments import inbox
from portal_app.services.billing.payments.processor import SignatureInvalid
from portal_app.services.kernel.clock import utcnow

log = logging.getLogger("portal.stripe")
QUIET, MAX_WAIT, SLICE = 0.3, 5.0, 10


class Drain:
    """One drain of the inbox at a time per event loop, started by a stored delivery."""

    def __init__(self) -> None:
        self._task: asyncio.Task | None = None
        self._last = self._first = 0.0

    def kick(self) -> None:
        now = time.monotonic()
        self._first = self._first or now
        self._last = now
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._task = loop.create_task(self._run())

    async def _run(self) -> None:
        while True:
            while (quiet := time.monotonic() - self._last) < QUIET and time.monotonic() - self._first < MAX_WAIT:
                await asyncio.sleep(QUIET - quiet)
            kicked, self._first = self._last, 0.0
            try:
                done = sum((await asyncio.to_thread(inbox.process_due, utcnow(), SLICE)).values())
            except Exception:  # noqa: BLE001 - the job loop drains it again
                log.exception("draining the payment inbox failed; the job loop will try again")
                return
            if done >= SLICE:  # more may wait: go on once deliveries pause (or MAX_WAIT from now)
                self._first = time.monotonic()
            elif self._last == kicked:  # nothing arrived while it ran
                return


DRAIN = Drain()


async def stripe_webhook(request: Request) -> Response:
    payload = await request.body()
    signature = request.headers.get("stripe-signature")
    try:
        outcome = await asyncio.to_thread(inbox.accept, payload, signature)
    except SignatureInvalid:
        return JSONResponse({"error": "signature", "message": "The signature does not verify."}, status_code=400)
    except Exception:  # noqa: BLE001 - nothing was stored; the sender retries
        log.exception("storing a webhook failed")
        return JSONResponse({"error": "server_error", "message": "Storing failed; retry later."}, status_code=500)
    DRAIN.kick()  # a duplicate too: its event may still wait, stored by a worker that died before posting it
    return JSONResponse({"received": True, "result": outcome.result})


ROUTES = [Route("/api/stripe/webhook", stripe_webhook, methods=["POST"])]
