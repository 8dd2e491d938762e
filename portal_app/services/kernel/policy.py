"""The one place that decides who may do what.

PERMISSIONS is the role x action table. Matter-scoped actions also need the matter to be in the
actor's scope: admins see every matter; other staff the matters they are assigned to (as a
member or as responsible attorney); a client their own matters; an HR contact the matters the
firm shared with their organization, and invoices on those only when the organization pays.
`matter_scope` turns that rule into SQL, so list queries can only return permitted rows, and the
single-row checks below run the very same clause.
"""
from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlmodel import Session, select

from models import Client, Matter, MatterMember
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import NotAllowed, NotFound

ROLES = ("admin", "attorney", "paralegal", "billing", "client", "hr_liaison")
ALL = frozenset(ROLES)
STAFF = frozenset({"admin", "attorney", "paralegal", "billing"})
LEGAL = frozenset({"admin", "attorney", "paralegal"})

PERMISSIONS: dict[str, frozenset[str]] = {
    # matter-scoped
    "matter.view": ALL,
    "matter.edit": LEGAL,
    "matter.assign": frozenset({"admin", "attorney"}),
    "document.view": LEGAL | {"client", "hr_liaison"},
    "document.upload": LEGAL | {"client", "hr_liaison"},
    "document.review": LEGAL,
    "checklist.edit": LEGAL,
    "intake.view": LEGAL | {"client"},
    "intake.fill": LEGAL | {"client"},
    "deadline.view": LEGAL | {"client", "hr_liaison"},
    "deadline.edit": LEGAL,
    "task.view": STAFF,
    "invoice.view": frozenset({"admin", "attorney", "billing", "client", "hr_liaison"}),
    "invoice.edit": frozenset({"admin", "billing"}),
    "invoice.approve": frozenset({"admin", "attorney"}),
    "payment.make": frozenset({"client", "hr_liaison"}),
    "payment.refund": frozenset({"admin", "billing"}),
    "trust.transfer": frozenset({"admin", "billing"}),
    "mail.view": STAFF,
    "mail.retry": STAFF,
    "task.complete": STAFF,
    "payment.record": frozenset({"admin", "billing"}),
    "invoice.approve_expense": frozenset({"client", "hr_liaison"}),
    # records and insights (issue 13)
    "matter.export": LEGAL | {"client"},
    "legal_hold.manage": frozenset({"admin", "attorney"}),
    "cohort.tag": frozenset({"admin", "attorney"}),
    # firm-wide
    "staff.dashboard": STAFF,
    "matter.create": LEGAL,
    "client.invite": LEGAL,
    "template.edit": frozenset({"admin", "attorney"}),
    "ledger.report": frozenset({"admin", "billing"}),
    "user.manage": frozenset({"admin"}),
    "audit.view": frozenset({"admin"}),
    "webhook.manage": frozenset({"admin"}),
    "settings.manage": frozenset({"admin"}),
    "jobs.view": frozenset({"admin"}),
    "session.manage_own": ALL,
    "billing.configure": frozenset({"admin", "billing"}),
    "trust.reconcile": frozenset({"admin", "billing"}),
    # records and insights (issue 13): partners (attorneys) and admins see the firm's figures;
    # only an administrator sets retention policies and approves a deletion
    "insights.view": frozenset({"admin", "attorney"}),
    "retention.view": frozenset({"admin"}),
    "retention.manage": frozenset({"admin"}),
    "retention.approve": frozenset({"admin"}),
}
FIRM_WIDE = frozenset({
    "staff.dashboard", "matter.create", "client.invite", "template.edit", "ledger.report",
    "user.manage", "audit.view", "webhook.manage", "settings.manage", "jobs.view", "session.manage_own",
    "billing.configure", "trust.reconcile",
    "insights.view", "retention.view", "retention.manage", "retention.approve",
})
MATTER_SCOPED = frozenset(PERMISSIONS) - FIRM_WIDE
# Actions an HR contact may take only where the organization pays the firm.
ORGANIZATION_PAYS_ONLY = frozenset({"invoice.view", "payment.make", "invoice.approve_expense"})


def role_allows(role: str, action: str) -> bool:
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}")
    return role in PERMISSIONS[action]


def require(actor: Actor | None, action: str) -> Actor:
    """Firm-wide check: the actor's role may take this action at all."""
    if actor is None or not role_allows(actor.role, action):
        raise NotAllowed()
    return actor


def matter_scope(actor: Actor, action: str = "matter.view") -> sa.ColumnElement[bool]:
    """A WHERE clause over Matter that is true exactly for the matters the actor may act on."""
    if not role_allows(actor.role, action):
        return sa.false()
    if actor.role == "admin":
        return sa.true()
    if actor.role in STAFF:
        assigned = select(MatterMember.matter_id).where(MatterMember.user_id == actor.user_id)
        return sa.or_(Matter.id.in_(assigned), Matter.responsible_attorney_id == actor.user_id)
    if actor.role == "client":
        own = select(Client.id).where(Client.user_id == actor.user_id)
        return Matter.client_id.in_(own)
    if actor.role == "hr_liaison" and actor.organization_id is not None:
        clause = sa.and_(Matter.organization_id == actor.organization_id, Matter.shared_with_organization.is_(True))
        if action in ORGANIZATION_PAYS_ONLY:
            clause = sa.and_(clause, Matter.organization_pays.is_(True))
        return clause
    return sa.false()


def require_matter(db: Session, actor: Actor | None, action: str, matter_id: uuid.UUID | str) -> Matter:
    """Load a matter the actor may act on, or raise. An id the actor may not see is "not allowed"
    whether or not it exists, so ids cannot be probed."""
    if actor is None:
        raise NotAllowed()
    if action not in MATTER_SCOPED:
        raise KeyError(f"{action!r} is not a matter-scoped action")
    matter_uuid = parse_uuid(matter_id)
    matter = db.exec(select(Matter).where(Matter.id == matter_uuid, matter_scope(actor, action))).first()
    if matter is None:
        if actor.role == "admin" and role_allows(actor.role, action):
            raise NotFound()
        raise NotAllowed()
    return matter


def can_on_matter(db: Session, actor: Actor, action: str, matter_id: uuid.UUID | str) -> bool:
    try:
        require_matter(db, actor, action, matter_id)
    except (NotAllowed, NotFound):
        return False
    return True


def parse_uuid(value: uuid.UUID | str) -> uuid.UUID:
    """Ids from a browser are strings; anything that is not a UUID is simply not allowed."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        raise NotAllowed() from None
