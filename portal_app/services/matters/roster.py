"""The employer's roster: the employees an organization sponsors (the beneficiaries of the matters
the firm shared with it), each case's status, and the expiry dates the employer plans around -
status, visa, I-94 and work permit (EAD) - soonest first.

Where those dates live: the status, visa and I-94 expiries the firm tracks as deadlines (of those
the firm shows outside the firm, policy.deadline_scope), and the expiry date recorded on the
employee's visa, I-94 and EAD items (services/documents/expiry.py reopens those). From the items
only the date is read: the HR contact never sees the employee's document itself (the
employer-items-only rule). Where a date is known from both, the earlier counts. "Days left" is
counted from the reader's own local date."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import select

from models import Client, Deadline, DocumentRequest, Matter, Organization
from portal_app.services.kernel import db, i18n, localtime, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.matter_summaries import summary_query, to_summary

KINDS = ("status", "visa", "i94", "ead")
FROM_DEADLINES = {"status_expiry": "status", "visa_expiry": "visa", "i94_expiry": "i94"}
FROM_ITEMS = {"visa_stamps": "visa", "i94": "i94", "ead_card": "ead"}


@dataclass(frozen=True)
class Expiry:
    kind: str  # one of KINDS
    date: date
    days_left: int


@dataclass(frozen=True)
class RosterRow:
    matter_id: str
    reference: str
    employee: str
    case_type: str
    status: str
    expiries: dict[str, Expiry] = field(default_factory=dict)  # the earliest date of each kind

    @property
    def first(self) -> Expiry | None:
        """What expires first on this case (None: no date known)."""
        return min(self.expiries.values(), key=lambda e: e.date, default=None)


@dataclass(frozen=True)
class Roster:
    organization_name: str
    rows: list[RosterRow]


def roster(actor: Actor, now: datetime | None = None) -> Roster:
    """The actor's organization's sponsored employees, what expires first at the top (cases with no
    date known last, by name)."""
    policy.require(actor, "employer.portal")
    today = localtime.today_for(actor, now)
    with db.read() as s:
        organization = s.get(Organization, actor.organization_id) if actor.organization_id else None
        matters = [to_summary(r) for r in s.exec(summary_query().where(policy.matter_scope(actor, "matter.view"))
                                                 .order_by(Client.full_name, Matter.reference)).all()]
        ids = [policy.parse_uuid(m.id) for m in matters]
        found = _dates(s, actor, ids)
    rows = [RosterRow(m.id, m.reference, m.client_name, i18n.content(m.case_type, actor.locale), m.status,
                      {kind: Expiry(kind, when, (when - today).days) for kind, when in found.get(m.id, {}).items()})
            for m in matters]
    rows.sort(key=lambda r: (r.first is None, r.first.date if r.first else date.max, r.employee.casefold()))
    return Roster(organization.name if organization else "", rows)


def _dates(s, actor: Actor, matter_ids: list) -> dict[str, dict[str, date]]:
    """{matter id: {kind: the earliest date}} from the deadlines and the items."""
    deadlines = s.exec(select(Deadline.matter_id, Deadline.kind, Deadline.due_date).where(
        Deadline.matter_id.in_(matter_ids), Deadline.kind.in_(sorted(FROM_DEADLINES)),
        Deadline.completed_at.is_(None), policy.deadline_scope(actor))).all()
    items = s.exec(select(DocumentRequest.matter_id, DocumentRequest.key, DocumentRequest.expiry_date).where(
        DocumentRequest.matter_id.in_(matter_ids), DocumentRequest.key.in_(sorted(FROM_ITEMS)),
        DocumentRequest.expiry_date.is_not(None), DocumentRequest.removed_at.is_(None))).all()
    found: dict[str, dict[str, date]] = {}
    pairs = [(m, FROM_DEADLINES[k], d) for m, k, d in deadlines] + [(m, FROM_ITEMS[k], d) for m, k, d in items]
    for matter_id, kind, when in pairs:
        kinds = found.setdefault(str(matter_id), {})
        kinds[kind] = min(when, kinds.get(kind, date.max))
    return found
