"""Reading and opening matters. Every query goes through policy.matter_scope."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from models import CaseType, Client, Matter, MatterMember, MatterNumber, User, utcnow
from portal_app.services.documents import checklists
from portal_app.services.kernel import audit, db, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput
from portal_app.services.kernel.matter_summaries import MatterSummary, summary_query, to_summary
from portal_app.services.matters.choices import NewClient, choose_client, choose_organization

MAX_SEARCH = 100


@dataclass(frozen=True)
class MatterDetail:
    summary: MatterSummary
    receipt_numbers: list[str] = field(default_factory=list)
    team: list[tuple[str, str]] = field(default_factory=list)  # (name, role on matter)
    may_edit: bool = False
    may_view_invoices: bool = False


def list_visible(actor: Actor, search: str = "", limit: int = 200) -> list[MatterSummary]:
    """The matters this actor may see, newest first, optionally filtered by a search text."""
    policy.require(actor, "matter.view")
    search = text.line(search, MAX_SEARCH)
    query = summary_query().where(policy.matter_scope(actor, "matter.view"))
    if search:
        like = text.like_contains(search)
        query = query.where(sa.or_(*[
            sa.func.lower(column).like(like, escape=text.LIKE_ESCAPE)
            for column in (Matter.reference, Matter.title, Client.full_name, CaseType.name)
        ]))
    with db.read() as s:
        rows = s.exec(query.order_by(Matter.opened_at.desc()).limit(limit)).all()
        return [to_summary(r) for r in rows]


def get(actor: Actor, matter_id: str) -> MatterDetail:
    with db.read() as s:
        matter = policy.require_matter(s, actor, "matter.view", matter_id)
        row = s.exec(summary_query().where(Matter.id == matter.id)).one()
        team = s.exec(
            select(User.full_name, MatterMember.role_on_matter)
            .join(MatterMember, MatterMember.user_id == User.id)
            .where(MatterMember.matter_id == matter.id)
        ).all() if policy.is_staff(actor) else []
        return MatterDetail(
            summary=to_summary(row),
            receipt_numbers=list(matter.receipt_numbers or []),
            team=[(name, role) for name, role in team],
            may_edit=policy.can_on_matter(s, actor, "matter.edit", matter.id),
            may_view_invoices=policy.can_on_matter(s, actor, "invoice.view", matter.id),
        )


def next_reference(s: Session, year: int) -> str:
    """The next matter number of `year`, taken atomically: one upsert bumps the year's counter row
    and returns the new value (a row lock on PostgreSQL, the write lock on SQLite), so two matters
    opened at once get different numbers. A year's first number follows any reference already
    handed out that year (matters created before the counter existed)."""
    prefix = f"MTR-{year}-"
    start = 1 if s.get(MatterNumber, year) is not None else _highest_taken(s, prefix) + 1
    insert = sqlite_insert if s.get_bind().dialect.name == "sqlite" else pg_insert
    bump = (insert(MatterNumber).values(year=year, last_seq=start)
            .on_conflict_do_update(index_elements=[MatterNumber.year],
                                   set_={"last_seq": MatterNumber.last_seq + 1})
            .returning(MatterNumber.last_seq))
    seq = s.execute(bump).scalar_one()
    return f"{prefix}{seq:04d}"


def _highest_taken(s: Session, prefix: str) -> int:
    tails = [r.removeprefix(prefix) for r in s.exec(select(Matter.reference).where(Matter.reference.like(prefix + "%")))]
    return max((int(tail) for tail in tails if tail.isascii() and tail.isdigit()), default=0)


def open_matter(actor: Actor, *, case_type_code: str, title: str, client_id: str | None = None,
                new_client: NewClient | None = None, responsible_attorney_id: str | None = None,
                organization_id: str | None = None, shared_with_organization: bool = False,
                organization_pays: bool = False) -> str:
    """Open a matter for a client the actor may see (or a new client); the opener is assigned to
    it. Returns the new matter's id."""
    policy.require(actor, "matter.create")
    title = text.line(title)
    if not title or len(title) > 200:
        raise InvalidInput("matter.title_required")
    with db.write() as s:
        case_type = s.exec(select(CaseType).where(CaseType.code == case_type_code, CaseType.is_active)).first()
        if case_type is None:
            raise InvalidInput("matter.case_type_unknown", code=case_type_code)
        client = choose_client(s, actor, client_id, new_client)
        organization = choose_organization(s, actor, organization_id)
        attorney = _responsible_attorney(s, responsible_attorney_id) if responsible_attorney_id else None
        matter = Matter(
            reference=next_reference(s, utcnow().year), title=title, case_type_id=case_type.id,
            client_id=client.id, responsible_attorney_id=attorney.id if attorney else None,
            organization_id=organization.id if organization else None,
            petitioner_name=organization.name if organization else client.full_name,
            shared_with_organization=bool(organization and shared_with_organization),
            organization_pays=bool(organization and organization_pays),
        )
        s.add(matter)
        s.flush()
        s.add(MatterMember(matter_id=matter.id, user_id=actor.user_id, role_on_matter=actor.role))
        audit.record(s, "matter.opened", actor=actor, object_type="matter", object_id=matter.id, matter_id=matter.id,
                     details={"case_type": case_type.code})
        checklists.instantiate(s, actor, matter)
        return str(matter.id)


def _responsible_attorney(s: Session, user_id: str) -> User:
    user = s.get(User, policy.parse_uuid(user_id))
    if user is None or not policy.may_be_responsible_attorney(user.role):
        raise InvalidInput("matter.attorney_unknown")
    return user


def assign(actor: Actor, matter_id: str, user_id: str, role_on_matter: str) -> None:
    """Add a staff member to a matter's team."""
    with db.write() as s:
        matter = policy.require_matter(s, actor, "matter.assign", matter_id)
        user = s.get(User, policy.parse_uuid(user_id))
        if user is None or not policy.is_staff_role(user.role):
            raise InvalidInput("matter.member_not_staff")
        if s.get(MatterMember, (matter.id, user.id)) is None:
            s.add(MatterMember(matter_id=matter.id, user_id=user.id, role_on_matter=role_on_matter))
            audit.record(s, "matter.member_added", actor=actor, object_type="user", object_id=user.id,
                         matter_id=matter.id, details={"role_on_matter": role_on_matter})


def visible_ids(s: Session, actor: Actor, action: str = "matter.view") -> list[uuid.UUID]:
    return list(s.exec(select(Matter.id).where(policy.matter_scope(actor, action))).all())


def staff_dashboard(actor: Actor, search: str = "") -> list[MatterSummary]:
    """The staff home list: staff roles only, and only the matters each may see."""
    policy.require(actor, "staff.dashboard")
    return list_visible(actor, search)
