"""Sharing a matter with its employer: the legal team opens a matter to an organization's HR
contacts (its employer-provided items, the deadlines that concern the employer, its messages, and
its invoices where the organization pays) and takes it back. Each change is audited; asking for
what is already so changes nothing and records nothing."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from models import Matter, Organization
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput
from portal_app.services.matters.choices import Choice, choose_organization


@dataclass(frozen=True)
class Sharing:
    matter_id: str
    organization_id: str  # "" when the matter has no employer
    organization_name: str
    shared: bool
    organization_pays: bool
    organizations: list[Choice] = field(default_factory=list)  # the employers the actor may pick


def sharing_of(actor: Actor, matter_id: str) -> Sharing:
    """How a matter is shared now, and with whom it could be."""
    with db.read() as s:
        matter = policy.require_matter(s, actor, "matter.share", matter_id)
        return _sharing(s, actor, matter)


def share(actor: Actor, matter_id: str, organization_id: str, *, organization_pays: bool = False) -> Sharing:
    """Share the matter with an employer the actor can see (it becomes the matter's employer)."""
    policy.require(actor, "matter.share")  # the table first: an outsider learns nothing from their input
    if not organization_id:
        raise InvalidInput("sharing.organization_required")
    with db.write() as s:
        matter = policy.require_matter(s, actor, "matter.share", matter_id)
        organization = choose_organization(s, actor, organization_id)
        wanted = (organization.id, True, bool(organization_pays))
        before = (matter.organization_id, matter.shared_with_organization, matter.organization_pays)
        if before != wanted:
            matter.organization_id, matter.shared_with_organization, matter.organization_pays = wanted
            matter.petitioner_name = matter.petitioner_name or organization.name
            audit.record(s, "matter.shared", actor=actor, object_type="matter", object_id=matter.id,
                         matter_id=matter.id, details={"organization": str(organization.id),
                                                       "organization_pays": bool(organization_pays),
                                                       "previous_organization": str(before[0] or ""),
                                                       "was_shared": before[1]})
        return _sharing(s, actor, matter)


def unshare(actor: Actor, matter_id: str) -> Sharing:
    """Take the matter back from its employer: from now on its HR contacts see nothing of it."""
    with db.write() as s:
        matter = policy.require_matter(s, actor, "matter.share", matter_id)
        if matter.shared_with_organization:
            matter.shared_with_organization = False
            audit.record(s, "matter.unshared", actor=actor, object_type="matter", object_id=matter.id,
                         matter_id=matter.id, details={"organization": str(matter.organization_id or "")})
        return _sharing(s, actor, matter)


def _sharing(s: Session, actor: Actor, matter: Matter) -> Sharing:
    organization = s.get(Organization, matter.organization_id) if matter.organization_id else None
    choices = s.exec(select(Organization.id, Organization.name).join(Matter, Matter.organization_id == Organization.id)
                     .where(policy.matter_scope(actor, "matter.view")).distinct().order_by(Organization.name)).all()
    return Sharing(str(matter.id), str(organization.id) if organization else "", organization.name if organization else "",
                   bool(organization and matter.shared_with_organization), bool(organization and matter.organization_pays),
                   [(str(key), name) for key, name in choices])
