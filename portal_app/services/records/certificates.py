"""Checking a deletion certificate later: the audit chain verifies end to end; the certificate and
the approval it names are in it, in that order, for the same review, the approval by an
administrator; every file it lists is shredded (no data key), its object gone from storage, and
its recorded size and SHA-256 are the ones the certificate states."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select

from models import AuditEvent, DocumentVersion, RetentionReview
from portal_app.services.files.storage import get_storage
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput


@dataclass(frozen=True)
class CertificateCheck:
    ok: bool
    problems: list[str] = field(default_factory=list)
    certificate: dict = field(default_factory=dict)


def verify(actor: Actor | None, review_id: str) -> CertificateCheck:
    """None as actor: the command line (the operator of the machine)."""
    if actor is not None:
        policy.require(actor, "retention.view")
    with db.read() as s:
        review = s.get(RetentionReview, policy.parse_uuid(review_id))
        if review is None or review.certificate_seq is None:
            raise InvalidInput("retention.certificate_unknown")
        chain = audit.verify(s)
        cert = s.get(AuditEvent, review.certificate_seq)
        approval = s.get(AuditEvent, review.approval_seq) if review.approval_seq else None
        problems = [] if chain.ok else [f"audit chain broken at event {chain.first_bad_seq}: {chain.reason}"]
        problems += _event_problems(cert, approval, str(review.id))
        files = (cert.details.get("files", []) if cert else [])
        versions = {str(v.id): v for v in s.exec(select(DocumentVersion).where(
            DocumentVersion.id.in_([policy.parse_uuid(f["version_id"]) for f in files]))).all()}
    storage = get_storage()
    for f in files:
        version = versions.get(f["version_id"])
        if version is None or version.shredded_at is None or version.wrapped_key:
            problems.append(f"{f['name']}: its data key still exists")
        elif version.sha256 != f["sha256"] or version.size_bytes != f["size"]:
            problems.append(f"{f['name']}: size or SHA-256 differ from the record")
        elif storage.exists(version.storage_key):
            problems.append(f"{f['name']}: the stored object is still there")
    return CertificateCheck(not problems, problems, dict(cert.details) if cert else {})


def _event_problems(cert: AuditEvent | None, approval: AuditEvent | None, review_id: str) -> list[str]:
    if cert is None or cert.action != "retention.deletion_certificate" or cert.object_id != review_id:
        return ["the certificate is not in the audit chain"]
    if approval is None or approval.action != "retention.deletion_approved" or approval.object_id != review_id:
        return ["no approval for this review is in the audit chain"]
    if approval.seq >= cert.seq:
        return ["the approval comes after the deletion"]
    if approval.actor_role != "admin":
        return ["the approval was not given by an administrator"]
    if cert.details.get("approval", {}).get("audit_seq") != approval.seq:
        return ["the certificate names another approval"]
    return []
