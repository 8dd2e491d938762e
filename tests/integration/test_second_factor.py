"""Staff sign in with a second factor (issue 11): TOTP (RFC 6238) with one-time recovery codes,
required for every staff role (set up at the first sign-in), offered to clients and HR contacts;
an administrator's reset is audited; a sign-in from a new browser mails the person."""
from __future__ import annotations

import secrets
import subprocess
import sys
import time

import pyotp
from cryptography.fernet import Fernet
import pytest
from sqlmodel import select

from models import AuditEvent, AuthSession, OutboxMessage, RecoveryCode, SecondFactor
from portal_app.services.identity import auth, factors, passwords, second_step
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import InvalidInput, InvalidLink, NotAllowed, RateLimited
from tests.identity_helpers import authenticator_code, full_sign_in
from tests.world import build_world

PASSWORD = "correct horse battery"
HASH = passwords.hash_password(PASSWORD)


@pytest.fixture
def world(portal_db):
    return build_world(password_hash=HASH)


def _actions() -> list[str]:
    with db.read() as s:
        return list(s.exec(select(AuditEvent.action).order_by(AuditEvent.seq)).all())


def _enrol(email: str) -> tuple[str, list[str]]:
    signed = auth.sign_in(email, PASSWORD)
    secret = second_step.enrolment(signed.challenge).secret
    enrolled = second_step.finish_enrolment(signed.challenge, pyotp.TOTP(secret).now())
    auth.exchange(enrolled.sign_in.exchange_token)
    return secret, enrolled.recovery_codes


@pytest.mark.parametrize("role", ["admin", "attorney", "paralegal", "billing"])
def test_no_staff_role_gets_a_session_with_the_password_alone(world, role):
    signed = auth.sign_in(f"{role}@firm.example", PASSWORD)
    assert signed.step == "enroll" and signed.exchange_token == "" and signed.challenge
    with pytest.raises(InvalidLink):
        auth.exchange(signed.challenge)  # the challenge is no session
    with db.read() as s:
        assert s.exec(select(AuthSession)).all() == []
    enrolment = second_step.enrolment(signed.challenge)
    assert enrolment.qr_svg.startswith("data:image/svg+xml") and enrolment.uri.startswith("otpauth://totp/")
    with pytest.raises(InvalidInput):
        second_step.finish_enrolment(signed.challenge, "000000")
    enrolled = second_step.finish_enrolment(signed.challenge, pyotp.TOTP(enrolment.secret).now())
    assert len(enrolled.recovery_codes) == 10 and auth.resolve(auth.exchange(enrolled.sign_in.exchange_token)[0])
    again = auth.sign_in(f"{role}@firm.example", PASSWORD)
    assert again.step == "verify" and again.exchange_token == ""
    assert "auth.second_factor_enrolled" in _actions()


def test_a_code_works_once_and_a_wrong_one_is_refused(world):
    secret, _codes = _enrol("attorney@firm.example")
    with db.read() as s:
        stored = s.exec(select(SecondFactor)).one()
    assert secret not in stored.secret_enc and factors.unseal(stored.secret_enc) == secret  # sealed at rest
    signed = auth.sign_in("attorney@firm.example", PASSWORD)
    with pytest.raises(InvalidInput):
        second_step.verify(signed.challenge, "123456" if pyotp.TOTP(secret).now() != "123456" else "654321")
    code = authenticator_code("attorney@firm.example")
    assert second_step.verify(signed.challenge, code).exchange_token
    replay = auth.sign_in("attorney@firm.example", PASSWORD)
    with pytest.raises(InvalidInput):  # the same code, seconds later (seen over a shoulder)
        second_step.verify(replay.challenge, code)
    with pytest.raises(InvalidLink):  # a used challenge is dead
        second_step.verify(signed.challenge, authenticator_code("attorney@firm.example"))


def test_guessing_codes_ends_the_challenge_and_locks_the_account(world):
    """Someone with the password guessing 6-digit codes: each wrong code counts against the
    account like a wrong password, and the challenge dies after MAX_ATTEMPTS."""
    _enrol("paralegal@firm.example")
    signed = auth.sign_in("paralegal@firm.example", PASSWORD)
    for _ in range(second_step.MAX_ATTEMPTS - 1):
        with pytest.raises(InvalidInput):
            second_step.verify(signed.challenge, "000001")
    with pytest.raises(RateLimited):
        second_step.verify(signed.challenge, "000001")
    with pytest.raises(InvalidLink):
        second_step.verify(signed.challenge, authenticator_code("paralegal@firm.example"))
    with pytest.raises(RateLimited):  # and a new challenge needs the password, which now waits
        auth.sign_in("paralegal@firm.example", PASSWORD)


def test_a_recovery_code_signs_in_once(world):
    _secret, codes = _enrol("billing@firm.example")
    with db.read() as s:
        hashes = [r.code_hash for r in s.exec(select(RecoveryCode)).all()]
    assert len(hashes) == 10 and not any(code.replace("-", "") in h for code in codes for h in hashes)
    signed = auth.sign_in("billing@firm.example", PASSWORD)
    assert second_step.verify(signed.challenge, codes[3].upper()).exchange_token
    again = auth.sign_in("billing@firm.example", PASSWORD)
    with pytest.raises(InvalidInput):
        second_step.verify(again.challenge, codes[3])
    assert "auth.recovery_code_used" in _actions()


def test_a_client_may_add_an_authenticator_and_is_then_asked_for_it(world):
    client = auth.resolve(auth.exchange(auth.sign_in("client@firm.example", PASSWORD).exchange_token)[0])
    assert not second_step.has_own_factor(client)
    challenge, enrolment = second_step.start_own(client)
    other = auth.resolve(auth.exchange(auth.sign_in("other_client@firm.example", PASSWORD).exchange_token)[0])
    with pytest.raises(NotAllowed):  # nobody confirms somebody else's
        second_step.confirm_own(other, challenge, pyotp.TOTP(enrolment.secret).now())
    assert len(second_step.confirm_own(client, challenge, pyotp.TOTP(enrolment.secret).now())) == 10
    assert auth.sign_in("client@firm.example", PASSWORD).step == "verify"
    assert full_sign_in("client@firm.example", PASSWORD).exchange_token


def test_an_admins_reset_is_audited_ends_sessions_and_tells_the_person(world):
    _enrol("attorney@firm.example")
    with pytest.raises(NotAllowed):
        second_step.reset_for(world.actor("attorney"), str(world.users["attorney"].id))
    token, _ = auth.exchange(full_sign_in("attorney@firm.example", PASSWORD).exchange_token)
    second_step.reset_for(world.actor("admin"), str(world.users["attorney"].id))
    assert auth.resolve(token) is None
    assert auth.sign_in("attorney@firm.example", PASSWORD).step == "enroll"  # set up again, no way around it
    with db.read() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "auth.second_factor_reset")).one()
        mails = s.exec(select(OutboxMessage.template).where(OutboxMessage.to_address == "attorney@firm.example")).all()
    assert event.actor_id == world.users["admin"].id and "second_factor_reset" in mails


def test_a_sign_in_from_a_new_browser_mails_the_person(world):
    first = auth.sign_in("client@firm.example", PASSWORD, ip="10.0.0.1", user_agent="Phone", device=None)
    auth.exchange(first.exchange_token, device="device-cookie-phone-000000000001")

    def mails() -> int:
        with db.read() as s:
            return len(s.exec(select(OutboxMessage).where(OutboxMessage.template == "new_device")).all())

    auth.sign_in("client@firm.example", PASSWORD, device="device-cookie-phone-000000000001")
    assert mails() == 0  # the same phone again
    auth.sign_in("client@firm.example", PASSWORD, ip="198.51.100.7", user_agent="Unknown laptop", device=None)
    assert mails() == 1
    with db.read() as s:
        body = s.exec(select(OutboxMessage.body_text).where(OutboxMessage.template == "new_device")).one()
    assert "198.51.100.7" in body and "Unknown laptop" in body


def test_the_cli_prints_a_demo_code_in_development_and_refuses_in_production(world, tmp_path):
    secret, _ = _enrol("attorney@firm.example")
    run = lambda env: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "portal_app.cli", "users", "totp-code", "attorney@firm.example"],
        capture_output=True, text=True, env=env)
    import os

    env = dict(os.environ)
    printed = run(env)
    assert printed.returncode == 0, printed.stderr
    step = int(time.time() // 30)
    assert printed.stdout.strip() in {pyotp.TOTP(secret).at(s * 30) for s in (step, step + 1)}
    production = {**env, "PORTAL_ENV": "production", "PORTAL_SECRET_KEY": secrets.token_urlsafe(48),
                  "PORTAL_MASTER_KEYS": Fernet.generate_key().decode(), "PORTAL_PAYMENTS": "sandbox",
                  "PORTAL_AUDIT_CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
                  "PORTAL_PUBLIC_URL": "https://portal.example.com"}
    refused = run(production)
    assert refused.returncode == 2 and "refused" in refused.stderr and refused.stdout == "", refused.stderr
