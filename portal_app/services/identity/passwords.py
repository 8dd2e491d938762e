"""Password hashing (argon2id) and the password rules.

Parameters are argon2-cffi's RFC 9106 "low memory" profile (t=3, m=64 MiB, p=4), above OWASP's
minimum for argon2id (m=19 MiB, t=2, p=1). One hash takes ~0.1 s: callers run it in a thread.
"""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from portal_app.services.kernel.errors import InvalidInput

HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4, hash_len=32, salt_len=16)
MIN_LENGTH, MAX_LENGTH = 12, 128
COMMON = frozenset({
    "password1234", "123456789012", "qwertyuiop12", "iloveyou1234", "passwordpassword",
    "abcdefghijkl", "111111111111", "letmein12345", "welcome12345", "administrator",
})
# A real hash of a random string: verifying against it when the account is unknown makes a
# wrong e-mail address cost as much time as a wrong password.
_DUMMY_HASH = HASHER.hash("not-a-real-password-only-for-timing")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return HASHER.check_needs_rehash(stored_hash)


def check_new_password(password: str, confirm: str, *, email: str = "") -> None:
    """Raise InvalidInput with a specific message when a new password is not acceptable."""
    if password != confirm:
        raise InvalidInput("password.mismatch")
    if len(password) < MIN_LENGTH:
        raise InvalidInput("password.too_short", min=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        raise InvalidInput("password.too_long", max=MAX_LENGTH)
    lowered = password.lower()
    local_part = email.split("@")[0].lower()
    if lowered in COMMON or len(set(password)) < 4:
        raise InvalidInput("password.too_common")
    if len(local_part) >= 4 and local_part in lowered:
        raise InvalidInput("password.contains_email")
