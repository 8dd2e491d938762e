"""Case types, loaded from content/case_types.yaml."""
from __future__ import annotations

from sqlmodel import Session, select

from models import CaseType
from portal_app.services.kernel import content, db


def sync(s: Session) -> int:
    """Insert the case types the database does not have yet; returns how many were added."""
    known = set(s.exec(select(CaseType.code)).all())
    added = 0
    for item in content.load("case_types.yaml"):
        if item["code"] not in known:
            s.add(CaseType(code=item["code"], name=item["name"], description=item.get("description", "")))
            added += 1
    s.flush()
    _sync_content(s)
    return added


def _sync_content(s: Session) -> None:
    """Each case type's first checklist template and intake form, from the content library."""
    from portal_app.services.documents import checklists, intake

    checklists.sync_templates(s)
    intake.sync_forms(s)
    s.flush()
    checklists.backfill(s)


def sync_all() -> int:
    with db.write() as s:
        return sync(s)
