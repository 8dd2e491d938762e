"""Secure messages per matter, as the people on both sides use them: a client writes with a file,
the paralegal reads (unread counts move), answers, marks and assigns the thread and files the
client's file to a checklist item. Notices carry only a link. Every refusal (empty message, a
file too large or of a refused kind, a forged thread, matter or attachment id, a role without the
right) says why and leaves database and storage as they were."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest
from sqlmodel import func, select

from models import (
    AuditEvent,
    Document,
    DocumentRequest,
    DocumentVersion,
    Message,
    MessageAttachment,
    MessageThread,
    OutboxMessage,
    ReminderItem,
)
from portal_app.services.conversations import attachments, messages, summaries, threads
from portal_app.services.documents import checklists
from portal_app.services.files import links as file_links
from portal_app.services.files import storage
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import InvalidInput, NotAllowed
from portal_app.services.reminders import digests
from tests import sample_files
from tests.world import build_world, new_uuid

BODY = "My passport expires in March, is that a problem for the petition?"


@pytest.fixture
def world(portal_db):
    w = build_world()
    with db.write() as s:
        for key in ("own", "other"):
            checklists.instantiate(s, None, s.merge(w.matters[key]))
    return w


def _own(w) -> str:
    return str(w.matters["own"].id)


def _snapshot() -> tuple:
    with db.read() as s:
        counts = tuple(s.exec(select(func.count()).select_from(t)).one()
                       for t in (Message, MessageAttachment, Document, DocumentVersion, AuditEvent, OutboxMessage,
                                 ReminderItem))
        marks = tuple(s.exec(select(MessageThread.needs_reply, MessageThread.assignee_id)).all())
    root = storage.get_storage().root
    files = sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return counts, marks, files


def _ask_with_file(w, name="passport.pdf", data=None):
    client = w.actor("client")
    stored = attachments.upload_bytes(client, _own(w), name, data or sample_files.pdf())
    return messages.send(client, _own(w), BODY, [stored.attachment_id]), stored


def test_a_client_asks_with_a_file_and_the_paralegal_reads_and_answers(world):
    w, client, paralegal = world, world.actor("client"), world.actor("paralegal")
    sent, stored = _ask_with_file(w)
    assert sent.attachments == 1 and sent.notified == 1
    assert threads.unread_count(paralegal) == 1 and threads.unread_count(client) == 0
    assert summaries.staff_counts(paralegal).needs_reply == 1
    inbox = threads.inbox(paralegal)
    assert [(r.reference, r.needs_reply, r.unread) for r in inbox] == [("T-1", True, 1)]
    view = threads.read_thread(paralegal, _own(w))
    assert [m.body for m in view.messages] == [BODY] and not view.messages[0].mine
    assert [a.name for a in view.messages[0].attachments] == ["passport.pdf"]
    assert threads.unread_count(paralegal) == 0  # reading marks the thread read
    # the attachment opens through the same authorized link as any document
    assert file_links.mint(paralegal, stored.version_id).startswith(f"/api/files/{stored.version_id}?t=")
    answer = messages.send(paralegal, _own(w), "It is fine: we file before it expires.")
    assert answer.notified == 2  # the client and Acme's HR contact (the matter is shared with Acme)
    assert threads.unread_count(client) == 1
    assert threads.unread_count(w.actor("hr")) == 2  # the HR contact shares the thread: question and answer
    assert not threads.read_thread(client, _own(w)).needs_reply
    assert threads.unread_count(client) == 0
    assert summaries.by_matter(client)[0].unread == 0
    with db.read() as s:
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.action.like("message.%"))).all()
    assert sorted(actions) == ["message.attachment_uploaded", "message.sent", "message.sent"]


def test_notices_carry_a_link_only_and_non_urgent_ones_wait_for_the_digest(world):
    w = world
    _ask_with_file(w, name="secret-passport-scan.pdf")
    messages.send(w.actor("paralegal"), _own(w), "Please call us today about the interview.", urgent=True)
    with db.read() as s:
        outbox = s.exec(select(OutboxMessage)).all()
        items = s.exec(select(ReminderItem).where(ReminderItem.kind == "message_new")).all()
    # the client's message to the firm waits for the paralegal's digest; the urgent answer mails now
    assert [i.recipient_id for i in items] == [w.users["paralegal"].id]
    assert sorted(m.to_address for m in outbox) == ["client@firm.example", "hr@firm.example"]
    for mail in outbox:
        assert f"/matters/{w.matters['own'].id}/messages" in mail.body_text
        assert "interview" not in mail.body_text + mail.body_html + mail.subject
    digests.send_due(datetime(2030, 1, 2, 15, 0, tzinfo=timezone.utc))  # 10:00 in New York
    with db.read() as s:
        digest = s.exec(select(OutboxMessage).where(OutboxMessage.template == "reminder_digest")).one()
    assert digest.to_address == "paralegal@firm.example" and "new secure message" in digest.body_text
    assert BODY[:20] not in digest.body_text and "secret-passport-scan" not in digest.body_text


def test_a_message_read_before_the_digest_is_not_in_it(world):
    w = world
    _ask_with_file(w)
    threads.read_thread(w.actor("paralegal"), _own(w))
    assert digests.send_due(datetime(2030, 1, 2, 15, 0, tzinfo=timezone.utc))["digests"] == 0
    with db.read() as s:
        assert s.exec(select(ReminderItem.status)).all() == ["dropped"]


def test_an_empty_message_is_refused_and_changes_nothing(world):
    before = _snapshot()
    for empty in ("", "   ", "\n\n", "\u200b"):
        with pytest.raises(InvalidInput) as refused:
            messages.send(world.actor("client"), _own(world), empty)
        assert refused.value.message() == "Write a message or attach a file before sending."
    with pytest.raises(InvalidInput, match="too_long"):
        messages.send(world.actor("client"), _own(world), "x" * 5001)
    assert _snapshot()[0][:2] == before[0][:2] and _snapshot()[0][4:] == before[0][4:]


@pytest.mark.parametrize("name, data, says", [
    ("big.pdf", sample_files.pdf(padding=3 * 1024 * 1024), "larger than the 2 MB allowed"),
    ("archive.pdf", sample_files.zip_file(), "ZIP"),
    ("empty.pdf", b"", "empty"),
])
def test_a_refused_attachment_stores_nothing(world, monkeypatch, name, data, says):
    monkeypatch.setattr(attachments, "MAX_BYTES", 2 * 1024 * 1024)
    before = _snapshot()
    with pytest.raises(InvalidInput) as refused:
        attachments.upload_bytes(world.actor("client"), _own(world), name, data)
    assert says.lower() in refused.value.message().lower()
    assert _snapshot() == before


def test_forged_ids_are_refused_and_change_nothing(world):
    w, client = world, world.actor("client")
    mine = attachments.upload_bytes(client, _own(w), "a.png", sample_files.png())
    theirs = attachments.upload_bytes(w.actor("other_client"), str(w.matters["other"].id), "b.png", sample_files.png())
    before = _snapshot()
    for matter_id in (str(w.matters["other"].id), new_uuid(), "not-a-uuid", ""):
        with pytest.raises(NotAllowed):
            messages.send(client, matter_id, "hello")
        with pytest.raises(NotAllowed):
            threads.read_thread(client, matter_id)
        with pytest.raises(NotAllowed):
            attachments.target_for(client, matter_id)
    with pytest.raises(InvalidInput) as refused:  # someone else's upload, or one from another thread
        messages.send(client, _own(w), "see file", [theirs.attachment_id])
    assert "not one of your files" in refused.value.message()
    with pytest.raises(InvalidInput):
        messages.send(client, _own(w), "see file", [mine.attachment_id, new_uuid()])
    for thread_id in (new_uuid(), "1; drop table message", str(summaries_thread(w, "other"))):
        with pytest.raises(NotAllowed):
            threads.assign(w.actor("paralegal"), thread_id, str(w.users["paralegal"].id))
    assert _snapshot() == before


def summaries_thread(w, key):
    with db.read() as s:
        return s.exec(select(MessageThread.id).where(MessageThread.matter_id == w.matters[key].id)).one()


def test_roles_read_write_attach_and_assign_as_the_table_says(world):
    w = world
    messages.send(w.actor("hr"), _own(w), "Acme HR here: the support letter is on its way.")
    assert threads.read_thread(w.actor("billing"), _own(w)).messages[0].body.startswith("Acme HR")
    messages.send(w.actor("billing"), _own(w), "Your retainer invoice is paid, thank you.")
    with pytest.raises(NotAllowed):
        attachments.upload_bytes(w.actor("billing"), _own(w), "x.pdf", sample_files.pdf())
    with pytest.raises(NotAllowed):  # HR contact: only shared matters
        threads.read_thread(w.actor("hr"), str(w.matters["other"].id))
    with pytest.raises(NotAllowed):  # an attorney of another matter
        threads.read_thread(w.actor("other_attorney"), _own(w))
    thread_id = str(summaries_thread(w, "own"))
    for role in ("client", "hr", "billing"):
        with pytest.raises(NotAllowed):
            threads.assign(w.actor(role), thread_id, str(w.users["paralegal"].id))
        with pytest.raises(NotAllowed):
            threads.set_needs_reply(w.actor(role), thread_id, False)


def test_staff_mark_and_assign_a_thread_within_the_team(world):
    w, paralegal = world, world.actor("paralegal")
    _ask_with_file(w)
    thread_id = str(summaries_thread(w, "own"))
    threads.assign(paralegal, thread_id, str(w.users["attorney"].id))
    with pytest.raises(InvalidInput, match="assignee_not_on_team"):
        threads.assign(paralegal, thread_id, str(w.users["other_attorney"].id))
    with pytest.raises(InvalidInput):  # billing staff are on the matter, not on its legal team
        threads.assign(paralegal, thread_id, str(w.users["billing"].id))
    assert [r.reference for r in threads.inbox(w.actor("attorney"), "mine")] == ["T-1"]
    assert summaries.staff_counts(w.actor("attorney")).assigned_to_me == 1
    threads.set_needs_reply(paralegal, thread_id, False)
    assert threads.inbox(paralegal) == [] or all(not r.needs_reply for r in threads.inbox(paralegal))
    messages.send(w.actor("client"), _own(w), "One more thing.")
    view = threads.read_thread(paralegal, _own(w))
    assert view.needs_reply and view.assignee == "Attorney"
    with db.read() as s:
        notified = s.exec(select(ReminderItem.recipient_id).order_by(ReminderItem.created_at)).all()
        logged = s.exec(select(AuditEvent.action).where(AuditEvent.action.like("thread.%"))).all()
    assert notified[-1] == w.users["attorney"].id  # the assignee is told, no longer the paralegal
    assert sorted(logged) == ["thread.assigned", "thread.replied"]


def test_staff_file_a_clients_attachment_to_a_checklist_item(world):
    w, paralegal = world, world.actor("paralegal")
    _sent, stored = _ask_with_file(w)
    attachment_id = threads.read_thread(paralegal, _own(w)).messages[0].attachments[0].id
    with db.read() as s:
        passport = s.exec(select(DocumentRequest).where(DocumentRequest.matter_id == w.matters["own"].id,
                                                        DocumentRequest.key == "passport_bio")).one()
        elsewhere = s.exec(select(DocumentRequest).where(DocumentRequest.matter_id == w.matters["other"].id)).first()
    with pytest.raises(NotAllowed):
        attachments.file_to_item(w.actor("client"), attachment_id, str(passport.id))
    with pytest.raises(NotAllowed):  # an item of a matter the paralegal is not on
        attachments.file_to_item(paralegal, attachment_id, str(elsewhere.id))
    name = attachments.file_to_item(paralegal, attachment_id, str(passport.id))
    assert name.startswith("Passport") and name.endswith(".pdf")
    with db.read() as s:
        version = s.get(DocumentVersion, uuid.UUID(stored.version_id))
        document = s.get(Document, version.document_id)
        item = s.get(DocumentRequest, passport.id)
    assert (document.request_id, document.kind, version.review_status, item.status) == (
        passport.id, "evidence", "pending", "uploaded")
    shown = threads.read_thread(w.actor("client"), _own(w)).messages[0].attachments
    assert [a.filed_to for a in shown] == [document.display_name]
    # the employee's passport is not the HR contact's to see, in the thread or anywhere
    assert threads.read_thread(w.actor("hr"), _own(w)).messages[0].attachments == []
    with pytest.raises(InvalidInput, match="already_filed"):
        attachments.file_to_item(paralegal, attachment_id, str(passport.id))


def test_an_unsent_file_can_be_removed_by_its_uploader_only(world):
    w = world
    stored = attachments.upload_bytes(w.actor("client"), _own(w), "a.jpg", sample_files.jpeg())
    assert [p.name for p in summaries.pending(w.actor("client"), _own(w))] == ["a.jpg"]
    assert summaries.pending(w.actor("paralegal"), _own(w)) == []
    with pytest.raises(InvalidInput):
        attachments.discard(w.actor("paralegal"), stored.attachment_id)
    before = _snapshot()
    attachments.discard(w.actor("client"), stored.attachment_id)
    after = _snapshot()
    assert after[0][1] == before[0][1] - 1 and len(after[2]) == len(before[2]) - 1
    assert summaries.pending(w.actor("client"), _own(w)) == []
