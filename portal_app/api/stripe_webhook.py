"""POST /api/stripe/webhook: Stripe's (and the sandbox's) signed payment events.

Reads the raw body (never re-serialized), hands it to the service, and answers 400 with no change
on a bad signature, 200 for processed, duplicate and unknown events, 409 for an event that cannot be
placed yet (a refund before a success the processor does not report yet: nothing was stored, Stripe
delivers it again), and 500 when processing failed (the transaction rolled back, so Stripe's retry
gets a clean second chance)."""
from __future__ import annotations

import asyncio
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from portal_app.services.billing.payments import events as stripe_events
from portal_app.services.billing.payments.processor import ProcessorUnavailable, SignatureInvalid

log = logging.getLogger("portal.stripe")


async def stripe_webhook(request: Request) -> Response:
    payload = await request.body()
    signature = request.headers.get("stripe-signature")
    try:
        outcome = await asyncio.to_thread(stripe_events.receive, payload, signature)
    except SignatureInvalid:
        return JSONResponse({"error": "signature", "message": "The signature does not verify."}, status_code=400)
    except ProcessorUnavailable:
        log.warning("payment processor unavailable while handling a webhook; it will be retried")
        return JSONResponse({"error": "retry", "message": "Try again later."}, status_code=503)
    except Exception:  # noqa: BLE001 - rolled back; the sender retries
        log.exception("webhook processing failed")
        return JSONResponse({"error": "server_error", "message": "Processing failed; retry later."}, status_code=500)
    if outcome.result == "deferred":
        log.info("webhook %s (%s) cannot be placed yet; not consumed, Stripe will retry", outcome.event_id,
                 outcome.event_type)
        return JSONResponse({"error": "not_yet", "message": "This event cannot be placed yet; deliver it again."},
                            status_code=409)
    return JSONResponse({"received": True, "result": outcome.result})


ROUTES = [Route("/api/stripe/webhook", stripe_webhook, methods=["POST"])]
