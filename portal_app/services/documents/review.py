"""The staff review loop: accept a version, reject it with a reason the client sees (the request
reopens for a new upload, and the client gets an e-mail), waive a request; record expiry dates;
add or remove items on one matter. Every version is kept; every decision is audited and closes
the review task it answers."""
from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, select

from models import Document, DocumentRequest, DocumentVersion, Matter, utcnow
from portal_app.services.documents import checklists, notices
from portal_app.services.kernel import audit, db, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import Conflict, InvalidInput, NotAllowed
from portal_app.services.tasks import lifecycle as tasks

MAX_REASON = 1000


def _version(s: Session, actor: Actor, version_id: str) -> tuple[DocumentVersion, DocumentRequest, Matter]:
    version = s.get(DocumentVersion, policy.parse_uuid(version_id))
    document = s.get(Document, version.document_id) if version else None
    if document is None or document.kind != "evidence" or document.request_id is None:
        raise NotAllowed()
    request, matter = policy.require_item(s, actor, "document.review", document.request_id)
    return version, request, matter


def _status_after_accept(s: Session, request: DocumentRequest) -> str:
    """Accepted once nothing waits for review and the newest file was accepted; a rejection of the
    newest file still stands (the client must replace it) until a newer file arrives."""
    statuses = s.exec(select(DocumentVersion.review_status).join(Document, Document.id == DocumentVersion.document_id)
                      .where(Document.request_id == request.id, Document.kind == "evidence")
                      .order_by(DocumentVersion.version_no)).all()
    if statuses and statuses[-1] == "rejected":
        return "rejected"
    if "pending" in statuses:
        return "uploaded"
    # two passport photos: one accepted photo is not yet the item
    return "accepted" if statuses.count("accepted") >= checklists.files_needed(request.key) else "requested"


def _decide(s: Session, actor: Actor, version: DocumentVersion, status: str, note: str | None) -> None:
    if version.review_status != "pending":
        raise Conflict("review.already_decided")
    version.review_status, version.review_note = status, note
    version.reviewed_by_id, version.reviewed_at = actor.user_id, utcnow()
    tasks.close_tasks_for(s, subject_type="document_version", subject_id=version.id)


def accept(actor: Actor, version_id: str, expiry_date: date | None = None) -> str:
    """Accept one version; the request is complete once nothing else waits for review."""
    with db.write() as s:
        version, request, matter = _version(s, actor, version_id)
        _decide(s, actor, version, "accepted", None)
        if expiry_date is not None:
            _set_expiry(request, expiry_date)
        if request.status != "waived":
            request.status = _status_after_accept(s, request)
            if request.status != "rejected":
                request.rejection_reason = None
        request.updated_at = utcnow()
        audit.record(s, "document.accepted", actor=actor, object_type="document_version", object_id=version.id,
                     matter_id=matter.id, details={"request": request.key, "version": version.version_no})
        return request.status


def reject(actor: Actor, version_id: str, reason: str) -> None:
    """Reject one version with a reason the client sees; the request reopens and the client is e-mailed."""
    policy.require(actor, "document.review")
    reason = text.line(reason)
    if len(reason) < 5 or len(reason) > MAX_REASON:
        raise InvalidInput("review.reason_required", max=MAX_REASON)
    with db.write() as s:
        version, request, matter = _version(s, actor, version_id)
        _decide(s, actor, version, "rejected", reason)
        request.status, request.rejection_reason, request.updated_at = "rejected", reason, utcnow()
        notices.mail_client(s, matter, "document_rejected", item=request.title, reason=reason, file=version.stored_name)
        audit.record(s, "document.rejected", actor=actor, object_type="document_version", object_id=version.id,
                     matter_id=matter.id, details={"request": request.key, "version": version.version_no})


def waive(actor: Actor, request_id: str, note: str = "") -> None:
    """The firm no longer needs this item (files already sent are kept)."""
    with db.write() as s:
        request, matter = policy.require_item(s, actor, "document.review", request_id)
        if request.status == "waived":
            raise Conflict("review.already_decided")
        request.status, request.note, request.updated_at = "waived", text.paragraph(note, 1000) or None, utcnow()
        request.rejection_reason = None
        for version_id in s.exec(select(DocumentVersion.id).join(Document, Document.id == DocumentVersion.document_id)
                                 .where(Document.request_id == request.id)).all():
            tasks.close_tasks_for(s, subject_type="document_version", subject_id=version_id)
        audit.record(s, "document.waived", actor=actor, object_type="document_request", object_id=request.id,
                     matter_id=matter.id, details={"request": request.key})


def _set_expiry(request: DocumentRequest, expiry_date: date) -> None:
    if not request.expires:
        raise InvalidInput("review.does_not_expire", item=request.title)
    request.expiry_date = expiry_date


def _typed_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        raise InvalidInput("review.date_invalid") from None


def set_expiry(actor: Actor, request_id: str, expiry_date: date | str | None) -> None:
    """Staff, or whoever provides the item, record when a passport, I-94, visa or EAD expires
    (permission first: someone who may not touch the item learns nothing from a bad date)."""
    with db.write() as s:
        request, matter = policy.require_item(s, actor, "document.upload", request_id)
        expiry_date = _typed_date(expiry_date)
        if expiry_date is None:
            request.expiry_date = None
        else:
            _set_expiry(request, expiry_date)
        request.updated_at = utcnow()
        audit.record(s, "document.expiry_set", actor=actor, object_type="document_request", object_id=request.id,
                     matter_id=matter.id, details={"request": request.key, "expiry_date": expiry_date})


def add_item(actor: Actor, matter_id: str, fields: dict) -> str:
    """Ask for something the template does not cover, on this matter only."""
    policy.require(actor, "checklist.edit")
    cleaned = checklists.clean_item_fields(fields)
    with db.write() as s:
        matter = policy.require_matter(s, actor, "checklist.edit", matter_id)
        request = DocumentRequest(matter_id=matter.id, key=f"custom_{uuid.uuid4().hex[:10]}", **cleaned,
                                  due_date=fields.get("due_date") or None)
        s.add(request)
        s.flush()
        audit.record(s, "checklist.item_added", actor=actor, object_type="document_request", object_id=request.id,
                     matter_id=matter.id, details={"title": request.title})
        return str(request.id)


def remove_item(actor: Actor, request_id: str) -> None:
    """Take an item off this matter's checklist (its files, if any, are kept)."""
    with db.write() as s:
        request, matter = policy.require_item(s, actor, "checklist.edit", request_id)
        if request.removed_at is None:
            request.removed_at, request.updated_at = utcnow(), utcnow()
            audit.record(s, "checklist.item_removed", actor=actor, object_type="document_request",
                         object_id=request.id, matter_id=matter.id, details={"request": request.key})
