"""A signed-in person's own sessions: list them, revoke one, change the password."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from models import AuthSession, User, utcnow
from portal_app.services.identity import passwords
from portal_app.services.identity.auth import revoke_all
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput, NotAllowed


@dataclass(frozen=True)
class SessionInfo:
    id: str
    created_at: datetime
    last_seen_at: datetime
    ip: str
    user_agent: str
    current: bool


def list_own(actor: Actor) -> list[SessionInfo]:
    policy.require(actor, "session.manage_own")
    now = utcnow()
    with db.read() as s:
        rows = s.exec(
            select(AuthSession)
            .where(AuthSession.user_id == actor.user_id, AuthSession.revoked_at.is_(None),
                   AuthSession.expires_at > now, AuthSession.token_hash.is_not(None),
                   AuthSession.task_link_id.is_(None))
            .order_by(AuthSession.last_seen_at.desc())
        ).all()
        return [
            SessionInfo(str(r.id), r.created_at, r.last_seen_at, r.ip or "", r.user_agent or "", r.id == actor.session_id)
            for r in rows
        ]


def revoke_own(actor: Actor, session_id: str) -> None:
    policy.require(actor, "session.manage_own")
    target = policy.parse_uuid(session_id)
    with db.write() as s:
        row = s.get(AuthSession, target)
        if row is None or row.user_id != actor.user_id:
            raise NotAllowed()
        if row.revoked_at is None:
            row.revoked_at, row.revoked_reason = utcnow(), "revoked_by_user"
            audit.record(s, "auth.session_revoked", actor=actor, object_type="session", object_id=row.id)


def change_password(actor: Actor, current: str, new: str, confirm: str) -> int:
    """Change the password and sign out every other session. Returns how many were signed out."""
    policy.require(actor, "session.manage_own")
    passwords.check_new_password(new, confirm, email=actor.email)
    with db.read() as s:
        stored = s.get(User, actor.user_id).password_hash
    if not passwords.verify_password(stored, current):
        raise InvalidInput("password.current_wrong")
    new_hash = passwords.hash_password(new)
    with db.write() as s:
        user = s.get(User, actor.user_id)
        user.password_hash, user.password_changed_at = new_hash, utcnow()
        revoked = revoke_all(s, user.id, "password_changed", keep_session_id=actor.session_id)
        audit.record(s, "auth.password_changed", actor=actor, object_type="user", object_id=user.id,
                     details={"sessions_revoked": revoked})
    return revoked


