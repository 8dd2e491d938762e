"""Invitations (a client or HR contact sets a first password) and password resets.

Both are single-use links that expire; only the token's hash is stored. Asking for a reset
always gets the same answer, whether or not the address has an account.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from models import Client, Invitation, Matter, Organization, User, utcnow
from portal_app.services.identity import passwords
from portal_app.services.identity.auth import SignIn, normalize_email, open_session_for, revoke_all
from portal_app.services.kernel import audit, db, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import Conflict, InvalidInput, InvalidLink, NotAllowed
from portal_app.services.kernel.settings import get_settings
from portal_app.services.kernel.tokens import hash_token, new_token, row_by_token
from portal_app.services.messaging import mail
from portal_app.services.onboarding import sequence as onboarding

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


@dataclass(frozen=True)
class InvitationSent:
    user_id: str
    email: str


@dataclass(frozen=True)
class LinkInfo:
    purpose: str
    email: str
    full_name: str


def check_person(full_name: str, email: str) -> tuple[str, str]:
    full_name, email = text.line(full_name), normalize_email(email)
    if not full_name or len(full_name) > 200:
        raise InvalidInput("invite.name_required")
    if not EMAIL_RE.match(email):
        raise InvalidInput("invite.email_invalid", email=email)
    return full_name, email


def issue_link(s: Session, user: User, purpose: str, creator: Actor | None, lifetime: timedelta) -> str:
    now = utcnow()
    s.execute(
        sa.update(Invitation)
        .where(Invitation.user_id == user.id, Invitation.used_at.is_(None), Invitation.superseded_at.is_(None))
        .values(superseded_at=now)
    )
    token = new_token()
    s.add(Invitation(purpose=purpose, user_id=user.id, token_hash=hash_token(token),
                     created_by_id=creator.user_id if creator else None, created_at=now, expires_at=now + lifetime))
    return token


def _pending_user(s: Session, email: str, role: str) -> User | None:
    user = s.exec(select(User).where(User.email == email)).first()
    if user is not None and (user.password_hash or user.role != role):
        raise Conflict("invite.already_registered", email=email)
    return user


def _send_invitation(s: Session, actor: Actor, user: User, matter_id: uuid.UUID | None = None) -> InvitationSent:
    cfg = get_settings()
    token = issue_link(s, user, "invite", actor, timedelta(hours=cfg.invitation_hours))
    mail.enqueue(s, to_address=user.email, template="invitation", locale=user.locale, user_id=user.id,
                 matter_id=matter_id, name=user.full_name, link=f"{cfg.public_url}/invitation/{token}",
                 hours=cfg.invitation_hours)
    audit.record(s, "invitation.sent", actor=actor, object_type="user", object_id=user.id, matter_id=matter_id,
                 details={"role": user.role})
    return InvitationSent(user_id=str(user.id), email=user.email)


def invite_client(actor: Actor, *, full_name: str, email: str, language: str = "en",
                  client_id: str | None = None) -> InvitationSent:
    """Invite a client by e-mail: a new client, or an existing one (on a matter the actor may see)."""
    policy.require(actor, "client.invite")
    full_name, email = check_person(full_name, email)
    with db.write() as s:
        client = _client_for_invite(s, actor, client_id)
        user = _pending_user(s, email, "client") or User(email=email, full_name=full_name, role="client", locale=language)
        s.add(user)
        s.flush()
        if client is None:
            client = s.exec(select(Client).where(Client.user_id == user.id)).first() or Client(
                full_name=full_name, email=email, preferred_language=language)
        if client.user_id not in (None, user.id):
            raise Conflict("invite.client_has_login")
        client.user_id = user.id
        s.add(client)
        onboarding.start(s, actor, user)  # welcome, first steps, a nudge before the first deadline
        return _send_invitation(s, actor, user)


def _client_for_invite(s: Session, actor: Actor, client_id: str | None) -> Client | None:
    if not client_id:
        return None
    cid = policy.parse_uuid(client_id)
    visible = s.exec(select(Matter.id).where(Matter.client_id == cid, policy.matter_scope(actor, "matter.edit"))).first()
    if visible is None:
        raise NotAllowed()
    return s.get(Client, cid)


def invite_hr_contact(actor: Actor, *, full_name: str, email: str, organization_id: str) -> InvitationSent:
    policy.require(actor, "client.invite")
    full_name, email = check_person(full_name, email)
    org_id = policy.parse_uuid(organization_id)
    with db.write() as s:
        shared = s.exec(select(Matter.id).where(Matter.organization_id == org_id,
                                                policy.matter_scope(actor, "matter.edit"))).first()
        if s.get(Organization, org_id) is None or shared is None:
            raise NotAllowed()
        user = _pending_user(s, email, "hr_liaison") or User(email=email, full_name=full_name, role="hr_liaison",
                                                            organization_id=org_id)
        s.add(user)
        s.flush()
        return _send_invitation(s, actor, user)


def _live_link(s: Session, token: str, now: datetime) -> tuple[Invitation, User]:
    link = row_by_token(s, Invitation, token)
    if link is None:
        raise InvalidLink("invite.link_invalid")
    if link.used_at is not None:
        raise InvalidLink("invite.link_used")
    if link.superseded_at is not None:
        raise InvalidLink("invite.link_superseded")
    if link.expires_at <= now:
        raise InvalidLink("invite.link_expired")
    user = s.get(User, link.user_id)
    if user is None or not user.is_active:
        raise InvalidLink("invite.link_invalid")
    return link, user


def peek(token: str) -> LinkInfo:
    with db.read() as s:
        link, user = _live_link(s, token, utcnow())
        return LinkInfo(purpose=link.purpose, email=user.email, full_name=user.full_name)


def accept(token: str, password: str, confirm: str, *, ip: str = "", user_agent: str = "") -> SignIn:
    """Set the password from an invitation or reset link, use the link up, and sign in."""
    with db.read() as s:
        _link, user = _live_link(s, token, utcnow())
        email = user.email
    passwords.check_new_password(password, confirm, email=email)
    new_hash = passwords.hash_password(password)
    now = utcnow()
    with db.write() as s:
        link, user = _live_link(s, token, now)  # again, under the write lock: a link is used once
        link.used_at = now
        user.password_hash, user.password_changed_at = new_hash, now
        revoked = revoke_all(s, user.id, "password_changed")
        action = "invitation.accepted" if link.purpose == "invite" else "auth.password_reset"
        audit.record(s, action, object_type="user", object_id=user.id, ip=ip, details={"sessions_revoked": revoked})
        return open_session_for(s, user, ip=ip, user_agent=user_agent, now=now)


def request_reset(email: str, *, ip: str = "") -> None:
    """Send a reset link if the address belongs to an active account. Says nothing either way."""
    email, cfg = normalize_email(email), get_settings()
    if not EMAIL_RE.match(email):
        raise InvalidInput("invite.email_invalid", email=email)
    with db.write() as s:
        user = s.exec(select(User).where(User.email == email)).first()
        if user is None or not user.is_active or not user.password_hash:
            audit.record(s, "auth.reset_requested", ip=ip, details={"known_account": False})
            return
        token = issue_link(s, user, "reset", None, timedelta(minutes=cfg.reset_minutes))
        mail.enqueue(s, to_address=user.email, template="password_reset", locale=user.locale, user_id=user.id,
                     name=user.full_name, link=f"{cfg.public_url}/reset/{token}", minutes=cfg.reset_minutes)
        audit.record(s, "auth.reset_requested", object_type="user", object_id=user.id, ip=ip,
                     details={"known_account": True})


@dataclass(frozen=True)
class InviteOptions:
    clients: list[tuple[str, str]]  # (client id, name) on my matters, without a login yet
    organizations: list[tuple[str, str]]  # (organization id, name) on my matters


def invite_options(actor: Actor) -> InviteOptions:
    policy.require(actor, "client.invite")
    scope = policy.matter_scope(actor, "matter.edit")
    with db.read() as s:
        clients = s.exec(
            select(Client.id, Client.full_name).join(Matter, Matter.client_id == Client.id)
            .where(scope, Client.user_id.is_(None)).distinct().order_by(Client.full_name)
        ).all()
        orgs = s.exec(
            select(Organization.id, Organization.name).join(Matter, Matter.organization_id == Organization.id)
            .where(scope).distinct().order_by(Organization.name)
        ).all()
        return InviteOptions([(str(i), n) for i, n in clients], [(str(i), n) for i, n in orgs])
