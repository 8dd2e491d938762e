"""Demo data for a first run: a firm's staff (one per role), three clients with matters of
different case types, and an employer's HR contact with one shared matter."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from models import CaseType, Client, Matter, MatterMember, Organization, User
from portal_app.services.documents import checklists
from portal_app.services.identity import factors, passwords
from portal_app.services.kernel import audit, db, localtime
from portal_app.services.kernel.settings import get_settings
from portal_app.services.matters import case_types, records

DEMO_PASSWORD = "portal-demo-2026"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    name: str


STAFF = [
    ("admin", "admin@demo.example", "Ada Okonkwo"),
    ("attorney", "attorney@demo.example", "Alicia Rivera"),
    ("paralegal", "paralegal@demo.example", "Paolo Mendes"),
    ("billing", "billing@demo.example", "Beth Chen"),
]
CLIENTS = [
    # (email, name, language, case type, matter title, with employer?, paralegal assigned?)
    ("maria@demo.example", "María García", "es", "I130", "I-130 for spouse, Luis García", False, True),
    ("wei@demo.example", "Wei Zhang", "en", "H1B", "H-1B petition, Acme Robotics", True, True),
    ("amara@demo.example", "Amara Okafor", "en", "N400", "N-400 naturalization", False, False),
]
HR_CONTACT = ("hr@acme.example", "Hannah Ross")


def logins() -> list[DemoLogin]:
    people = [DemoLogin(role, email, name) for role, email, name in STAFF]
    people += [DemoLogin("client", email, name) for email, name, *_ in CLIENTS]
    return people + [DemoLogin("hr_liaison", *HR_CONTACT)]


def is_seeded() -> bool:
    with db.read() as s:
        return s.exec(select(sa.func.count()).select_from(User)).one() > 0


def seed() -> list[DemoLogin]:
    """Create the demo data. Refused in production; does nothing if any user exists."""
    if get_settings().is_production:
        raise RuntimeError("demo data is never created when PORTAL_ENV=production")
    if is_seeded():
        return []
    password_hash = passwords.hash_password(DEMO_PASSWORD)
    with db.write() as s:
        case_types.sync(s)
        s.flush()
        staff = {role: _user(s, email, name, role, password_hash) for role, email, name in STAFF}
        for member in staff.values():  # staff sign in with a second factor: each gets an authenticator key
            factors.enrol(s, member.id, factors.new_secret(), step=0)
        acme = Organization(name="Acme Robotics, Inc.", billing_email="ap@acme.example")
        s.add(acme)
        s.flush()
        _user(s, *HR_CONTACT, "hr_liaison", password_hash, organization_id=acme.id)
        matters = [_client_with_matter(s, spec, staff, acme, password_hash) for spec in CLIENTS]
        _deadlines(s, matters)
        audit.record(s, "demo.seeded", details={"users": len(logins())})
    from portal_app.services.demo import documents as demo_documents

    demo_documents.seed_states()
    from portal_app.services.demo import billing as billing_demo

    billing_demo.seed()
    return logins()


def _user(s: Session, email: str, name: str, role: str, password_hash: str, **extra) -> User:
    user = User(email=email, full_name=name, role=role, password_hash=password_hash, **extra)
    s.add(user)
    s.flush()
    return user


def _client_with_matter(s, spec, staff, acme, password_hash) -> None:
    email, name, language, code, title, with_employer, with_paralegal = spec
    user = _user(s, email, name, "client", password_hash, locale=language)
    client = Client(full_name=name, email=email, preferred_language=language, user_id=user.id)
    s.add(client)
    s.flush()
    case_type = s.exec(select(CaseType).where(CaseType.code == code)).one()
    matter = Matter(
        reference=records.next_reference(s, 2026), title=title, case_type_id=case_type.id, client_id=client.id,
        responsible_attorney_id=staff["attorney"].id,
        organization_id=acme.id if with_employer else None, petitioner_name=acme.name if with_employer else name,
        shared_with_organization=with_employer, organization_pays=with_employer,
        receipt_numbers=["WAC2690012345"] if with_employer else [],
    )
    s.add(matter)
    s.flush()
    s.add(MatterMember(matter_id=matter.id, user_id=staff["attorney"].id, role_on_matter="attorney"))
    s.add(MatterMember(matter_id=matter.id, user_id=staff["billing"].id, role_on_matter="billing"))
    if with_paralegal:
        s.add(MatterMember(matter_id=matter.id, user_id=staff["paralegal"].id, role_on_matter="paralegal"))
    checklists.instantiate(s, None, matter)
    s.flush()
    return matter


def _deadlines(s: Session, matters: list[Matter]) -> None:
    """A biometrics appointment for María (she sees it), an RFE answer on Wei's H-1B, and an overdue
    filing on Amara's N-400, dated from today so a fresh start always shows them."""
    from portal_app.services.matters import deadlines

    i130, h1b, n400 = matters
    today = localtime.firm_today()
    deadlines.create_in_session(s, i130, kind="biometrics", due_date=today + timedelta(days=12))
    deadlines.create_in_session(s, h1b, kind="rfe_response", notice_date=today - timedelta(days=20),
                                source="uscis:WAC2690012345")
    deadlines.create_in_session(s, n400, kind="filing", title="File the N-400 with the signed evidence packet",
                                due_date=today - timedelta(days=2))
