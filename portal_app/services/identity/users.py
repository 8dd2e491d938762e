"""Staff administration of people: role changes and deactivation (admins only)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from models import User
from portal_app.services.identity.auth import revoke_all
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class UserRow:
    id: str
    email: str
    full_name: str
    role: str
    is_active: bool


def list_users(actor: Actor) -> list[UserRow]:
    policy.require(actor, "user.manage")
    with db.read() as s:
        rows = s.exec(select(User).order_by(User.role, User.full_name)).all()
        return [UserRow(str(u.id), u.email, u.full_name, u.role, u.is_active) for u in rows]


def change_role(actor: Actor, user_id: str, new_role: str) -> None:
    """Change someone's role; their sessions end so the new role applies at once."""
    policy.require(actor, "user.manage")
    if new_role not in policy.ROLES:
        raise InvalidInput("user.role_unknown", role=new_role)
    with db.write() as s:
        user = s.get(User, policy.parse_uuid(user_id))
        if user is None:
            raise NotFound()
        if user.id == actor.user_id:
            raise InvalidInput("user.cannot_change_own_role")
        old_role = user.role
        if old_role == new_role:
            return
        user.role = new_role
        revoked = revoke_all(s, user.id, "role_changed")
        audit.record(s, "user.role_changed", actor=actor, object_type="user", object_id=user.id,
                     details={"from": old_role, "to": new_role, "sessions_revoked": revoked})


def set_active(actor: Actor, user_id: str, active: bool) -> None:
    """Deactivate (signing the person out everywhere) or reactivate an account."""
    policy.require(actor, "user.manage")
    with db.write() as s:
        user = s.get(User, policy.parse_uuid(user_id))
        if user is None:
            raise NotFound()
        if user.id == actor.user_id:
            raise InvalidInput("user.cannot_deactivate_self")
        if user.is_active == active:
            return
        user.is_active = active
        revoked = 0 if active else revoke_all(s, user.id, "deactivated")
        audit.record(s, "user.reactivated" if active else "user.deactivated", actor=actor, object_type="user",
                     object_id=user.id, details={"sessions_revoked": revoked})
