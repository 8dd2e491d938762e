"""The background loop, started with the app as a Reflex lifespan task.

It runs the due jobs every few seconds, each in a thread so the event loop never waits.
Today that is delivering the mail outbox; reminders, webhook deliveries and status polling join it.
"""
from __future__ import annotations

import asyncio
import logging
import os

from portal_app.services import mail

log = logging.getLogger("portal.jobs")
INTERVAL_SECONDS = float(os.environ.get("PORTAL_JOBS_INTERVAL", "5"))


def run_due_once() -> dict[str, int]:
    return {"mail_sent": mail.deliver_pending()}


async def background_loop() -> None:
    while True:
        try:
            await asyncio.to_thread(run_due_once)
        except Exception:  # noqa: BLE001 - one bad pass must not stop the loop
            log.exception("background jobs pass failed")
        await asyncio.sleep(INTERVAL_SECONDS)
