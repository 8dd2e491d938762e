"""A submitted intake form says when it was sent, and the client can ask for a correction: a task
for the attorney, audited; not before submitting, not by a stranger (issue 9, defect 9)."""
from __future__ import annotations

import pytest
from sqlmodel import select

from models import AuditEvent, Task
from portal_app.services.documents import intake
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tests.integration.test_document_workflow import H1B_ANSWERS, open_h1b
from tests.world import build_world


@pytest.fixture
def world(portal_db):
    return build_world()


def test_after_submitting_the_client_asks_for_a_correction(world):
    matter_id = open_h1b(world)
    client = world.actor("client")
    assert [f.status for f in intake.open_for_me(client) if f.matter_id == matter_id] == ["not_started"]
    with pytest.raises(Conflict):
        intake.ask_correction(client, matter_id, "My phone number changed")
    intake.save_draft(client, matter_id, {"full_name": "Client Example"})
    todo = next(f for f in intake.open_for_me(client) if f.matter_id == matter_id)
    assert todo.status == "draft" and todo.answered == 1 and todo.questions > 10
    intake.submit(client, matter_id, H1B_ANSWERS)
    assert intake.get(client, matter_id).submitted_at is not None
    assert all(f.matter_id != matter_id for f in intake.open_for_me(client))  # done: not on the home any more
    with pytest.raises(InvalidInput):
        intake.ask_correction(client, matter_id, "  ")
    intake.ask_correction(client, matter_id, "My phone number is now +1 555 0111")
    with db.read() as s:
        task = s.exec(select(Task).where(Task.kind == "intake_correction")).one()
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "intake.correction_asked")).one()
    assert "+1 555 0111" in task.title and task.assignee_id == world.users["attorney"].id and task.due_date
    assert event.details["note"].endswith("0111")
    with pytest.raises((NotAllowed, NotFound)):
        intake.ask_correction(world.actor("other_client"), matter_id, "Let me in")
