"""The administrator's outbox: every message with its state and body, a resend that queues a copy,
both audited; nobody else may read or resend."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models import AuditEvent, OutboxMessage
from portal_app.services.identity import invitations
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import Conflict, NotAllowed, NotFound
from portal_app.services.messaging import mail, outbox
from portal_app.services.messaging.senders import PermanentMailError
from tests.world import build_world


class Refusing:
    def send(self, message):
        raise PermanentMailError("550 no such mailbox")


@pytest.fixture
def world(portal_db):
    return build_world()


def test_admin_sees_every_message_its_state_and_body(world):
    invitations.invite_client(world.actor("paralegal"), full_name="Jane Doe", email="jane@example.com")
    invitations.invite_client(world.actor("paralegal"), full_name="Sam Roe", email="sam@example.com")
    mail.deliver_pending(Refusing())  # both fail for good
    with db.write() as s:
        sent = s.exec(select(OutboxMessage).where(OutboxMessage.to_address == "sam@example.com")).one()
        sent.status, sent.last_error = "sent", None
    listed = outbox.messages(world.actor("admin"))
    assert {(m.to_address, m.status) for m in listed} == {("jane@example.com", "failed"), ("sam@example.com", "sent")}
    failed = outbox.messages(world.actor("admin"), status="failed")
    assert [m.to_address for m in failed] == ["jane@example.com"] and "550" in failed[0].last_error
    assert [m.to_address for m in outbox.messages(world.actor("admin"), to="SAM@")] == ["sam@example.com"]

    text = outbox.body(world.actor("admin"), failed[0].id)
    assert "/invitation/" in text.body_text and text.to_address == "jane@example.com"
    with db.read() as s:
        viewed = s.exec(select(AuditEvent).where(AuditEvent.action == "mail.body_viewed")).one()
    assert str(viewed.object_id) == failed[0].id and viewed.actor_id == world.users["admin"].id


def _new_device_mail(to: str) -> None:
    with db.write() as s:
        mail.enqueue(s, to_address=to, template="new_device", name="Jane Doe", when="today", ip="203.0.113.9",
                     device="Firefox")


def test_resend_queues_a_copy_and_leaves_the_original(world):
    _new_device_mail("jane@example.com")
    mail.deliver_pending(Refusing())
    original = outbox.messages(world.actor("admin"))[0]
    new_id = outbox.resend(world.actor("admin"), original.id)
    with db.read() as s:
        rows = {str(m.id): m for m in s.exec(select(OutboxMessage)).all()}
        audit_row = s.exec(select(AuditEvent).where(AuditEvent.action == "mail.resent")).one()
    assert rows[original.id].status == "failed" and rows[new_id].status == "pending"
    assert rows[new_id].body_text == rows[original.id].body_text and rows[new_id].to_address == "jane@example.com"
    assert audit_row.details["original"] == original.id and str(audit_row.object_id) == new_id
    assert mail.deliver_pending(_Collecting()) == 1
    assert _Collecting.got == ["jane@example.com"]


def test_mail_with_a_one_time_link_is_not_sent_again_but_the_way_to_a_new_link_is_named(world):
    invitations.invite_client(world.actor("paralegal"), full_name="Jane Doe", email="jane@example.com")
    invitation = outbox.messages(world.actor("admin"))[0]
    opened = outbox.body(world.actor("admin"), invitation.id)
    assert not opened.resendable and opened.template == "invitation"
    with pytest.raises(Conflict) as refused:
        outbox.resend(world.actor("admin"), invitation.id)
    assert refused.value.code == "outbox.fresh_link.invitation"
    assert "Invite jane@example.com again" in refused.value.message("en")
    assert "Invite de nuevo a jane@example.com" in refused.value.message("es")
    with db.read() as s:
        assert len(s.exec(select(OutboxMessage)).all()) == 1
        assert not s.exec(select(AuditEvent).where(AuditEvent.action == "mail.resent")).all()


class _Collecting:
    got: list[str] = []

    def send(self, message):
        _Collecting.got.append(message.to_address)


@pytest.mark.parametrize("role", ["attorney", "paralegal", "billing", "client", "hr"])
def test_nobody_else_reads_or_resends(world, role):
    invitations.invite_client(world.actor("paralegal"), full_name="Jane Doe", email="jane@example.com")
    with db.read() as s:
        message_id = str(s.exec(select(OutboxMessage.id)).one())
    for call in (lambda: outbox.messages(world.actor(role)), lambda: outbox.body(world.actor(role), message_id),
                 lambda: outbox.resend(world.actor(role), message_id)):
        with pytest.raises(NotAllowed):
            call()
    with db.read() as s:
        assert len(s.exec(select(OutboxMessage)).all()) == 1


def test_an_unknown_message_is_not_found(world):
    with pytest.raises(NotFound):
        outbox.resend(world.actor("admin"), "00000000-0000-4000-8000-000000000000")
    with pytest.raises(NotAllowed):
        outbox.body(world.actor("admin"), "not-a-uuid")
