"""Invitations and password resets: single-use links that expire, mail through the outbox."""
from __future__ import annotations

import io
import re
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from models import AuditEvent, Client, Invitation, OutboxMessage, User, utcnow
from portal_app.services.identity import auth, invitations, passwords
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import Conflict, InvalidInput, InvalidLink, NotAllowed, SignInFailed
from portal_app.services.messaging import mail
from tests.world import build_world

NEW_PASSWORD = "a long enough passphrase"


@pytest.fixture
def world(portal_db):
    return build_world(password_hash=passwords.hash_password("existing password 1"))


def _last_link(kind: str = "invitation") -> str:
    with db.read() as s:
        body = s.exec(select(OutboxMessage.body_text).order_by(OutboxMessage.created_at.desc())).first()
    return re.search(rf"/{kind}/([A-Za-z0-9_-]+)", body).group(1)


def test_staff_invite_a_new_client_who_sets_a_password(world):
    sent = invitations.invite_client(world.actor("paralegal"), full_name="  Jane   Doe ", email="Jane@Example.com")
    assert sent.email == "jane@example.com"
    with db.read() as s:
        message = s.exec(select(OutboxMessage)).one()
        client = s.exec(select(Client).where(Client.email == "jane@example.com")).one()
    assert message.status == "pending" and message.subject.startswith("Your secure portal")
    assert "Jane Doe" in message.body_text and client.full_name == "Jane Doe"
    token = _last_link()
    assert invitations.peek(token).email == "jane@example.com"
    signed = invitations.accept(token, NEW_PASSWORD, NEW_PASSWORD, ip="10.1.1.1")
    assert signed.home_path == "/client"
    session_token, _ = auth.exchange(signed.exchange_token)
    assert auth.resolve(session_token).client_id == client.id
    assert auth.sign_in("jane@example.com", NEW_PASSWORD)
    with db.read() as s:
        actions = s.exec(select(AuditEvent.action)).all()
    assert {"invitation.sent", "invitation.accepted", "auth.login"} <= set(actions)


def test_link_is_single_use(world):
    invitations.invite_client(world.actor("attorney"), full_name="Jane Doe", email="jane@example.com")
    token = _last_link()
    invitations.accept(token, NEW_PASSWORD, NEW_PASSWORD)
    with pytest.raises(InvalidLink) as used:
        invitations.accept(token, "another passphrase!", "another passphrase!")
    assert "already been used" in used.value.message()
    with pytest.raises(InvalidLink):
        invitations.peek(token)


def test_expired_link_is_refused_and_changes_nothing(world):
    invitations.invite_client(world.actor("attorney"), full_name="Jane Doe", email="jane@example.com")
    token = _last_link()
    with db.write() as s:
        s.execute(sa.update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
    with pytest.raises(InvalidLink) as expired:
        invitations.accept(token, NEW_PASSWORD, NEW_PASSWORD)
    assert "expired" in expired.value.message()
    with db.read() as s:
        assert s.exec(select(User).where(User.email == "jane@example.com")).one().password_hash is None


def test_new_invitation_supersedes_the_old_link(world):
    actor = world.actor("attorney")
    invitations.invite_client(actor, full_name="Jane Doe", email="jane@example.com")
    first = _last_link()
    invitations.invite_client(actor, full_name="Jane Doe", email="jane@example.com")
    with pytest.raises(InvalidLink, match="invite.link_superseded"):
        invitations.peek(first)
    assert invitations.peek(_last_link()).email == "jane@example.com"


@pytest.mark.parametrize("token", ["", "nope", "A" * 43, "../../../etc", "x" * 200])
def test_malformed_or_unknown_links(world, token):
    with pytest.raises(InvalidLink):
        invitations.peek(token)


@pytest.mark.parametrize("password,confirm,code", [
    ("short", "short", "password.too_short"),
    ("a long enough passphrase", "a different passphrase", "password.mismatch"),
    ("aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa", "password.too_common"),
    ("janedoe-is-my-pass", "janedoe-is-my-pass", "password.contains_email"),
])
def test_weak_passwords_are_refused_and_the_link_stays_usable(world, password, confirm, code):
    invitations.invite_client(world.actor("attorney"), full_name="Jane Doe", email="janedoe@example.com")
    token = _last_link()
    with pytest.raises(InvalidInput) as bad:
        invitations.accept(token, password, confirm)
    assert bad.value.code == code and bad.value.message() != code
    assert invitations.peek(token).email == "janedoe@example.com"


def test_bad_invite_input_and_conflicts(world):
    actor = world.actor("attorney")
    with pytest.raises(InvalidInput, match="invite.email_invalid"):
        invitations.invite_client(actor, full_name="Jane", email="jane-at-example")
    with pytest.raises(InvalidInput, match="invite.name_required"):
        invitations.invite_client(actor, full_name="   ", email="jane@example.com")
    with pytest.raises(Conflict):
        invitations.invite_client(actor, full_name="Client", email="client@firm.example")
    with pytest.raises(NotAllowed):
        invitations.invite_client(world.actor("client"), full_name="Friend", email="friend@example.com")
    with pytest.raises(NotAllowed):  # a client on a matter this attorney is not assigned to
        invitations.invite_client(actor, full_name="X", email="x@example.com",
                                  client_id=str(world.clients["other_client"].id))
    with db.read() as s:
        assert s.exec(select(sa.func.count()).select_from(OutboxMessage)).one() == 0


def test_hr_contact_invitation_is_limited_to_organizations_on_my_matters(world):
    sent = invitations.invite_hr_contact(world.actor("attorney"), full_name="Helen HR", email="helen@acme.example",
                                         organization_id=str(world.org.id))
    with db.read() as s:
        user = s.get(User, uuid.UUID(sent.user_id))
    assert user.role == "hr_liaison" and user.organization_id == world.org.id
    with pytest.raises(NotAllowed):
        invitations.invite_hr_contact(world.actor("other_attorney"), full_name="Eve", email="eve@acme.example",
                                      organization_id=str(world.org.id))


def test_password_reset_for_known_and_unknown_addresses(world):
    invitations.request_reset("nobody@example.com")
    with db.read() as s:
        assert s.exec(select(sa.func.count()).select_from(OutboxMessage)).one() == 0
    old_session, _ = auth.exchange(auth.sign_in("client@firm.example", "existing password 1").exchange_token)
    invitations.request_reset("CLIENT@firm.example")
    token = _last_link("reset")
    assert invitations.peek(token).purpose == "reset"
    invitations.accept(token, NEW_PASSWORD, NEW_PASSWORD)
    assert auth.resolve(old_session) is None
    with pytest.raises(SignInFailed):
        auth.sign_in("client@firm.example", "existing password 1")
    with pytest.raises(InvalidInput):
        invitations.request_reset("not an address")


def test_outbox_is_delivered_to_the_console_once(world):
    invitations.invite_client(world.actor("attorney"), full_name="Jane Doe", email="jane@example.com")
    out = io.StringIO()
    assert mail.deliver_pending(mail.ConsoleSender(out)) == 1
    assert "mail to jane@example.com" in out.getvalue() and "/invitation/" in out.getvalue()
    assert mail.deliver_pending(mail.ConsoleSender(out)) == 0


def test_failed_delivery_is_recorded_and_retried(world):
    invitations.invite_client(world.actor("attorney"), full_name="Jane Doe", email="jane@example.com")

    class Broken:
        def send(self, message):
            raise ConnectionRefusedError("smtp down")

    assert mail.deliver_pending(Broken()) == 0
    with db.read() as s:
        message = s.exec(select(OutboxMessage)).one()
    assert message.status == "pending" and message.attempts == 1 and "smtp down" in message.last_error
    assert mail.deliver_pending(mail.ConsoleSender(io.StringIO())) == 0  # backs off before the next attempt
    later = message.next_attempt_at + timedelta(seconds=1)
    assert mail.deliver_pending(mail.ConsoleSender(io.StringIO()), now=later) == 1


@pytest.mark.parametrize("kind", ["invitation", "reset"])
def test_opening_a_link_as_a_mail_scanner_does_never_uses_it_up(world, kind):
    """Issue 11: Safe Links and other filters open every link before the person does. Opening the
    page (its load runs `peek`) twice changes nothing; only the person's form (`accept`) uses it."""
    if kind == "invitation":
        invitations.invite_client(world.actor("paralegal"), full_name="Scan Ned", email="ned@example.com")
        email = "ned@example.com"
    else:
        invitations.request_reset("client@firm.example")
        email = "client@firm.example"
    token = _last_link(kind)
    with db.read() as s:
        before = s.exec(select(Invitation.used_at, Invitation.superseded_at)).all()
    for _ in range(2):
        assert invitations.peek(token).email == email
    with db.read() as s:
        assert s.exec(select(Invitation.used_at, Invitation.superseded_at)).all() == before
        assert s.exec(select(sa.func.count()).select_from(sa.table("auth_session"))).one() == 0
    signed = invitations.accept(token, NEW_PASSWORD, NEW_PASSWORD)
    assert auth.resolve(auth.exchange(signed.exchange_token)[0]).email == email
    with pytest.raises(InvalidLink):
        invitations.peek(token)
