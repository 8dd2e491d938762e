"""The second step of signing in, and managing second factors.

After the password, a person with an authenticator types its code (or a recovery code); a staff
member without one sets it up first (scan the QR code, type a code, keep the recovery codes).
Clients and HR contacts may add one from their account. An administrator can reset someone's
second factor (a lost phone): audited, their sessions end, they are told by e-mail and set it up
again at their next sign-in.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from models import SecondFactor, SignInChallenge, User, utcnow
from portal_app.services.identity import factors, throttle
from portal_app.services.identity.auth import (
    SignIn,
    actor_for,
    count_failure,
    lock_minutes,
    open_session,
    revoke_all,
    rules,
    throttle_key,
)
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput, InvalidLink, NotAllowed, NotFound, RateLimited
from portal_app.services.kernel.settings import get_settings
from portal_app.services.kernel.tokens import hash_token, looks_like_token, new_token
from portal_app.services.messaging import mail

MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Enrolment:
    secret: str  # shown for typing in by hand
    uri: str
    qr_svg: str  # a data: URI


@dataclass(frozen=True)
class Enrolled:
    sign_in: SignIn
    recovery_codes: list[str]


def _challenge(s: Session, token: str, purpose: str, now: datetime) -> SignInChallenge:
    row = s.exec(select(SignInChallenge).where(SignInChallenge.token_hash == hash_token(token))).first() \
        if looks_like_token(token) else None
    if row is None or row.used_at is not None or row.expires_at <= now or row.purpose != purpose \
            or row.attempts >= MAX_ATTEMPTS:
        raise InvalidLink("mfa.challenge_expired")
    user = s.get(User, row.user_id)
    if user is None or not user.is_active:  # deactivated between the password and the code
        raise InvalidLink("mfa.challenge_expired")
    return row


def enrolment(challenge: str) -> Enrolment:
    """What the set-up step shows: the secret, as a QR code and as text."""
    with db.read() as s:
        row = _challenge(s, challenge, "enroll", utcnow())
        secret, email = factors.unseal(row.pending_secret_enc), s.get(User, row.user_id).email
    uri = factors.provisioning_uri(secret, email)
    return Enrolment(secret=secret, uri=uri, qr_svg=factors.qr_svg(uri))


def _wrong_code(challenge: str, purpose: str, now: datetime) -> None:
    with db.write() as s:
        row = _challenge(s, challenge, purpose, now)
        row.attempts += 1
        user = s.get(User, row.user_id)
        until = count_failure(s, _key(row, user), row.ip or "", now, user, step=purpose)
    if until is not None:
        raise RateLimited(minutes=lock_minutes(until, now))
    raise InvalidInput("mfa.code_wrong")


def _key(row: SignInChallenge, user: User) -> str:
    """A wrong code counts against the account, like a wrong password."""
    return throttle_key(user.email, None, False)


def _finish(s: Session, row: SignInChallenge, user: User, now: datetime) -> SignIn:
    row.used_at = now
    throttle.clear(s, throttle.account_key(user.email))
    token = open_session(s, user, row.ip or "", row.user_agent or "", now, known=row.known_device)
    audit.record(s, "auth.login", actor=actor_for(user, row.ip or ""), object_type="user", object_id=user.id,
                 details={"second_factor": row.purpose})
    return SignIn(exchange_token=token, home_path=actor_for(user).home_path)


def _guard(s: Session, row: SignInChallenge, user: User, now: datetime) -> None:
    """The account's lockout applies to the code too, except on the person's own known browser
    (which passed its own counter at the password); each challenge also allows MAX_ATTEMPTS codes."""
    if row.known_device:
        return
    until = throttle.wait_until(s, rules(), account=_key(row, user), ip=row.ip or "", now=now)
    if until is not None:
        raise RateLimited(minutes=lock_minutes(until, now))


def verify(challenge: str, code: str) -> SignIn:
    """The code from the authenticator (or a recovery code): the session opens."""
    now = utcnow()
    with db.write() as s:
        row = _challenge(s, challenge, "verify", now)
        user = s.get(User, row.user_id)
        _guard(s, row, user, now)
        used_recovery = False
        ok = factors.check_totp(s, user.id, code)
        if not ok:
            ok = used_recovery = factors.check_recovery(s, user.id, code)
        if ok:
            if used_recovery:
                audit.record(s, "auth.recovery_code_used", actor=actor_for(user, row.ip or ""), object_type="user",
                             object_id=user.id)
            return _finish(s, row, user, now)
    _wrong_code(challenge, "verify", now)
    raise AssertionError("unreachable")


def finish_enrolment(challenge: str, code: str) -> Enrolled:
    """The first code from the newly scanned authenticator: it is kept, recovery codes are made
    (shown once), and the session opens."""
    now = utcnow()
    with db.write() as s:
        row = _challenge(s, challenge, "enroll", now)
        user = s.get(User, row.user_id)
        _guard(s, row, user, now)
        secret = factors.unseal(row.pending_secret_enc)
        step = factors.matching_step(secret, code)
        if step is not None:
            codes = factors.enrol(s, user.id, secret, step)
            audit.record(s, "auth.second_factor_enrolled", actor=actor_for(user, row.ip or ""), object_type="user",
                         object_id=user.id)
            return Enrolled(sign_in=_finish(s, row, user, now), recovery_codes=codes)
    _wrong_code(challenge, "enroll", now)
    raise AssertionError("unreachable")


def has_own_factor(actor: Actor) -> bool:
    policy.require(actor, "session.manage_own")
    with db.read() as s:
        return factors.has_factor(s, actor.user_id)


def start_own(actor: Actor) -> tuple[str, Enrolment]:
    """A signed-in person adds an authenticator: a pending secret (kept sealed on a challenge row
    of purpose "add"), returned with its QR code; `confirm_own` keeps it once a code matches."""
    policy.require(actor, "session.manage_own")
    token, secret, now = new_token(), factors.new_secret(), utcnow()
    with db.write() as s:
        s.add(SignInChallenge(user_id=actor.user_id, token_hash=hash_token(token), purpose="add",
                              pending_secret_enc=factors.seal(secret), created_at=now,
                              expires_at=now + timedelta(minutes=15), known_device=True))
    uri = factors.provisioning_uri(secret, actor.email)
    return token, Enrolment(secret=secret, uri=uri, qr_svg=factors.qr_svg(uri))


def confirm_own(actor: Actor, challenge: str, code: str) -> list[str]:
    policy.require(actor, "session.manage_own")
    now = utcnow()
    with db.write() as s:
        row = _challenge(s, challenge, "add", now)
        if row.user_id != actor.user_id:
            raise NotAllowed()
        step = factors.matching_step(factors.unseal(row.pending_secret_enc), code)
        if step is None:
            row.attempts += 1
        else:
            row.used_at = now
            codes = factors.enrol(s, actor.user_id, factors.unseal(row.pending_secret_enc), step)
            audit.record(s, "auth.second_factor_enrolled", actor=actor, object_type="user", object_id=actor.user_id)
            return codes
    raise InvalidInput("mfa.code_wrong")


def reset_for(actor: Actor, user_id: str) -> None:
    """An administrator clears someone's second factor (a lost phone): their sessions end, they are
    told, and they set a new one up at their next sign-in (staff must)."""
    policy.require(actor, "user.reset_second_factor")
    target = policy.parse_uuid(user_id)
    with db.write() as s:
        user = s.get(User, target)
        if user is None:
            raise NotFound()
        had = factors.remove(s, user.id)
        revoked = revoke_all(s, user.id, "second_factor_reset")
        mail.enqueue(s, to_address=user.email, template="second_factor_reset", locale=user.locale, user_id=user.id,
                     name=user.full_name)
        audit.record(s, "auth.second_factor_reset", actor=actor, object_type="user", object_id=user.id,
                     details={"had_factor": had, "sessions_revoked": revoked})


def _refuse_in_production() -> None:
    if get_settings().is_production:
        raise NotAllowed()


def _dev_factor(s: Session, email: str) -> SecondFactor:
    _refuse_in_production()
    user = s.exec(select(User).where(User.email == email.strip().lower())).first()
    factor = s.get(SecondFactor, user.id) if user else None
    if factor is None:
        raise NotFound()
    return factor


def dev_secret(email: str) -> str:
    """Development only: a demo staff member's authenticator key, printed with the demo logins."""
    _refuse_in_production()
    with db.read() as s:
        return factors.unseal(_dev_factor(s, email).secret_enc)


def current_code(email: str) -> str:
    """Development only (the CLI's `users totp-code` and the browser tests): the code a demo staff
    member's authenticator shows now, for the next step not yet used. Refused in production."""
    _refuse_in_production()
    with db.read() as s:
        factor = _dev_factor(s, email)
        found = factors.code_for_next_unused_step(factors.unseal(factor.secret_enc), factor.last_step)
    if found is None:
        raise NotFound()
    return found[0]
