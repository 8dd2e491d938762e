"""The employer's portal (issue 12, item 3): staff share and unshare a matter with its employer
(audited; bad input changes nothing), the HR contact's roster of sponsored employees with the
expiry dates that concern the employer (soonest first, counted from the reader's own local date),
their items across matters (only what the employer provides), and where they land after signing in.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, timezone

import pytest
from sqlmodel import func, select

from models import AuditEvent, Deadline, DocumentRequest, Matter, Organization
from portal_app.services.documents import checklist_views, review, uploads
from portal_app.services.kernel import db, policy
from portal_app.services.kernel.errors import InvalidInput, NotAllowed
from portal_app.services.matters import deadlines, roster, sharing
from tests import sample_files
from tests.world import build_world

# 15:30 UTC on 31 December is already 00:30 on 1 January in Tokyo: the reader's "today" is new year's day
NEW_YEAR_IN_TOKYO = datetime(2026, 12, 31, 15, 30, tzinfo=timezone.utc)


@pytest.fixture
def world(portal_db):
    return build_world()


def _matter(world, key: str) -> Matter:
    with db.read() as s:
        return s.get(Matter, world.matters[key].id)


def _audit(action: str) -> list[AuditEvent]:
    with db.read() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def _snapshot(world) -> tuple:
    with db.read() as s:
        matters = tuple((m.organization_id, m.shared_with_organization, m.organization_pays)
                        for m in s.exec(select(Matter).order_by(Matter.reference)).all())
        return matters, s.exec(select(func.count()).select_from(AuditEvent)).one()


def test_staff_unshare_and_share_again_audited_once_each(world):
    attorney, hr, matter_id = world.actor("attorney"), world.actor("hr"), str(world.matters["shared_unpaid"].id)
    with db.read() as s:
        assert policy.can_on_matter(s, hr, "matter.view", matter_id)
    taken = sharing.unshare(attorney, matter_id)
    assert (taken.shared, taken.organization_name) == (False, "Acme")
    with db.read() as s:
        assert not policy.can_on_matter(s, hr, "matter.view", matter_id)
    assert matter_id not in {r.matter_id for r in roster.roster(hr).rows}
    sharing.unshare(attorney, matter_id)  # already so: nothing changes, nothing is recorded
    assert len(_audit("matter.unshared")) == 1
    again = sharing.share(attorney, matter_id, str(world.org.id), organization_pays=True)
    assert (again.shared, again.organization_pays, again.organizations) == (True, True, [(str(world.org.id), "Acme")])
    sharing.share(attorney, matter_id, str(world.org.id), organization_pays=True)
    [event] = _audit("matter.shared")
    assert event.details == {"organization": str(world.org.id), "organization_pays": True,
                             "previous_organization": str(world.org.id), "was_shared": False}
    assert event.actor_id == world.users["attorney"].id and event.matter_id == world.matters["shared_unpaid"].id
    with db.read() as s:
        assert policy.can_on_matter(s, hr, "invoice.view", matter_id)  # the organization pays now


def test_a_matter_with_no_employer_gets_one_when_shared(world):
    admin, other = world.actor("admin"), world.matters["other"]
    assert sharing.sharing_of(admin, str(other.id)).organization_id == ""
    sharing.share(admin, str(other.id), str(world.org.id))
    matter = _matter(world, "other")
    assert (matter.organization_id, matter.shared_with_organization, matter.organization_pays) == (world.org.id, True, False)
    assert str(other.id) in {r.matter_id for r in roster.roster(world.actor("hr")).rows}


def test_bad_input_gets_its_own_answer_and_changes_nothing(world):
    with db.write() as s:
        stranger = Organization(name="Globex")  # on no matter anybody here can see
        s.add(stranger)
    before = _snapshot(world)
    own, other = str(world.matters["own"].id), str(world.matters["other"].id)
    org = str(world.org.id)
    refused = [
        (NotAllowed, lambda: sharing.share(world.actor("attorney"), "not-a-uuid", org)),
        (NotAllowed, lambda: sharing.share(world.actor("attorney"), str(uuid.uuid4()), org)),
        (NotAllowed, lambda: sharing.share(world.actor("attorney"), other, org)),  # not on its team
        (NotAllowed, lambda: sharing.unshare(world.actor("attorney"), other)),
        (NotAllowed, lambda: sharing.unshare(world.actor("hr"), own)),
        (NotAllowed, lambda: sharing.unshare(world.actor("client"), own)),
        (NotAllowed, lambda: sharing.share(world.actor("billing"), own, org)),
        (InvalidInput, lambda: sharing.share(world.actor("attorney"), own, "")),
        (InvalidInput, lambda: sharing.share(world.actor("attorney"), own, str(stranger.id))),
        (NotAllowed, lambda: sharing.share(world.actor("attorney"), own, "'; drop table matter; --")),
    ]
    for error, attempt in refused:
        with pytest.raises(error):
            attempt()
    with pytest.raises(InvalidInput) as unknown:
        sharing.share(world.actor("attorney"), own, str(stranger.id))
    assert unknown.value.code == "matter.organization_unknown"
    with pytest.raises(InvalidInput) as empty:
        sharing.share(world.actor("attorney"), own, "")
    assert empty.value.code == "sharing.organization_required"
    assert empty.value.message("es") == "Elija la organización con la que compartir este asunto."
    assert _snapshot(world) == before


def _expiry(world, key: str, kind: str, due: date, visible: bool = True) -> None:
    deadlines.add(world.actor("attorney"), str(world.matters[key].id), kind=kind, due_date=due, client_visible=visible)


def _item_expiry(world, key: str, item_key: str, when: date) -> None:
    with db.write() as s:
        s.add(DocumentRequest(matter_id=world.matters[key].id, key=item_key, title=item_key, expires=True,
                              expiry_date=when, status="accepted"))


def test_the_roster_puts_what_expires_first_on_top(world):
    _expiry(world, "own", "i94_expiry", date(2027, 6, 1))
    _item_expiry(world, "own", "i94", date(2027, 5, 1))  # the earlier of the two I-94 dates counts
    _item_expiry(world, "own", "ead_card", date(2027, 9, 30))
    _item_expiry(world, "shared_unpaid", "visa_stamps", date(2027, 2, 1))
    _expiry(world, "shared_unpaid", "status_expiry", date(2027, 1, 15), visible=False)  # kept inside the firm
    _expiry(world, "shared_unpaid", "biometrics", date(2027, 1, 3))  # the employee's own appointment
    _item_expiry(world, "other", "ead_card", date(2027, 1, 2))  # not shared: never on the roster
    found = roster.roster(world.actor("hr"), now=datetime(2026, 12, 1, 12, tzinfo=timezone.utc))
    assert found.organization_name == "Acme"
    assert [r.reference for r in found.rows] == ["T-3", "T-1"]
    unpaid, own = found.rows
    assert {k: e.date for k, e in unpaid.expiries.items()} == {"visa": date(2027, 2, 1)}
    assert {k: e.date for k, e in own.expiries.items()} == {"i94": date(2027, 5, 1), "ead": date(2027, 9, 30)}
    assert own.first.kind == "i94" and own.employee == "Client" and own.status == "open"


def test_days_left_count_from_the_readers_own_new_year(world):
    _expiry(world, "own", "status_expiry", date(2027, 1, 1))
    _expiry(world, "shared_unpaid", "i94_expiry", date(2026, 12, 31))
    world.users["hr"].timezone = "Asia/Tokyo"
    rows = roster.roster(world.actor("hr"), now=NEW_YEAR_IN_TOKYO).rows
    assert [(r.reference, r.first.days_left) for r in rows] == [("T-3", -1), ("T-1", 0)]
    world.users["hr"].timezone = "America/Los_Angeles"  # still the morning of 31 December
    rows = roster.roster(world.actor("hr"), now=NEW_YEAR_IN_TOKYO).rows
    assert [(r.reference, r.first.days_left) for r in rows] == [("T-3", 0), ("T-1", 1)]


def test_cases_with_no_date_come_last_by_name(world):
    rows = roster.roster(world.actor("hr")).rows
    assert [r.reference for r in rows] == ["T-1", "T-3"] and all(r.first is None for r in rows)


@pytest.mark.parametrize("role", ["admin", "attorney", "paralegal", "billing", "client"])
def test_only_an_hr_contact_has_a_roster(world, role):
    with pytest.raises(NotAllowed):
        roster.roster(world.actor(role))


def test_the_hr_contacts_items_are_the_employers_with_status_and_reason(world):
    matter_id = str(world.matters["own"].id)
    licence = review.add_item(world.actor("attorney"), matter_id, {"title": "Business licence", "accepted_types": ["pdf"],
                                                                   "provided_by": "employer"})
    review.add_item(world.actor("attorney"), matter_id, {"title": "Pay stubs", "accepted_types": ["pdf"]})
    uploaded = uploads.upload_bytes(world.actor("hr"), licence, "licence.pdf", sample_files.pdf())
    review.reject(world.actor("paralegal"), uploaded.version_id, "The licence has expired; send the renewed one.")
    review.add_item(world.actor("admin"), str(world.matters["other"].id), {"title": "Other licence",
                                                                          "accepted_types": ["pdf"], "provided_by": "employer"})
    items = checklist_views.every_item(world.actor("hr"))
    assert [(i.title, i.status, i.rejection_reason) for i in items] == [
        ("Business licence", "rejected", "The licence has expired; send the renewed one.")]
    assert {i.title for i in checklist_views.every_item(world.actor("client"))} == {"Business licence", "Pay stubs"}


def test_the_hr_contact_sees_only_deadlines_that_concern_the_employer(world):
    for kind in ("biometrics", "interview", "i94_expiry", "filing"):
        _expiry(world, "own", kind, date(2027, 3, 1))
    _expiry(world, "own", "rfe_response", date(2027, 3, 1), visible=False)
    now = datetime(2027, 1, 1, 12, tzinfo=timezone.utc)
    seen = {d.kind for d in deadlines.for_matter(world.actor("hr"), str(world.matters["own"].id), now=now)}
    assert seen == {"i94_expiry", "filing"}
    assert {d.kind for d in deadlines.upcoming(world.actor("hr"), within_days=365, now=now)} == seen
    assert {d.kind for d in deadlines.upcoming(world.actor("client"), within_days=365, now=now)} == \
        {"biometrics", "interview", "i94_expiry", "filing"}
    with db.read() as s:
        assert s.exec(select(func.count()).select_from(Deadline)).one() == 5


def test_the_hr_contact_lands_on_the_employers_portal(world):
    assert world.actor("hr").home_path == "/employer"
    assert world.actor("client").home_path == "/client"
