"""What staff may pick when opening a matter: clients and employers they can already see (or a
new client), the case types, and the firm's attorneys."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from models import CaseType, Client, Matter, Organization, User
from portal_app.services.identity.invitations import check_person
from portal_app.services.kernel import db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput

Choice = tuple[str, str]  # (id or code, label)


@dataclass(frozen=True)
class NewClient:
    full_name: str
    email: str
    language: str = "en"


@dataclass(frozen=True)
class MatterChoices:
    case_types: list[Choice]
    attorneys: list[Choice]
    clients: list[Choice]
    organizations: list[Choice]


def matter_choices(actor: Actor) -> MatterChoices:
    policy.require(actor, "matter.create")
    scope = policy.matter_scope(actor, "matter.view")
    with db.read() as s:
        case_types = s.exec(select(CaseType.code, CaseType.name).where(CaseType.is_active).order_by(CaseType.name)).all()
        attorneys = s.exec(select(User.id, User.full_name).where(policy.responsible_attorney_candidates(), User.is_active)
                           .order_by(User.full_name)).all()
        clients = s.exec(select(Client.id, Client.full_name).join(Matter, Matter.client_id == Client.id)
                         .where(scope).distinct().order_by(Client.full_name)).all()
        orgs = s.exec(select(Organization.id, Organization.name).join(Matter, Matter.organization_id == Organization.id)
                      .where(scope).distinct().order_by(Organization.name)).all()
    return MatterChoices(_pairs(case_types), _pairs(attorneys), _pairs(clients), _pairs(orgs))


def _pairs(rows) -> list[Choice]:
    return [(str(key), label) for key, label in rows]


def _visible(s: Session, actor: Actor, column, value) -> bool:
    return s.exec(select(Matter.id).where(column == value, policy.matter_scope(actor, "matter.view"))).first() is not None


def choose_client(s: Session, actor: Actor, client_id: str | None, new_client: NewClient | None) -> Client:
    """An existing client on a matter the actor can see, or a new client record."""
    if client_id:
        client = s.get(Client, policy.parse_uuid(client_id))
        if client is None or not _visible(s, actor, Matter.client_id, client.id):
            raise InvalidInput("matter.client_unknown")
        return client
    if new_client is None:
        raise InvalidInput("matter.client_required")
    name, email = check_person(new_client.full_name, new_client.email)
    client = Client(full_name=name, email=email, preferred_language=new_client.language or "en")
    s.add(client)
    s.flush()
    return client


def choose_organization(s: Session, actor: Actor, organization_id: str | None) -> Organization | None:
    if not organization_id:
        return None
    organization = s.get(Organization, policy.parse_uuid(organization_id))
    if organization is None or not _visible(s, actor, Matter.organization_id, organization.id):
        raise InvalidInput("matter.organization_unknown")
    return organization
