"""The one query behind every matter header: the matter with its case type, client, responsible
attorney and employer names. Every domain that shows a matter (its list, its checklist, the
dashboard) reads it through here; scoping stays with policy.matter_scope."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select

from models import CaseType, Client, Matter, Organization, User
from portal_app.services.kernel import db


@dataclass(frozen=True)
class MatterSummary:
    id: str
    reference: str
    title: str
    case_type: str
    client_name: str
    status: str
    attorney_name: str
    organization_name: str
    opened_at: datetime


_ATTORNEY = sa.orm.aliased(User, name="responsible_attorney")  # built once: a new alias per call cost more than the query


def _joined(query):
    attorney = _ATTORNEY
    return (
        query.join(CaseType, CaseType.id == Matter.case_type_id)
        .join(Client, Client.id == Matter.client_id)
        .join(attorney, attorney.id == Matter.responsible_attorney_id, isouter=True)
        .join(Organization, Organization.id == Matter.organization_id, isouter=True)
    )


def summary_query():
    return _joined(select(Matter, CaseType.name, Client.full_name, _ATTORNEY.full_name, Organization.name))


def header_columns_query(ids_as_text: bool = False):
    """The same header as plain columns, for lists of many matters (loading each Matter object
    cost most of a 5,000-matter list): (id, reference, responsible attorney id, case type code,
    case type name, client name, attorney name); the two ids as the database's text if asked
    (db.id_text, for a Core read of thousands of rows)."""
    as_read = db.id_text if ids_as_text else (lambda column: column)
    return _joined(select(as_read(Matter.id), Matter.reference, as_read(Matter.responsible_attorney_id), CaseType.code,
                          CaseType.name, Client.full_name, _ATTORNEY.full_name).select_from(Matter))


def to_summary(row) -> MatterSummary:
    matter, case_type, client_name, attorney_name, org_name = row
    return MatterSummary(
        id=str(matter.id), reference=matter.reference, title=matter.title, case_type=case_type,
        client_name=client_name, status=matter.status, attorney_name=attorney_name or "",
        organization_name=org_name or "", opened_at=matter.opened_at,
    )
