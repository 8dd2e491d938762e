"""Expiring documents: passports, I-94s, visas and EADs carry an expiry date; those that expire
within the firm's window (default 180 days) reopen with a note, so the client sends a renewed one.
Takes the clock as a parameter; idempotent (a reopened request is not reopened again)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from models import DocumentRequest, Matter
from portal_app.services.documents.notices import mail_client
from portal_app.services.kernel import audit, db, localtime
from portal_app.services.kernel.settings import get_settings

REOPEN_FROM = ("accepted", "uploaded")


def reopen_expiring(now: datetime, window_days: int | None = None) -> dict:
    """Reopen every expiring item still counted as received. Returns {"reopened": n}."""
    window = window_days if window_days is not None else get_settings().expiry_window_days
    today = localtime.firm_today(now)
    horizon = today + timedelta(days=window)
    reopened = 0
    with db.write() as s:
        due = s.exec(select(DocumentRequest, Matter).join(Matter, Matter.id == DocumentRequest.matter_id)
                     .where(DocumentRequest.expires, DocumentRequest.expiry_date.is_not(None),
                            DocumentRequest.expiry_date <= horizon, DocumentRequest.removed_at.is_(None),
                            DocumentRequest.status.in_(REOPEN_FROM), Matter.status != "closed")).all()
        for request, matter in due:
            expired = request.expiry_date < today
            request.status, request.updated_at = "requested", now
            request.note = "checklist.expired" if expired else "checklist.expiring"
            request.due_date = min(request.expiry_date, today + timedelta(days=30)) if not expired \
                else today + timedelta(days=14)
            mail_client(s, matter, "document_expiring", item=request.title,
                         expiry_date=request.expiry_date.isoformat())
            audit.record(s, "document.expiry_reopened", object_type="document_request", object_id=request.id,
                         matter_id=matter.id, details={"request": request.key,
                                                       "expiry_date": request.expiry_date.isoformat()})
            reopened += 1
    return {"reopened": reopened}
