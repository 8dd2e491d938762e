"""Creating the first administrator of a fresh production install, from the command line."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from models import User
from portal_app.services.identity.invitations import check_person, issue_link
from portal_app.services.kernel import audit, db
from portal_app.services.kernel.errors import Conflict
from portal_app.services.kernel.settings import get_settings


def create_admin(email: str, full_name: str) -> str:
    """Create an admin without a password; returns the single-use link to set one."""
    full_name, email = check_person(full_name, email)
    cfg = get_settings()
    with db.write() as s:
        if s.exec(select(User).where(User.email == email)).first() is not None:
            raise Conflict("invite.already_registered", email=email)
        user = User(email=email, full_name=full_name, role="admin")
        s.add(user)
        s.flush()
        token = issue_link(s, user, "invite", None, timedelta(hours=cfg.invitation_hours))
        audit.record(s, "user.admin_created", object_type="user", object_id=user.id, details={"via": "cli"})
    return f"{cfg.public_url}/invitation/{token}"
