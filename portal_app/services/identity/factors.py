"""Second factors: TOTP (RFC 6238, 30-second steps, 6 digits: every authenticator app) and
one-time recovery codes.

The TOTP secret is encrypted with the master keys (MultiFernet, like files' data keys; ASVS
2.8.1); a code is accepted once (the step it was made for must be later than the last accepted
one: ASVS 2.8.4), one step of clock drift either way. Recovery codes are 10 random codes of 10
characters (about 50 bits each), stored as HMACs keyed with the secret key, each usable once
(ASVS 2.6).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid

import pyotp
import segno
from cryptography.fernet import Fernet, MultiFernet
from sqlmodel import Session, select

from models import RecoveryCode, SecondFactor, User, utcnow
from portal_app.services.kernel import policy
from portal_app.services.kernel.settings import get_settings

STEP_SECONDS, DRIFT_STEPS, RECOVERY_COUNT = 30, 1, 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k.get_secret_value()) for k in get_settings().master_keys])


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode("ascii")).decode("ascii")


def unseal(sealed: str) -> str:
    return _fernet().decrypt(sealed.encode("ascii")).decode("ascii")


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, RFC 4226's recommendation


def required_for(user: User) -> bool:
    """Staff must have a second factor; clients and HR contacts may."""
    return policy.is_staff_role(user.role)


def has_factor(s: Session, user_id: uuid.UUID) -> bool:
    return s.get(SecondFactor, user_id) is not None


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=get_settings().firm_name)


def qr_svg(uri: str) -> str:
    """The QR code of the provisioning URI as an SVG data URI, made here (never by a web service)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _steps_around(now: float) -> list[int]:
    current = int(now // STEP_SECONDS)
    return [current + d for d in range(-DRIFT_STEPS, DRIFT_STEPS + 1)]


def matching_step(secret: str, code: str, *, after: int = 0, now: float | None = None) -> int | None:
    """The step (later than `after`) whose code this is, or None."""
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    for step in _steps_around(time.time() if now is None else now):
        if step > after and secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def code_for_next_unused_step(secret: str, after: int, now: float | None = None) -> tuple[str, int] | None:
    """The code for the earliest step not yet used that a check would accept now (for the dev CLI
    and the tests, who sign in as staff several times a minute)."""
    current = int((time.time() if now is None else now) // STEP_SECONDS)
    for step in (current, current + DRIFT_STEPS):
        if step > after:
            return pyotp.TOTP(secret).at(step * STEP_SECONDS), step
    return None


def check_totp(s: Session, user_id: uuid.UUID, code: str) -> bool:
    factor = s.get(SecondFactor, user_id)
    if factor is None:
        return False
    step = matching_step(unseal(factor.secret_enc), code, after=factor.last_step)
    if step is None:
        return False
    factor.last_step = step
    return True


def _code_hash(user_id: uuid.UUID, code: str) -> str:
    """HMAC-SHA256 keyed with PORTAL_SECRET_KEY (never in the database) over the person and the code:
    a copy of the database alone cannot be searched for the ~50-bit codes (ASVS 2.6.2)."""
    key = get_settings().secret_key.get_secret_value().encode("utf-8")
    return hmac.new(key, f"recovery\x00{user_id}\x00{code}".encode("utf-8"), hashlib.sha256).hexdigest()


def _normalise_recovery(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def check_recovery(s: Session, user_id: uuid.UUID, code: str) -> bool:
    cleaned = _normalise_recovery(code)
    if len(cleaned) != 10:
        return False
    row = s.exec(select(RecoveryCode).where(RecoveryCode.user_id == user_id,
                                            RecoveryCode.code_hash == _code_hash(user_id, cleaned),
                                            RecoveryCode.used_at.is_(None))).first()
    if row is None:
        return False
    row.used_at = utcnow()
    return True


def new_recovery_codes(s: Session, user_id: uuid.UUID) -> list[str]:
    """Replace the person's recovery codes; the plain codes are shown once and never again."""
    for old in s.exec(select(RecoveryCode).where(RecoveryCode.user_id == user_id)).all():
        s.delete(old)
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_COUNT)]
    for code in codes:
        s.add(RecoveryCode(user_id=user_id, code_hash=_code_hash(user_id, code)))
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def enrol(s: Session, user_id: uuid.UUID, secret: str, step: int) -> list[str]:
    existing = s.get(SecondFactor, user_id)
    if existing is not None:
        s.delete(existing)
        s.flush()
    s.add(SecondFactor(user_id=user_id, secret_enc=seal(secret), enrolled_at=utcnow(), last_step=step))
    return new_recovery_codes(s, user_id)


def remove(s: Session, user_id: uuid.UUID) -> bool:
    factor = s.get(SecondFactor, user_id)
    for old in s.exec(select(RecoveryCode).where(RecoveryCode.user_id == user_id)).all():
        s.delete(old)
    if factor is not None:
        s.delete(factor)
    return factor is not None

