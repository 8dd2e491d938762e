"""Signing in and out, and the server-side sessions behind the HttpOnly cookie. The second step
(a TOTP or recovery code, or setting up an authenticator) is in second_step.py."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from models import AuthSession, Client, SignInChallenge, User, utcnow
from portal_app.services.identity import devices, factors, passwords, throttle
from portal_app.services.kernel import audit, db, localtime
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidLink, RateLimited, SignInFailed
from portal_app.services.kernel.settings import get_settings
from portal_app.services.kernel.tokens import hash_token, looks_like_token, new_token

EXCHANGE_SECONDS = 60
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class SignIn:
    """What a successful step hands to the page: a single-use token for the exchange route, or,
    when the second factor is still to come, the challenge token for that step ("verify" a code,
    or "enroll" an authenticator first)."""

    exchange_token: str
    home_path: str
    challenge: str = ""
    step: str = ""


CHALLENGE_MINUTES = 10


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()[:254]


def lock_minutes(until: datetime, now: datetime) -> int:
    return max(1, int((until - now).total_seconds() + 59) // 60)


def rules() -> throttle.Rules:
    cfg = get_settings()
    return throttle.Rules(account_max=cfg.account_max_failures, ip_max=cfg.ip_max_failures,
                          window=timedelta(minutes=cfg.throttle_window_minutes),
                          lockout=timedelta(minutes=cfg.lockout_minutes))


def throttle_key(email: str, device: str | None, known: bool) -> str:
    return throttle.device_key(email, hash_token(device)) if known and device else throttle.account_key(email)


def sign_in(email: str, password: str, *, ip: str = "", user_agent: str = "", device: str | None = None,
            now: datetime | None = None) -> SignIn:
    """Check a password. Success opens a session, or for a person with (or who must set up) a
    second factor, a short challenge for that step. Failures say nothing about whether the
    account exists. `device` is the browser's device cookie, if it has one."""
    now, email = now or utcnow(), normalize_email(email)
    with db.read() as s:
        user = s.exec(select(User).where(User.email == email)).first()
        known = user is not None and devices.is_known(s, user.id, device)
        key = throttle_key(email, device, known)
        until = throttle.wait_until(s, rules(), account=key, ip=ip, now=now)
    if until is not None:
        raise RateLimited(minutes=lock_minutes(until, now))
    ok = passwords.verify_password(user.password_hash if user else None, password or "")
    if not (ok and user is not None and user.is_active):
        with db.write() as s:
            until = count_failure(s, key, ip, now, user, step="password")
        if until is not None:
            raise RateLimited(minutes=lock_minutes(until, now))
        raise SignInFailed()
    with db.write() as s:
        step = "verify" if factors.has_factor(s, user.id) else ("enroll" if factors.required_for(user) else "")
        if step:
            challenge = _open_challenge(s, user, step, ip=ip, user_agent=user_agent, known=known, now=now)
            audit.record(s, "auth.password_ok", actor=actor_for(user, ip), object_type="user", object_id=user.id,
                         details={"next_step": step})
            return SignIn(exchange_token="", home_path=actor_for(user).home_path, challenge=challenge, step=step)
        throttle.clear(s, key)
        token = open_session(s, user, ip, user_agent, now, known=known)
        audit.record(s, "auth.login", actor=actor_for(user, ip), object_type="user", object_id=user.id)
    return SignIn(exchange_token=token, home_path=actor_for(user).home_path)


def count_failure(s: Session, key: str, ip: str, now: datetime, user: User | None, *, step: str) -> datetime | None:
    """Count a failed sign-in (a wrong password, or a wrong second-factor code) on the account (or
    known-device) key and the address; returns when the lockout ends if one has started."""
    until = throttle.record_sign_in_failure(s, rules(), account=key, ip=ip, now=now)
    details = {"known_account": user is not None, "account_key": key, "locked": until is not None, "step": step}
    audit.record(s, "auth.login_failed", object_type="user", object_id=user.id if user else "", ip=ip, details=details)
    return until


def _open_challenge(s: Session, user: User, purpose: str, *, ip: str, user_agent: str, known: bool,
                    now: datetime) -> str:
    token = new_token()
    pending = factors.seal(factors.new_secret()) if purpose == "enroll" else None
    s.add(SignInChallenge(user_id=user.id, token_hash=hash_token(token), purpose=purpose, pending_secret_enc=pending,
                          created_at=now, expires_at=now + timedelta(minutes=CHALLENGE_MINUTES), known_device=known,
                          ip=(ip or "")[:64], user_agent=(user_agent or "")[:300]))
    return token


def open_session(s: Session, user: User, ip: str, user_agent: str, now: datetime, *, known: bool = False) -> str:
    """Create a session row reachable only through a single-use exchange token; a browser the
    person has not used before (when they have used others) gets them an e-mail."""
    exchange = new_token()
    s.add(AuthSession(
        user_id=user.id,
        exchange_hash=hash_token(exchange),
        exchange_expires_at=now + timedelta(seconds=EXCHANGE_SECONDS),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=get_settings().session_hours),
        ip=(ip or "")[:64],
        user_agent=(user_agent or "")[:300],
    ))
    when = localtime.shown_datetime(now, user.timezone or "", user.locale)
    if devices.mail_if_new(s, user, known=known, ip=ip, user_agent=user_agent, when=when):
        audit.record(s, "auth.new_device", actor=actor_for(user, ip), object_type="user", object_id=user.id)
    return exchange


def open_session_for(s: Session, user: User, *, ip: str, user_agent: str, now: datetime) -> SignIn:
    """Used by invitation and reset flows, inside their own transaction."""
    return SignIn(exchange_token=open_session(s, user, ip, user_agent, now), home_path=actor_for(user).home_path)


def exchange(exchange_token: str, now: datetime | None = None, *, device: str | None = None) -> tuple[str, int]:
    """Swap the single-use exchange token for the session token. Returns (token, max_age seconds).
    `device` (the browser's device cookie, new or not) is remembered as one this person uses."""
    now = now or utcnow()
    if not looks_like_token(exchange_token):
        raise InvalidLink("auth.exchange_invalid")
    with db.write() as s:
        row = s.exec(select(AuthSession).where(AuthSession.exchange_hash == hash_token(exchange_token))).first()
        if row is None or row.revoked_at or (row.exchange_expires_at or now) < now:
            raise InvalidLink("auth.exchange_invalid")
        token = new_token()
        row.token_hash, row.exchange_hash, row.exchange_expires_at = hash_token(token), None, None
        devices.remember(s, row.user_id, device, now)
        return token, int((row.expires_at - now).total_seconds())


def actor_for(user: User, ip: str = "", session_id=None, client_id=None) -> Actor:
    return Actor(
        user_id=user.id, role=user.role, email=user.email, full_name=user.full_name, locale=user.locale,
        timezone=user.timezone or "", client_id=client_id, organization_id=user.organization_id, session_id=session_id, ip=ip,
    )


def resolve(token: str | None, *, ip: str = "", now: datetime | None = None) -> Actor | None:
    """The actor behind a session token, or None if it is unknown, expired, idle too long or revoked."""
    if not token or not looks_like_token(token):
        return None
    now, cfg = now or utcnow(), get_settings()
    with db.read() as s:  # one statement: every event of every open page asks this again
        found = s.exec(select(AuthSession, User, Client.id).join(User, User.id == AuthSession.user_id)
                       .outerjoin(Client, Client.user_id == User.id)  # unique: at most one client per login
                       .where(AuthSession.token_hash == hash_token(token),
                              AuthSession.task_link_id.is_(None))).first()  # never a task link's session
    if found is None:
        return None
    row, user, client_id = found
    if row.revoked_at is not None or row.expires_at <= now or not user.is_active:
        return None
    if now - row.last_seen_at > timedelta(minutes=cfg.session_idle_minutes):
        return None
    actor = actor_for(user, ip, row.id, client_id)
    if now - row.last_seen_at > TOUCH_EVERY:
        with db.write() as s:
            fresh = s.get(AuthSession, actor.session_id)
            fresh.last_seen_at = now
    return actor


def sign_out_token(token: str | None, *, ip: str = "") -> bool:
    """The sign-out route: revoke the session behind a cookie, whatever page the tab was on.
    Returns whether a live session was revoked (an unknown or ended one is simply gone already)."""
    actor = resolve(token, ip=ip)
    if actor is None:
        return False
    sign_out(actor)
    return True


def sign_out(actor: Actor) -> None:
    with db.write() as s:
        row = s.get(AuthSession, actor.session_id) if actor.session_id else None
        if row is not None and row.revoked_at is None:
            row.revoked_at, row.revoked_reason = utcnow(), "logout"
        audit.record(s, "auth.logout", actor=actor, object_type="session", object_id=actor.session_id)


def revoke_all(s: Session, user_id, reason: str, keep_session_id=None) -> int:
    rows = s.exec(select(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))).all()
    count = 0
    for row in rows:
        if row.id != keep_session_id:
            row.revoked_at, row.revoked_reason = utcnow(), reason
            count += 1
    return count
