"""The browsers a person has signed in from, known by a long-lived random cookie (only its hash is
stored). A known browser is exempt from a lockout an attacker caused elsewhere (OWASP's "device
cookies"), and a sign-in from a browser the person never used mails them."""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Session, select

from models import KnownDevice, User
from portal_app.services.kernel.tokens import hash_token, looks_like_token
from portal_app.services.messaging import mail


def is_known(s: Session, user_id: uuid.UUID, device_token: str | None) -> bool:
    if not looks_like_token(device_token):
        return False
    return s.exec(select(KnownDevice.id).where(KnownDevice.user_id == user_id,
                                               KnownDevice.device_hash == hash_token(device_token))).first() is not None


def remember(s: Session, user_id: uuid.UUID, device_token: str | None, now: datetime) -> None:
    if not looks_like_token(device_token):
        return
    row = s.exec(select(KnownDevice).where(KnownDevice.user_id == user_id,
                                           KnownDevice.device_hash == hash_token(device_token))).first()
    if row is None:
        s.add(KnownDevice(user_id=user_id, device_hash=hash_token(device_token), first_seen_at=now, last_seen_at=now))
    else:
        row.last_seen_at = now


def mail_if_new(s: Session, user: User, *, known: bool, ip: str, user_agent: str, when: str) -> bool:
    """A sign-in from a browser this person has not used before, when they have used others:
    tell them (their very first sign-in is not news). Returns whether a mail was queued."""
    if known or s.exec(select(KnownDevice.id).where(KnownDevice.user_id == user.id)).first() is None:
        return False
    mail.enqueue(s, to_address=user.email, template="new_device", locale=user.locale, user_id=user.id,
                 name=user.full_name, when=when, ip=ip or "?", device=(user_agent or "?")[:120])
    return True
