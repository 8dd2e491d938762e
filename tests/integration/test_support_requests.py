"""Support requests: routed by topic to the person the firm names, due within the topic's SLA,
with a status the asker sees; signed out, rate-limited and never saying whether an account exists;
an overdue task when the SLA passes (clock pinned), closed by the answer; counts per topic and
week on the firm's figures. Bad input says why and stores nothing."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import func, select

from models import AuditEvent, OutboxMessage, SupportRequest, Task
from portal_app.services.files import storage
from portal_app.services.files import store as filestore
from portal_app.services.insights import filters, report
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import InvalidInput, NotAllowed, RateLimited
from portal_app.services.support import files as support_files
from portal_app.services.support import requests as support
from portal_app.services.support import topics
from portal_app.services.tasks import lists as task_lists
from tests import sample_files
from tests.world import build_world

# Monday 2 March 2026, 09:00 in New York (the firm's zone)
NOW = datetime(2026, 3, 2, 14, 0, tzinfo=timezone.utc)


@pytest.fixture
def world(portal_db):
    return build_world()


def _counts() -> tuple[int, int, int, int]:
    with db.read() as s:
        return tuple(s.exec(select(func.count()).select_from(t)).one()
                     for t in (SupportRequest, OutboxMessage, Task, AuditEvent))


def test_a_request_goes_to_the_named_person_and_the_client_sees_its_status(world):
    w = world
    topics.update(w.actor("admin"), "uploading", str(w.users["paralegal"].id), "6")
    receipt = support.submit(w.actor("client"), "uploading", "The upload stops at 50% on my phone.", now=NOW)
    assert receipt.reference.startswith("SR-") and receipt.due_at == NOW + timedelta(hours=6)
    [mine] = support.mine(w.actor("client"), now=NOW)
    assert (mine.status, mine.topic, mine.answer) == ("open", "uploading", "")
    assert [r.reference for r in support.for_staff(w.actor("paralegal"), "mine", now=NOW)] == [receipt.reference]
    assert support.for_staff(w.actor("attorney"), "mine", now=NOW) == []
    support.answer(w.actor("paralegal"), mine.id, "Try the 'Choose' button instead of dragging.", now=NOW)
    [done] = support.mine(w.actor("client"), now=NOW)
    assert (done.status, done.answer) == ("answered", "Try the 'Choose' button instead of dragging.")
    with db.read() as s:
        sent = s.exec(select(OutboxMessage).where(OutboxMessage.template == "support_answered")).one()
    assert sent.to_address == "client@firm.example" and receipt.reference in sent.subject
    assert "Choose" not in sent.body_text and "/support" in sent.body_text
    with pytest.raises(InvalidInput, match="already_answered"):
        support.answer(w.actor("paralegal"), mine.id, "again", now=NOW)


def test_a_topic_the_firm_never_set_uses_the_default_sla_and_an_administrator(world):
    receipt = support.submit(world.actor("client"), "my_case", "When is my interview?", now=NOW)
    assert receipt.due_at == NOW + timedelta(hours=topics.DEFAULT_SLA_HOURS["my_case"])
    assert [r.assignee for r in support.for_staff(world.actor("admin"), now=NOW)] == ["Admin"]


def test_the_request_passes_its_sla_and_a_task_appears_for_the_person(world):
    w = world
    topics.update(w.actor("admin"), "sign_in", str(w.users["attorney"].id), "4")
    support.submit(w.actor("client"), "sign_in", "My reset link says expired.", now=NOW)
    assert support.open_overdue(NOW + timedelta(hours=3, minutes=59)) == {"overdue": 0}
    assert task_lists.list_tasks(w.actor("attorney"), "mine", now=NOW) == []
    assert support.open_overdue(NOW + timedelta(hours=4)) == {"overdue": 1}
    assert support.open_overdue(NOW + timedelta(hours=5)) == {"overdue": 0}  # once only
    [task] = task_lists.list_tasks(w.actor("attorney"), "mine", now=NOW + timedelta(hours=4))
    assert task.kind == "support_overdue" and "past its SLA" in task.title and task.matter_id == ""
    assert task_lists.list_tasks(w.actor("paralegal"), "matters", now=NOW) == []  # given to the attorney only
    assert task_lists.open_count(w.actor("attorney")) == 1
    [late] = support.for_staff(w.actor("attorney"), now=NOW + timedelta(hours=4))
    assert late.overdue
    with pytest.raises(NotAllowed):
        task_lists.complete(w.actor("paralegal"), task.id)
    support.answer(w.actor("attorney"), late.id, "I sent you a new link.", now=NOW + timedelta(hours=5))
    assert task_lists.list_tasks(w.actor("attorney"), "mine", now=NOW) == []


def test_signed_out_the_answer_never_reveals_whether_an_account_exists(world):
    known = support.submit_signed_out("client@firm.example", "", "sign_in", "I cannot sign in.", ip="10.0.0.1", now=NOW)
    unknown = support.submit_signed_out("nobody@firm.example", "", "sign_in", "I cannot sign in.", ip="10.0.0.2",
                                        now=NOW)
    assert (type(known), known.due_at) == (type(unknown), unknown.due_at)
    with db.read() as s:
        mails = s.exec(select(OutboxMessage).order_by(OutboxMessage.to_address)).all()
    assert [m.to_address for m in mails] == ["client@firm.example", "nobody@firm.example"]
    a, b = (m.body_text.replace(r, "SR") for m, r in zip(mails, (known.reference, unknown.reference)))
    assert a == b and "cannot sign in" not in a


def test_signed_out_requests_are_rate_limited(world):
    for n in range(support.PER_IP):
        support.submit_signed_out(f"p{n}@example.com", "", "other", "Hello", ip="10.9.9.9", now=NOW)
    before = _counts()
    with pytest.raises(RateLimited) as limited:
        support.submit_signed_out("p9@example.com", "", "other", "Hello", ip="10.9.9.9", now=NOW)
    assert "try again in 60 minutes" in limited.value.message()
    with pytest.raises(RateLimited):  # one e-mail typed from many places
        for n in range(support.PER_EMAIL + 1):
            support.submit_signed_out("same@example.com", "", "other", "Hello", ip=f"10.1.1.{n}", now=NOW)
    assert _counts()[0] == before[0] + support.PER_EMAIL
    support.submit_signed_out("p9@example.com", "", "other", "Hello", ip="10.9.9.9", now=NOW + timedelta(hours=1, minutes=1))


@pytest.mark.parametrize("topic, body, email, says", [
    ("uploading", "   ", "a@example.com", "what happened"),
    ("teleport", "help", "a@example.com", "Choose what your request is about"),
    ("", "help", "a@example.com", "Choose what your request is about"),
    ("paying", "x" * 3001, "a@example.com", "under 3000"),
    ("paying", "help", "not-an-address", "e-mail address"),
])
def test_bad_input_is_refused_and_stores_nothing(world, topic, body, email, says):
    before = _counts()
    with pytest.raises(InvalidInput) as refused:
        support.submit_signed_out(email, "", topic, body, ip="10.0.0.7", now=NOW)
    assert says in refused.value.message()
    if email != "not-an-address":
        with pytest.raises(InvalidInput):
            support.submit(world.actor("client"), topic, body, now=NOW)
    assert _counts() == before


def test_only_administrators_set_routing_and_slas(world):
    w = world
    for role in ("attorney", "paralegal", "billing", "client", "hr"):
        with pytest.raises(NotAllowed):
            topics.update(w.actor(role), "paying", str(w.users["billing"].id), "8")
        with pytest.raises(NotAllowed):
            topics.get(w.actor(role))
    before = _counts()
    for hours in ("0", "721", "two", "١٢", ""):
        with pytest.raises(InvalidInput, match="sla_invalid"):
            topics.update(w.actor("admin"), "paying", str(w.users["billing"].id), hours)
    with pytest.raises(InvalidInput, match="person_not_staff"):
        topics.update(w.actor("admin"), "paying", str(w.users["client"].id), "8")
    assert _counts() == before
    topics.update(w.actor("admin"), "paying", str(w.users["billing"].id), "8")
    paying = next(x for x in topics.get(w.actor("admin")).topics if x.topic == "paying")
    assert (paying.assignee, paying.sla_hours) == ("Billing", 8)
    for role in ("client", "hr"):
        with pytest.raises(NotAllowed):
            support.for_staff(w.actor(role))
        with pytest.raises(NotAllowed):
            support.answer(w.actor(role), "00000000-0000-0000-0000-000000000000", "hi")


def test_the_firm_counts_requests_per_topic_and_week(world):
    w = world
    monday, sunday_night = NOW, datetime(2026, 3, 9, 3, 0, tzinfo=timezone.utc)  # 8 March 23:00 in New York
    support.submit(w.actor("client"), "paying", "a", now=monday)
    support.submit(w.actor("client"), "paying", "b", now=monday + timedelta(days=2))
    support.submit(w.actor("client"), "uploading", "c", now=sunday_night)
    support.submit_signed_out("x@example.com", "", "sign_in", "d", ip="10.0.0.3", now=sunday_night + timedelta(hours=2))
    figure = report.compute(w.actor("admin"), filters.parse("2026-03-01", "2026-03-31"), NOW).figure("support")
    assert figure.available
    assert [(r["week"], r["topic"], r["requests"]) for r in figure.rows] == [
        ("2026-03-02", "paying", 2), ("2026-03-02", "uploading", 1), ("2026-03-09", "sign_in", 1)]
    assert {r["cohort"] for r in figure.rows} == {"rest"}
    assert figure.chart == [{"label": "2026-03-02", "pilot": 0, "rest": 3}, {"label": "2026-03-09", "pilot": 0, "rest": 1}]


def _hold(actor, name: str, data: bytes):
    held: list = []
    incoming = support_files.IncomingSupportFile(actor, support_files.target_for(actor), name, held)
    incoming.feed(data)
    incoming.finish()
    return held[0]


def _stored_files() -> list[str]:
    root = storage.get_storage().root
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_screenshot_goes_with_the_request_encrypted_and_only_staff_open_it(world):
    w, screenshot = world, sample_files.png()
    held = _hold(w.actor("client"), "Screenshot 2026-03-02.png", screenshot)
    assert screenshot not in b"".join(open(p, "rb").read() for p in _stored_files())  # encrypted at rest
    receipt = support.submit(w.actor("client"), "uploading", "This is what I see.", held=held, now=NOW)
    [mine] = support.mine(w.actor("client"), now=NOW)
    assert (mine.reference, mine.attachment_name) == (receipt.reference, "Screenshot 2026-03-02.png")
    for role in ("client", "hr"):
        with pytest.raises(NotAllowed):
            support_files.mint(w.actor(role), mine.id)
    link = support_files.mint(w.actor("paralegal"), mine.id)
    token = link.split("?t=", 1)[1]
    with pytest.raises(NotAllowed):  # a link minted for someone else
        support_files.open_download(w.actor("attorney"), mine.id, token)
    found = support_files.open_download(w.actor("paralegal"), mine.id, token)
    assert b"".join(filestore.stream(found)) == screenshot
    with db.read() as s:
        assert s.exec(select(AuditEvent.action).where(AuditEvent.action == "support.file_downloaded")).all()


def test_a_refused_screenshot_is_not_kept(world):
    before, files = _counts(), _stored_files()
    for name, data, says in (("shot.png", sample_files.zip_file(), "ZIP"), ("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (
            support_files.MAX_BYTES + 1), "larger than")):
        with pytest.raises(InvalidInput) as refused:
            _hold(world.actor("client"), name, data)
        assert says in refused.value.message()
    assert (_counts(), _stored_files()) == (before, files)
