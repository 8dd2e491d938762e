"""The daily retention job: list the closed matters whose documents fell due under their policy.

It only lists (a pending review per matter, audited); nothing is deleted until an administrator
approves (records/deletion.py). Matters under a legal hold, reopened, or already waiting are
skipped. Dates are the firm's local dates. One grouped read whatever the number of matters."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from models import CaseType, Document, DocumentVersion, Matter, RetentionReview
from portal_app.services.kernel import audit, db, localtime
from portal_app.services.kernel.settings import get_settings
from portal_app.services.records import holds
from portal_app.services.records.policies import TRUST_KINDS, TRUST_RECORD_MONTHS, add_months, load, months_for

OPEN_REVIEW = ("pending", "approved", "shredded")


@dataclass(frozen=True)
class DueFile:
    version_id: uuid.UUID
    document: str
    name: str
    kind: str
    size: int
    sha256: str
    storage_key: str


def due_dates(closed_on: date, keep_months: int) -> tuple[date, date]:
    """(when documents fall due, when trust-accounting records fall due: never before five years)."""
    return add_months(closed_on, keep_months), add_months(closed_on, max(keep_months, TRUST_RECORD_MONTHS))


def closed_on(matter: Matter) -> date:
    return localtime.today(matter.closed_at, get_settings().firm_timezone)


def files_due(s: Session, matter_id: uuid.UUID, closed: date, keep_months: int, today: date) -> list[DueFile]:
    """The matter's stored files (every version) that may be deleted today under this policy."""
    documents_due, trust_due = due_dates(closed, keep_months)
    rows = s.exec(select(DocumentVersion, Document.kind, Document.display_name)
                  .join(Document, Document.id == DocumentVersion.document_id)
                  .where(Document.matter_id == matter_id, DocumentVersion.shredded_at.is_(None))
                  .order_by(Document.created_at, DocumentVersion.version_no)).all()
    out = []
    for version, kind, title in rows:
        if today >= (trust_due if kind in TRUST_KINDS else documents_due):
            out.append(DueFile(version.id, title, version.stored_name, kind, version.size_bytes, version.sha256,
                               version.storage_key))
    return out


def _candidates(s: Session):
    """Closed matters, not held, not already waiting, with unshredded files: (matter, code, kinds)."""
    waiting = sa.exists().where(RetentionReview.matter_id == Matter.id, RetentionReview.status.in_(OPEN_REVIEW))
    kinds = (select(Document.matter_id, Document.kind, sa.func.count().label("n"),
                    sa.func.sum(DocumentVersion.size_bytes).label("bytes"))
             .join(DocumentVersion, DocumentVersion.document_id == Document.id)
             .where(DocumentVersion.shredded_at.is_(None))
             .group_by(Document.matter_id, Document.kind).subquery("kinds"))
    rows = s.exec(select(Matter, CaseType.code, kinds.c.kind, kinds.c.n, kinds.c.bytes)
                  .join(CaseType, CaseType.id == Matter.case_type_id)
                  .join(kinds, kinds.c.matter_id == Matter.id)
                  .where(Matter.status == "closed", Matter.closed_at.is_not(None), ~holds.active_clause(), ~waiting)
                  ).all()
    grouped: dict[uuid.UUID, tuple[Matter, str, list]] = {}
    for matter, code, kind, n, size in rows:
        grouped.setdefault(matter.id, (matter, code, []))[2].append((kind, int(n), int(size or 0)))
    return grouped.values()


def list_due(now: datetime) -> dict[str, int]:
    """The daily job: a pending review for each matter with files due today. Idempotent."""
    today = localtime.today(now, get_settings().firm_timezone)
    listed = 0
    with db.write() as s:
        policies = load(s)
        for matter, code, kinds in _candidates(s):
            scope, months = months_for(policies, code)
            closed = closed_on(matter)
            documents_due, trust_due = due_dates(closed, months)
            due = [(n, b) for kind, n, b in kinds if today >= (trust_due if kind in TRUST_KINDS else documents_due)]
            if not due:
                continue
            review = RetentionReview(matter_id=matter.id, policy_scope=scope, keep_months=months, closed_on=closed,
                                     due_on=documents_due, files_due=sum(n for n, _ in due),
                                     bytes_due=sum(b for _, b in due), listed_at=now)
            s.add(review)
            s.flush()
            audit.record(s, "retention.listed", object_type="retention_review", object_id=review.id,
                         matter_id=matter.id, details={"policy": scope, "keep_months": months,
                                                       "closed_on": closed.isoformat(), "files": review.files_due})
            listed += 1
    return {"listed": listed}
