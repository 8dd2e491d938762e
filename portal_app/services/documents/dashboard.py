"""The staff checklist dashboard: every matter I may see with its document progress, filtered by
case type, attorney and status, and sorted so that what needs action comes first."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from models import CaseType, Matter, User
from portal_app.services.documents.checklist_views import item_view, progress_of, versions_by_request, visible_requests
from portal_app.services.kernel import db, localtime, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.matter_summaries import summary_query

STATUS_FILTERS = ("needs_review", "missing", "overdue", "complete")


@dataclass(frozen=True)
class DashboardRow:
    matter_id: str
    reference: str
    client: str
    case_type: str
    case_type_code: str
    attorney: str
    attorney_id: str
    total: int
    percent_complete: int
    missing: int
    awaiting_review: int
    overdue: int


@dataclass(frozen=True)
class DashboardFilters:
    case_types: list[tuple[str, str]]  # (code, name)
    attorneys: list[tuple[str, str]]  # (user id, name)


def _matches(row: DashboardRow, case_type: str, attorney: str, status: str) -> bool:
    if case_type and row.case_type_code != case_type:
        return False
    if attorney and row.attorney_id != attorney:
        return False
    return {"": True, "needs_review": row.awaiting_review > 0, "missing": row.missing > 0,
            "overdue": row.overdue > 0, "complete": row.percent_complete == 100}.get(status, True)


def rows(actor: Actor, *, case_type: str = "", attorney: str = "", status: str = "",
         now: datetime | None = None) -> list[DashboardRow]:
    policy.require(actor, "staff.dashboard")
    with db.read() as s:
        found = s.exec(summary_query().add_columns(CaseType.code)
                       .where(policy.matter_scope(actor, "document.view"), Matter.status != "closed")).all()
        matter_ids = [r[0].id for r in found]
        requests = [r for r in visible_requests(s, actor, matter_ids) if r.removed_at is None]
        versions, today = versions_by_request(s, [r.id for r in requests]), localtime.today_for(actor, now)
        by_matter: dict[uuid.UUID, list] = {}
        for request in requests:
            by_matter.setdefault(request.matter_id, []).append(item_view(request, versions.get(request.id, []), today, ""))
    result = []
    for matter, case_type_name, client_name, attorney_name, _org, code in found:
        p = progress_of(by_matter.get(matter.id, []))
        row = DashboardRow(str(matter.id), matter.reference, client_name, case_type_name, code, attorney_name or "",
                           str(matter.responsible_attorney_id or ""), p.total, p.percent_complete, p.missing,
                           p.awaiting_review, p.overdue)
        if _matches(row, case_type, attorney, status):
            result.append(row)
    result.sort(key=lambda r: (-r.awaiting_review, -r.overdue, -r.missing, r.reference))
    return result


def filters(actor: Actor) -> DashboardFilters:
    policy.require(actor, "staff.dashboard")
    with db.read() as s:
        types = s.exec(select(CaseType.code, CaseType.name).where(CaseType.is_active).order_by(CaseType.name)).all()
        attorneys = s.exec(select(User.id, User.full_name).where(policy.responsible_attorney_candidates(), User.is_active)
                           .order_by(User.full_name)).all()
        return DashboardFilters([(c, n) for c, n in types], [(str(i), n) for i, n in attorneys])
