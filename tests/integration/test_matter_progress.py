"""The checklist counts kept beside each matter (MatterProgress) stay what the items say, whatever
changes them: after every step of a real review loop the staff dashboard shows the same figures as
the matter's own checklist (counted in Python from its items), a transaction that fails leaves
the counts as they were, and the migration that adds them fills them as the portal keeps them."""
from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.config import Config
from sqlmodel import select

from alembic import command
from models import DocumentRequest, MatterProgress, utcnow
from portal_app.services.documents import checklist_views, review, uploads
from portal_app.services.documents import dashboard as checklist_dashboard
from portal_app.services.kernel import db, localtime, matter_progress, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.permissions import ROLES
from portal_app.services.matters import records as matters
from tests import sample_files
from tests.world import build_world

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def world(portal_db):
    return build_world()


def _open(world, title: str) -> str:
    matter_id = matters.open_matter(world.actor("attorney"), client_id=str(world.clients["client"].id),
                                    case_type_code="H1B", title=title)
    matters.assign(world.actor("attorney"), matter_id, str(world.users["paralegal"].id), "paralegal")
    return matter_id


def _item(matter_id: str, key: str) -> str:
    with db.read() as s:
        return str(s.exec(select(DocumentRequest.id).where(DocumentRequest.matter_id == uuid.UUID(matter_id),
                                                           DocumentRequest.key == key)).one())


def _stored(matter_id: str) -> dict:
    with db.read() as s:
        row = s.get(MatterProgress, uuid.UUID(matter_id))
        return {k: getattr(row, k) for k in ("total", "received", "complete", "missing", "awaiting_review")}


def _recounted(matter_id: str) -> dict:
    with db.read() as s:
        (row,) = matter_progress.counted(s.connection(), [uuid.UUID(matter_id)])
        return {k: v for k, v in row.items() if k != "matter_id"}


def _agrees(world, matter_id: str) -> tuple:
    """The dashboard's row beside the matter's checklist progress, which counts its items itself."""
    attorney = world.actor("attorney")
    row = next(r for r in checklist_dashboard.rows(attorney) if r.matter_id == matter_id)
    p = checklist_views.matter_checklist(attorney, matter_id).progress
    shown = (row.total, row.percent_complete, row.missing, row.awaiting_review, row.overdue)
    assert shown == (p.total, p.percent_complete, p.missing, p.awaiting_review, p.overdue)
    assert _stored(matter_id) == _recounted(matter_id)
    return shown


def test_the_dashboard_counts_follow_every_step_of_the_review_loop(world):
    matter_id, other = _open(world, "Counted"), _open(world, "Untouched")
    client, paralegal, attorney = world.actor("client"), world.actor("paralegal"), world.actor("attorney")
    total, _, missing, waiting, overdue = _agrees(world, matter_id)
    assert (missing, waiting, overdue) == (total, 0, 0)  # everything asked for, nothing yet received
    untouched = _agrees(world, other)
    passport, resume = _item(matter_id, "passport_bio"), _item(matter_id, "resume")

    first = uploads.upload_bytes(client, passport, "p.jpg", sample_files.jpeg((300, 200)))
    assert _agrees(world, matter_id)[2:4] == (total - 1, 1)
    second = uploads.upload_bytes(client, passport, "p2.jpg", sample_files.jpeg((310, 200)))
    assert _agrees(world, matter_id)[3] == 2  # two versions wait
    review.reject(paralegal, first.version_id, "The photo is blurry.")
    assert _agrees(world, matter_id)[3] == 1
    review.accept(paralegal, second.version_id)
    assert _agrees(world, matter_id)[1:4] == (round(100 / total), total - 1, 0)
    review.waive(attorney, resume, "We have it from the prior petition.")
    assert _agrees(world, matter_id)[1:3] == (round(200 / total), total - 2)

    late = review.add_item(attorney, matter_id, {"title": "Signed offer letter", "accepted_types": ["pdf"],
                                                 "due_date": localtime.today_for(attorney) - timedelta(days=1)})
    assert _agrees(world, matter_id)[0::2] == (total + 1, total - 1, 1)  # asked for, and overdue
    review.remove_item(attorney, late)
    assert _agrees(world, matter_id)[0::2] == (total, total - 2, 0)
    assert _agrees(world, other) == untouched


def test_a_failed_transaction_leaves_the_counts_as_they_were(world):
    matter_id = _open(world, "Rolled back")
    before = _stored(matter_id)
    with pytest.raises(RuntimeError), db.write() as s:
        for request in s.exec(select(DocumentRequest).where(DocumentRequest.matter_id == uuid.UUID(matter_id))):
            request.status, request.updated_at = "accepted", utcnow()
        s.flush()
        raise RuntimeError("the change fails before it commits")  # the counts were never rewritten
    assert _stored(matter_id) == before == _recounted(matter_id)


def test_the_migration_fills_the_counts_as_the_portal_keeps_them(world, portal_db):
    matter_id = _open(world, "Migrated")
    uploads.upload_bytes(world.actor("client"), _item(matter_id, "passport_bio"), "p.jpg", sample_files.jpeg((300, 200)))
    review.waive(world.actor("attorney"), _item(matter_id, "resume"), "On file.")
    review.remove_item(world.actor("attorney"), _item(matter_id, "passport_bio"))  # removed: neither counted nor waiting
    kept = _stored(matter_id)
    config = Config(str(ROOT / "alembic.ini"))
    db.dispose_engines()
    command.downgrade(config, "0009_request_counts_index")
    with db.read() as s:
        assert "matter_progress" not in sa.inspect(s.connection()).get_table_names()
    command.upgrade(config, "head")
    db.dispose_engines()
    assert _stored(matter_id) == kept == _recounted(matter_id)
    assert kept["awaiting_review"] == 0 and kept["complete"] == 1


def test_everyone_the_dashboard_is_for_sees_every_item_it_counts():
    """The kept counts are over every item of a matter; an employer-side reader sees only the
    employer's items, so the dashboard must never be theirs (and refuses them if the table changes)."""
    for role in ROLES:
        actor = Actor(user_id=uuid.uuid4(), role=role, full_name=role, timezone="America/New_York")
        if policy.role_allows(role, "staff.dashboard"):
            assert policy.sees_every_item(actor), role
    hr = Actor(user_id=uuid.uuid4(), role="hr_liaison", full_name="HR", timezone="America/New_York")
    assert not policy.sees_every_item(hr)
