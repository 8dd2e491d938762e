"""One-tap task links (issue 12 item 5): the reminder digest carries a link for one checklist item;
opening its page changes nothing; its button opens a limited session that can upload to that one
item and nothing else, never counts as a sign-in, and ends when the task is done, the link expires
(clock pinned either side of the moment), is revoked or superseded, or the firm turns links off.
Every refusal says why in the reader's language and changes nothing but the audit trail."""
from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from models import AuditEvent, DocumentRequest, OutboxMessage, TaskLink
from portal_app.services.billing.invoices import views as invoice_views
from portal_app.services.billing.payments import checkout as payments
from portal_app.services.documents import checklist_views, uploads
from portal_app.services.identity import auth, task_links
from portal_app.services.kernel import db, policy
from portal_app.services.kernel.errors import InvalidLink, NotAllowed
from portal_app.services.kernel.settings import reset_settings
from portal_app.services.reminders import collect as reminders
from portal_app.services.reminders import digests
from tests import sample_files
from tests.billing_helpers import make_invoice
from tests.world import build_world

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=timezone.utc)  # 10:00 in New York, the client's digest hour passed
LATER = NOW + timedelta(days=4)  # the item's next reminder (the 7-day mark)
LINK = re.compile(r"/task/([A-Za-z0-9_-]{20,100})")


@pytest.fixture
def world(portal_db):
    return build_world()


def _item(world, matter: str = "own", title: str = "Passport") -> str:
    with db.write() as s:
        request = DocumentRequest(matter_id=world.matters[matter].id, key="passport_bio", title=title,
                                  accepted_types=["pdf"], requested_at=NOW - timedelta(days=3), updated_at=NOW)
        s.add(request)
        s.flush()
        return str(request.id)


def _digest_tokens(now: datetime = NOW) -> list[str]:
    reminders.collect(now)
    digests.send_due(now)
    with db.read() as s:
        body = s.exec(select(OutboxMessage.body_text).where(OutboxMessage.template == "reminder_digest")
                      .order_by(OutboxMessage.created_at.desc())).first()
    return LINK.findall(body)


def _digest_token(now: datetime = NOW) -> str:
    found = _digest_tokens(now)
    assert len(found) == 1, found
    return found[0]


def _actions(action: str) -> list[AuditEvent]:
    with db.read() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def _link() -> TaskLink:
    with db.read() as s:
        return s.exec(select(TaskLink).order_by(TaskLink.created_at.desc())).first()


def test_the_link_opens_that_one_item_and_nothing_else(world):
    item = _item(world)
    other_item = _item(world, title="Birth certificate")
    elsewhere = _item(world, matter="shared_unpaid", title="Diploma")
    tokens = _digest_tokens()
    assert len(tokens) == 3  # one per item in the digest, issued in one audited batch
    assert [e.details["count"] for e in _actions("task_link.issued")] == [3]
    token = next(t for t in tokens if task_links.peek(t, now=NOW).title == "Passport")
    info = task_links.peek(token, now=NOW)
    assert (info.kind, info.reference) == ("upload", "T-1")
    assert _link().use_count == 0 and not _actions("task_link.used")  # opening the page used nothing

    opened = task_links.open_session(token, ip="203.0.113.9", now=NOW)
    assert auth.resolve(opened.session_token, now=NOW) is None  # never a sign-in anywhere else
    actor = task_links.resolve(opened.session_token, now=NOW)
    assert actor is not None and actor.task.object_id.hex == item.replace("-", "")
    view = checklist_views.matter_checklist(actor, str(world.matters["own"].id), now=NOW)
    assert [i.id for i in view.items] == [item]  # the page lists its one item only
    for forbidden in (other_item, elsewhere):
        with pytest.raises(NotAllowed):
            uploads.upload_bytes(actor, forbidden, "scan.pdf", sample_files.pdf(1))
    with pytest.raises(NotAllowed):
        checklist_views.matter_checklist(actor, str(world.matters["shared_unpaid"].id), now=NOW)
    for action in ("intake.fill", "invoice.view", "message.read", "session.manage_own", "support.request"):
        with pytest.raises(NotAllowed):
            policy.require(actor, action)

    uploads.upload_bytes(actor, item, "scan.pdf", sample_files.pdf(1))
    uploaded = [e for e in _actions("document.uploaded") if e.details.get("task_link_id")]
    assert uploaded, "the upload's audit event names the link it came through"
    assert task_links.finish_if_done(actor) is True
    assert task_links.resolve(opened.session_token, now=NOW) is None  # the task is done: the session ends
    with pytest.raises(InvalidLink) as refused:
        task_links.open_session(token, now=NOW)
    assert refused.value.code == "tasklink.done"
    assert [e.details["reason"] for e in _actions("task_link.refused")] == ["tasklink.done"]


@pytest.mark.parametrize("offset, expect", [(timedelta(seconds=-1), None), (timedelta(0), "tasklink.expired"),
                                            (timedelta(seconds=1), "tasklink.expired")])
def test_expiry_to_the_second(world, offset, expect):
    _item(world)
    token = _digest_token()
    expires = _link().expires_at
    assert expires == NOW + timedelta(hours=72)
    if expect is None:
        opened = task_links.open_session(token, now=expires + offset)
        # the limited session never outlives its link
        assert task_links.resolve(opened.session_token, now=expires + offset) is not None
        assert task_links.resolve(opened.session_token, now=expires) is None
        return
    with pytest.raises(InvalidLink) as refused:
        task_links.open_session(token, now=expires + offset)
    assert refused.value.code == expect and "expired" in refused.value.message("en")
    assert "caducado" in refused.value.message("es")
    assert _link().use_count == 0  # nothing changed but the audit trail
    assert _actions("task_link.refused")[0].details == {"reason": "tasklink.expired"}


def test_the_limited_session_is_short(world, monkeypatch):
    _item(world)
    token = _digest_token()
    opened = task_links.open_session(token, now=NOW)
    assert task_links.resolve(opened.session_token, now=NOW + timedelta(minutes=29, seconds=59)) is not None
    assert task_links.resolve(opened.session_token, now=NOW + timedelta(minutes=30)) is None


def test_forged_superseded_and_revoked_links_are_refused(world):
    _item(world)
    first = _digest_token()
    for forged in ("x" * 43, first[:-1] + ("A" if first[-1] != "A" else "B"), "../../etc", ""):
        with pytest.raises(InvalidLink) as refused:
            task_links.open_session(forged, now=NOW)
        assert refused.value.code == "tasklink.invalid"
    second = _digest_token(LATER)  # the next reminder of the same item
    with pytest.raises(InvalidLink) as refused:
        task_links.peek(first, now=LATER)
    assert refused.value.code == "tasklink.superseded"
    opened = task_links.open_session(second, now=LATER)
    link_id = str(_link().id)
    with pytest.raises(NotAllowed):
        task_links.revoke(world.actor("other_client"), link_id)  # not theirs
    with pytest.raises(NotAllowed):
        task_links.revoke(world.actor("other_attorney"), link_id)  # not their matter
    task_links.revoke(task_links.resolve(opened.session_token, now=LATER), link_id)  # from its page
    assert _link().revoked_reason == "client"
    with pytest.raises(InvalidLink) as refused:
        task_links.open_session(second, now=LATER)
    assert refused.value.code == "tasklink.revoked"
    assert task_links.resolve(opened.session_token, now=LATER) is None


def test_staff_revoke_and_the_firm_turns_links_off(world, monkeypatch):
    _item(world)
    token = _digest_token()
    task_links.revoke(world.actor("paralegal"), str(_link().id))
    assert _link().revoked_reason == "staff"
    assert [e.details["reason"] for e in _actions("task_link.revoked")] == ["staff"]
    monkeypatch.setenv("PORTAL_TASK_LINKS", "false")
    reset_settings()
    with pytest.raises(InvalidLink) as refused:
        task_links.peek(token, now=NOW)
    assert refused.value.code == "tasklink.turned_off"
    reminders.collect(LATER)
    digests.send_due(LATER)
    with db.read() as s:
        body = s.exec(select(OutboxMessage.body_text).where(OutboxMessage.template == "reminder_digest")
                      .order_by(OutboxMessage.created_at.desc())).first()
    assert "/task/" not in body and "Passport" in body and "http://" in body  # the ordinary sign-in link


def test_a_pay_link_pays_that_one_invoice_and_ends_when_paid(world):
    matter = world.matters["shared_unpaid"]  # the client pays this matter's invoices (its employer does not)
    first = make_invoice(world, matter="shared_unpaid", actor="admin")
    second = make_invoice(world, matter="shared_unpaid", actor="admin", cents=20_000)
    with db.write() as s:
        token = task_links.issue(s, user_id=world.users["client"].id, kind="pay", matter_id=matter.id,
                                 object_id=uuid.UUID(first))
    assert task_links.peek(token).kind == "pay"
    opened = task_links.open_session(token)
    actor = task_links.resolve(opened.session_token)
    assert [v.id for v in invoice_views.for_matter(actor, str(matter.id))] == [first]
    for refused in (lambda: invoice_views.detail(actor, second), lambda: payments.start(actor, second),
                    lambda: policy.require(actor, "document.upload")):
        with pytest.raises(NotAllowed):
            refused()
    checkout = payments.start(actor, first)
    state = payments.pay_in_sandbox(actor, checkout.payment_id, checkout.client_secret, number="4242 4242 4242 4242",
                                    expiry="12/40", cvc="123", save="")
    assert state.posted
    assert task_links.finish_if_done(actor) is True
    assert task_links.resolve(opened.session_token) is None
    with pytest.raises(InvalidLink) as refused:
        task_links.peek(token)
    assert refused.value.code == "tasklink.done"
