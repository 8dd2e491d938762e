"""Signing in as the tests need it, second factor included: the code an authenticator would show
now, computed from the secret in the database (like a phone holding the same key)."""
from __future__ import annotations

import time

import pyotp
from sqlmodel import select

from models import SecondFactor, User
from portal_app.services.identity import auth, factors, second_step
from portal_app.services.kernel import db


def authenticator_code(email: str) -> str:
    """The code for the earliest step not used yet (a code works once; tests sign in often)."""
    for _ in range(40):
        with db.read() as s:
            user = s.exec(select(User).where(User.email == email.strip().lower())).one()
            factor = s.get(SecondFactor, user.id)
            found = factors.code_for_next_unused_step(factors.unseal(factor.secret_enc), factor.last_step)
        if found is not None:
            return found[0]
        time.sleep(1)  # both codes in reach were used: the next one comes within 30 s
    raise AssertionError(f"no unused authenticator code for {email}")


def full_sign_in(email: str, password: str, **kwargs) -> auth.SignIn:
    """`auth.sign_in` and, when it asks, the second step: the code of the person's authenticator, or
    for staff without one its set-up (scanning the QR code is reading its secret)."""
    signed = auth.sign_in(email, password, **kwargs)
    if signed.step == "verify":
        return second_step.verify(signed.challenge, authenticator_code(email))
    if signed.step == "enroll":
        secret = second_step.enrolment(signed.challenge).secret
        return second_step.finish_enrolment(signed.challenge, pyotp.TOTP(secret).now()).sign_in
    return signed


def session_token(email: str, password: str, **kwargs) -> str:
    token, _max_age = auth.exchange(full_sign_in(email, password, **kwargs).exchange_token)
    return token
