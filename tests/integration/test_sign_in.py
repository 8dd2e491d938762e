"""Signing in: server-side sessions, the single-use exchange, expiry, lockout per account and
per IP with a message that never reveals whether an account exists."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models import AuditEvent, AuthSession, utcnow
from portal_app.services.identity import auth, passwords, sessions
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import InvalidInput, InvalidLink, NotAllowed, RateLimited, SignInFailed
from portal_app.services.kernel.tokens import hash_token
from tests.world import build_world
from tests.identity_helpers import full_sign_in

PASSWORD = "correct horse battery"
HASH = passwords.hash_password(PASSWORD)


@pytest.fixture
def world(portal_db):
    return build_world(password_hash=HASH)


def _session_token(email: str, password: str = PASSWORD, ip: str = "10.0.0.1") -> str:
    signed = full_sign_in(email, password, ip=ip, user_agent="pytest")
    token, _max_age = auth.exchange(signed.exchange_token)
    return token


def _actions() -> list[str]:
    with db.read() as s:
        return list(s.exec(select(AuditEvent.action).order_by(AuditEvent.seq)).all())


def test_sign_in_exchange_and_resolve(world):
    token = _session_token("Client@Firm.example ")
    actor = auth.resolve(token)
    assert actor.user_id == world.users["client"].id and actor.role == "client"
    assert actor.client_id == world.clients["client"].id and actor.home_path == "/client"
    with db.read() as s:
        row = s.exec(select(AuthSession)).one()
    assert row.token_hash == hash_token(token) and token not in (row.token_hash, row.exchange_hash)
    assert "auth.login" in _actions()


def test_exchange_token_is_single_use_and_short_lived(world):
    signed = auth.sign_in("client@firm.example", PASSWORD)
    auth.exchange(signed.exchange_token)
    with pytest.raises(InvalidLink):
        auth.exchange(signed.exchange_token)
    late = auth.sign_in("client@firm.example", PASSWORD)
    with pytest.raises(InvalidLink):
        auth.exchange(late.exchange_token, now=utcnow() + timedelta(seconds=auth.EXCHANGE_SECONDS + 1))
    with pytest.raises(InvalidLink):
        auth.exchange("../../etc/passwd")


def test_wrong_password_and_unknown_account_get_the_same_answer(world):
    with pytest.raises(SignInFailed) as wrong:
        auth.sign_in("client@firm.example", "not the password")
    with pytest.raises(SignInFailed) as unknown:
        auth.sign_in("nobody@firm.example", "not the password")
    assert wrong.value.message() == unknown.value.message() == "The e-mail address or password is not correct."
    assert _actions().count("auth.login_failed") == 2


@pytest.mark.parametrize("email", ["client@firm.example", "nobody@firm.example"])
def test_account_lockout_after_five_failures_for_known_and_unknown(world, email):
    now = utcnow()
    for _ in range(4):
        with pytest.raises(SignInFailed):
            auth.sign_in(email, "wrong", ip="10.0.0.9", now=now)
    with pytest.raises(RateLimited) as locked:
        auth.sign_in(email, "wrong", ip="10.0.0.9", now=now)
    assert "15 minutes" in locked.value.message()
    with pytest.raises(RateLimited):  # even the right password waits
        auth.sign_in(email, PASSWORD, ip="10.0.0.10", now=now + timedelta(minutes=5))
    if email.startswith("client"):
        assert auth.sign_in(email, PASSWORD, ip="10.0.0.10", now=now + timedelta(minutes=16))


def test_an_attack_from_one_address_never_locks_out_the_others_behind_it(world):
    """Issue 11 hole 2: twenty failures from one address (the office's proxy, say) used to lock
    sign-in for every account behind it, correct passwords included."""
    now, proxy = utcnow(), "203.0.113.5"
    for i in range(24):  # spraying: many accounts, a few guesses each, all from one address
        with pytest.raises((SignInFailed, RateLimited)):
            auth.sign_in(f"guess{i // 3}@firm.example", "wrong", ip=proxy, now=now)
    with pytest.raises(RateLimited):  # an account the attacker already tried: refused from there
        auth.sign_in("guess0@firm.example", "wrong", ip=proxy, now=now)
    with pytest.raises(SignInFailed):  # the attacker turns to a real account: one guess...
        auth.sign_in("client@firm.example", "wrong", ip=proxy, now=now)
    with pytest.raises(RateLimited):  # ...then that account is refused from the marked address
        auth.sign_in("client@firm.example", "wrong again", ip=proxy, now=now)
    # a colleague behind the same address, whose account was not attacked, signs in at once
    assert auth.sign_in("other_client@firm.example", PASSWORD, ip=proxy, now=now).exchange_token
    assert auth.sign_in("client@firm.example", PASSWORD, ip="198.51.100.1", now=now).exchange_token
    with pytest.raises(SignInFailed):  # a fresh account gets one guess from the marked address...
        auth.sign_in("guess50@firm.example", "wrong", ip=proxy, now=now)
    with pytest.raises(RateLimited):  # ...and no second one
        auth.sign_in("guess50@firm.example", "wrong again", ip=proxy, now=now)


def test_an_account_under_attack_backs_off_longer_each_time(world):
    now = utcnow()
    waits = []
    for round_ in range(3):
        for _ in range(4):
            with pytest.raises(SignInFailed):
                auth.sign_in("client@firm.example", "wrong", ip=f"10.1.0.{round_}", now=now)
        with pytest.raises(RateLimited) as locked:
            auth.sign_in("client@firm.example", "wrong", ip=f"10.1.0.{round_}", now=now)
        waits.append(locked.value.params["minutes"])
        now += timedelta(minutes=waits[-1] + 1)
    assert waits == [15, 30, 60]
    assert auth.sign_in("client@firm.example", PASSWORD, ip="10.1.0.9", now=now).exchange_token
    with pytest.raises(SignInFailed):  # a success clears the back-off: a typo is a typo again
        auth.sign_in("client@firm.example", "wrong", ip="10.1.0.9", now=now)


def test_the_owners_own_browser_is_not_locked_out_by_an_attacker(world):
    device = "device-cookie-of-the-owners-phone-0001"
    first = auth.sign_in("client@firm.example", PASSWORD, ip="10.0.0.1")
    auth.exchange(first.exchange_token, device=device)  # the exchange route remembers this browser
    now = utcnow()
    for _ in range(5):
        with pytest.raises((SignInFailed, RateLimited)):
            auth.sign_in("client@firm.example", "wrong", ip="203.0.113.9", now=now)
    with pytest.raises(RateLimited):
        auth.sign_in("client@firm.example", PASSWORD, ip="203.0.113.9", now=now)
    assert auth.sign_in("client@firm.example", PASSWORD, ip="10.0.0.1", device=device, now=now).exchange_token
    with pytest.raises(RateLimited):  # a made-up device cookie is no way round it
        auth.sign_in("client@firm.example", PASSWORD, ip="203.0.113.9", device="made-up-cookie-value-00000001",
                     now=now)


def test_sessions_expire_absolutely_and_when_idle(world):
    active, idle = _session_token("client@firm.example"), _session_token("client@firm.example")
    assert auth.resolve(active, now=utcnow() + timedelta(minutes=119)) is not None
    assert auth.resolve(idle, now=utcnow() + timedelta(minutes=121)) is None  # idle for more than 2 h
    assert auth.resolve(active, now=utcnow() + timedelta(minutes=200)) is not None  # activity moved it on
    fresh = _session_token("client@firm.example")
    later = utcnow()
    for hours in range(1, 12):
        assert auth.resolve(fresh, now=later + timedelta(hours=hours)) is not None
    assert auth.resolve(fresh, now=later + timedelta(hours=12, minutes=1)) is None


@pytest.mark.parametrize("bad", [None, "", "short", "x" * 500, "'; DROP TABLE user; --" * 3, "a" * 43])
def test_malformed_or_unknown_tokens_resolve_to_nobody(world, bad):
    assert auth.resolve(bad) is None


def test_logout_revokes_the_session(world):
    token = _session_token("client@firm.example")
    auth.sign_out(auth.resolve(token))
    assert auth.resolve(token) is None
    assert _actions()[-1] == "auth.logout"


def test_list_and_revoke_own_sessions_only(world):
    mine_a = _session_token("client@firm.example")
    mine_b = _session_token("client@firm.example", ip="10.0.0.2")
    theirs = _session_token("other_client@firm.example")
    me = auth.resolve(mine_a)
    listed = sessions.list_own(me)
    assert len(listed) == 2 and sum(r.current for r in listed) == 1
    other_id = next(r.id for r in listed if not r.current)
    sessions.revoke_own(me, other_id)
    assert auth.resolve(mine_b) is None and auth.resolve(mine_a) is not None
    their_id = sessions.list_own(auth.resolve(theirs))[0].id
    with pytest.raises(NotAllowed):
        sessions.revoke_own(me, their_id)
    assert auth.resolve(theirs) is not None


def test_password_change_signs_out_other_sessions(world):
    keep, drop = _session_token("client@firm.example"), _session_token("client@firm.example")
    me = auth.resolve(keep)
    with pytest.raises(InvalidInput, match="password.current_wrong"):
        sessions.change_password(me, "wrong current", "a brand new passphrase", "a brand new passphrase")
    with pytest.raises(InvalidInput, match="password.too_short"):
        sessions.change_password(me, PASSWORD, "short", "short")
    assert sessions.change_password(me, PASSWORD, "a brand new passphrase", "a brand new passphrase") == 1
    assert auth.resolve(keep) is not None and auth.resolve(drop) is None
    with pytest.raises(SignInFailed):
        auth.sign_in("client@firm.example", PASSWORD)
    assert auth.sign_in("client@firm.example", "a brand new passphrase")


def test_deactivated_user_is_signed_out_everywhere(world):
    token = _session_token("client@firm.example")
    with db.write() as s:
        s.get(type(world.users["client"]), world.users["client"].id).is_active = False
    assert auth.resolve(token) is None
    with pytest.raises(SignInFailed):
        auth.sign_in("client@firm.example", PASSWORD)
