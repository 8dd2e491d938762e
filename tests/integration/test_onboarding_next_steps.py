"""The client home's three next steps (issue 12 item 6), read from where the case stands, and putting
them away for good."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models import AuditEvent, DocumentRequest, Invoice, Payment, utcnow
from portal_app.services.documents import intake
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import NotAllowed
from portal_app.services.onboarding import next_steps
from tests.world import build_world


@pytest.fixture
def world(portal_db):
    w = build_world()
    with db.write() as s:
        intake.sync_forms(s)
        s.add(DocumentRequest(matter_id=w.matters["own"].id, title="Passport", status="requested"))
        s.add(DocumentRequest(matter_id=w.matters["other"].id, title="Other client's diploma", status="requested"))
        s.add(Invoice(number="INV-T-1", matter_id=w.matters["shared_unpaid"].id, kind="retainer", status="sent",
                      total_cents=150_000))
        s.add(Invoice(number="INV-T-9", matter_id=w.matters["other"].id, kind="retainer", status="sent",
                      total_cents=90_000))
    return w


def _kinds(found) -> dict[str, tuple]:
    return {step.kind: (step.done, step.title) for step in found.steps}


def test_the_three_steps_come_from_the_clients_own_case(world):
    found = next_steps.for_me(world.actor("client"))
    assert not found.dismissed
    assert _kinds(found) == {"upload": (False, "Passport"), "intake": (False, "T-1"), "pay": (False, "INV-T-1")}
    hrefs = {step.kind: step.href for step in found.steps}
    assert hrefs["upload"] == f"/matters/{world.matters['own'].id}/documents"
    assert hrefs["pay"].startswith("/pay/")


def test_a_step_done_is_ticked_and_one_that_does_not_apply_is_left_out(world):
    client = world.actor("client")
    with db.write() as s:
        for row in s.exec(select(DocumentRequest).where(DocumentRequest.matter_id == world.matters["own"].id)).all():
            row.status = "waived"
        invoice = s.exec(select(Invoice).where(Invoice.number == "INV-T-1")).one()
        invoice.status = "paid"
        s.add(Payment(invoice_id=invoice.id, matter_id=invoice.matter_id, client_id=world.clients["client"].id,
                      provider="sandbox", status="succeeded", amount_cents=150_000, posted_at=utcnow()))
    found = next_steps.for_me(client)
    assert "upload" not in _kinds(found)  # nothing asked and nothing sent: the step does not apply
    assert _kinds(found)["pay"] == (True, "")  # paid: ticked
    assert _kinds(found)["intake"][0] is False


def test_hiding_the_steps_is_remembered_and_audited_once(world):
    client = world.actor("client")
    next_steps.dismiss(client)
    next_steps.dismiss(client)
    assert next_steps.for_me(client).dismissed and next_steps.for_me(client).steps == []
    with db.read() as s:
        assert len(s.exec(select(AuditEvent).where(AuditEvent.action == "onboarding.next_steps_dismissed")).all()) == 1
    assert not next_steps.for_me(world.actor("other_client")).dismissed  # per person


@pytest.mark.parametrize("who", ["hr", "paralegal", "admin"])
def test_only_a_client_has_next_steps(world, who):
    with pytest.raises(NotAllowed):
        next_steps.for_me(world.actor(who))
    with pytest.raises(NotAllowed):
        next_steps.dismiss(world.actor(who))
