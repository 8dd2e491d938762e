"""Defensible deletion: an administrator approves a listed review, then the matter's due files are
crypto-shredded and removed, and a deletion certificate goes into the audit chain.

Order of work, each step safe to repeat after a crash:
1. approve: the approval is an audit event (its sequence number is kept on the review);
2. shred (one transaction, with the hold re-checked): every due version's wrapped data key is
   destroyed — the only copy of the key that opens it — and the intake answers are erased;
   from here the content cannot be read by anyone, from storage or from any copy of it;
3. remove: each stored object is deleted from the backend (local folder or S3) and checked gone;
4. certify: the certificate (names, sizes, SHA-256, when, whose approval, which policy; no content)
   is appended to the audit chain and its sequence number kept on the review.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from models import DocumentVersion, IntakeResponse, Matter, RetentionReview, User
from portal_app.services.files.storage import get_storage
from portal_app.services.kernel import audit, db, localtime, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.clock import utcnow
from portal_app.services.kernel.errors import Conflict, InvalidInput
from portal_app.services.kernel.settings import get_settings
from portal_app.services.records import holds
from portal_app.services.records.due import files_due


@dataclass(frozen=True)
class Outcome:
    review_id: str
    files: int
    bytes: int
    certificate_seq: int


def _review(s: Session, review_id: str) -> tuple[RetentionReview, Matter]:
    review = s.get(RetentionReview, policy.parse_uuid(review_id))
    if review is None:
        raise InvalidInput("retention.review_unknown")
    return review, s.get(Matter, review.matter_id)


def approve(actor: Actor, review_id: str, now: datetime | None = None) -> Outcome:
    """Approve a pending review (administrators only) and carry the deletion out."""
    policy.require(actor, "retention.approve")
    with db.write() as s:
        review, matter = _review(s, review_id)
        if review.status != "pending":
            raise Conflict("retention.review_not_pending")
        if matter.status != "closed":
            raise Conflict("retention.matter_reopened")
        if holds.is_held(s, matter.id):
            raise Conflict("retention.matter_held")
        review.status, review.decided_by_id, review.decided_at = "approved", actor.user_id, now or utcnow()
        event = audit.record(s, "retention.deletion_approved", actor=actor, object_type="retention_review",
                             object_id=review.id, matter_id=matter.id,
                             details={"policy": review.policy_scope, "keep_months": review.keep_months,
                                      "closed_on": review.closed_on.isoformat(), "files": review.files_due})
        review.approval_seq = event.seq
    return carry_out(review_id, now)


def cancel(actor: Actor, review_id: str, note: str) -> None:
    policy.require(actor, "retention.approve")
    note = " ".join(str(note or "").split())[:500]
    with db.write() as s:
        review, matter = _review(s, review_id)
        if review.status != "pending":
            raise Conflict("retention.review_not_pending")
        review.status, review.decided_by_id, review.decided_at, review.note = "cancelled", actor.user_id, utcnow(), note
        audit.record(s, "retention.review_cancelled", actor=actor, object_type="retention_review",
                     object_id=review.id, matter_id=matter.id, details={"note": note})


def carry_out(review_id: str, now: datetime | None = None) -> Outcome:
    """Steps 2-4 for an approved (or half-done) review. Repeating it finishes what a crash left."""
    now = now or utcnow()
    with db.read() as s:
        review, _matter = _review(s, review_id)
        status = review.status
    if status == "deleted":
        return Outcome(str(review.id), len(review.summary.get("files", [])),
                       sum(f["size"] for f in review.summary.get("files", [])), review.certificate_seq or 0)
    if status == "approved":
        _shred(review_id, now)
    elif status != "shredded":
        raise Conflict("retention.review_not_approved")
    with db.read() as s:
        files = s.get(RetentionReview, review.id).summary["files"]
    storage = get_storage()
    for entry in files:
        storage.delete(entry["storage_key"])
        entry["object_removed"] = not storage.exists(entry["storage_key"])
    return _certify(review_id, files, storage.name, now)


def _shred(review_id: str, now: datetime) -> None:
    with db.write() as s:
        review, matter = _review(s, review_id)
        if holds.is_held(s, matter.id):
            raise Conflict("retention.matter_held")
        today = localtime.today(now, get_settings().firm_timezone)
        due = files_due(s, matter.id, review.closed_on, review.keep_months, today)
        files = [{"version_id": str(f.version_id), "document": f.document, "name": f.name, "kind": f.kind,
                  "size": f.size, "sha256": f.sha256, "storage_key": f.storage_key} for f in due]
        ids = [f.version_id for f in due]
        for version in s.exec(select(DocumentVersion).where(DocumentVersion.id.in_(ids))).all():
            version.wrapped_key, version.shredded_at = "", now  # the data key is gone: crypto-shredded
        erased = 0
        for response in s.exec(select(IntakeResponse).where(IntakeResponse.matter_id == matter.id)).all():
            erased += len(response.answers or {})
            response.answers, response.status, response.updated_at = {}, "erased", now
        review.summary = {"files": files, "intake_answers_erased": erased, "shredded_at": now.isoformat()}
        review.status = "shredded"


def _certify(review_id: str, files: list[dict], backend: str, now: datetime) -> Outcome:
    with db.write() as s:
        review, matter = _review(s, review_id)
        approver = s.get(User, review.decided_by_id)
        certificate = {
            "matter": matter.reference, "review": str(review.id),
            "policy": {"scope": review.policy_scope, "keep_months": review.keep_months,
                       "closed_on": review.closed_on.isoformat(), "due_on": review.due_on.isoformat()},
            "approval": {"by": approver.full_name if approver else "", "by_id": str(review.decided_by_id),
                         "at": review.decided_at.isoformat(), "audit_seq": review.approval_seq},
            "deleted_at": now.isoformat(), "storage": backend, "method": "data key destroyed, object removed",
            "files": [{k: f[k] for k in ("version_id", "document", "name", "kind", "size", "sha256",
                                          "object_removed")} for f in files],
            "intake_answers_erased": review.summary.get("intake_answers_erased", 0),
            "kept": "invoices, payments, receipts and ledger entries (trust-accounting records, ABA Model Rule 1.15)",
        }
        event = audit.record(s, "retention.deletion_certificate", object_type="retention_review", object_id=review.id,
                             matter_id=matter.id, details=certificate)
        review.status, review.certificate_seq, review.deleted_at = "deleted", event.seq, now
        review.summary = {**review.summary, "files": files}
        return Outcome(str(review.id), len(files), sum(f["size"] for f in files), event.seq)
