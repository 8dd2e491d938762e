"""A small firm built directly in the database for tests: every role, own and other matters."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlmodel import select

from models import CaseType, Client, Matter, MatterMember, Organization, User
from portal_app.services.kernel import db
from portal_app.services.kernel.actor import Actor
from portal_app.services.matters import case_types


@dataclass
class World:
    users: dict[str, User] = field(default_factory=dict)
    matters: dict[str, Matter] = field(default_factory=dict)
    org: Organization | None = None
    clients: dict[str, Client] = field(default_factory=dict)

    def actor(self, key: str) -> Actor:
        user = self.users[key]
        client = self.clients.get(key)
        return Actor(user_id=user.id, role=user.role, email=user.email, full_name=user.full_name,
                     timezone=user.timezone or "", client_id=client.id if client else None, organization_id=user.organization_id)


def _user(s, key: str, role: str, **extra) -> User:
    user = User(email=f"{key}@firm.example", full_name=key.replace("_", " ").title(), role=role, **extra)
    s.add(user)
    s.flush()
    return user


def build_world(password_hash: str | None = None) -> World:
    """Roles: admin, attorney, paralegal, billing (all on matter "own"), client (owns "own"),
    hr (its organization has "own" shared and paying, "shared_unpaid" shared but not paying).
    "other" belongs to another client, with other staff, not shared."""
    w = World()
    with db.write() as s:
        case_types.sync(s)
        s.flush()
        h1b = s.exec(select(CaseType).where(CaseType.code == "H1B")).one()
        w.org = Organization(name="Acme")
        s.add(w.org)
        s.flush()
        for key, role in [("admin", "admin"), ("attorney", "attorney"), ("paralegal", "paralegal"),
                          ("billing", "billing"), ("client", "client"), ("other_attorney", "attorney"),
                          ("other_client", "client")]:
            w.users[key] = _user(s, key, role, password_hash=password_hash)
        w.users["hr"] = _user(s, "hr", "hr_liaison", password_hash=password_hash, organization_id=w.org.id)
        for key in ("client", "other_client"):
            w.clients[key] = Client(full_name=key.title(), email=f"{key}@firm.example", user_id=w.users[key].id)
            s.add(w.clients[key])
        s.flush()
        specs = {
            "own": dict(client="client", org=True, shared=True, pays=True, staff=["attorney", "paralegal", "billing"]),
            "other": dict(client="other_client", org=False, shared=False, pays=False, staff=["other_attorney"]),
            "shared_unpaid": dict(client="client", org=True, shared=True, pays=False, staff=["attorney"]),
        }
        for number, (key, spec) in enumerate(specs.items(), start=1):
            matter = Matter(reference=f"T-{number}", title=f"{key} matter", case_type_id=h1b.id,
                            client_id=w.clients[spec["client"]].id, organization_id=w.org.id if spec["org"] else None,
                            shared_with_organization=spec["shared"], organization_pays=spec["pays"])
            s.add(matter)
            s.flush()
            for staff in spec["staff"]:
                s.add(MatterMember(matter_id=matter.id, user_id=w.users[staff].id, role_on_matter=w.users[staff].role))
            w.matters[key] = matter
    return w


def new_uuid() -> str:
    return str(uuid.uuid4())
