"""The document collection loop end to end in the services: the checklist library, opening a
matter, intake answers changing the checklist, the review loop with tasks and mail, expiring
documents, the staff dashboard and template editing."""
from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlmodel import select

from models import AuditEvent, DocumentRequest, OutboxMessage, Task, User, utcnow
from portal_app.services.documents import checklist_views, checklists, expiry, intake, review, templates, uploads
from portal_app.services.documents import dashboard as checklist_dashboard
from portal_app.services.kernel import content, db
from portal_app.services.kernel.errors import Conflict, InvalidInput, NotAllowed
from portal_app.services.matters import records as matters
from tests import sample_files
from tests.world import build_world

H1B_ANSWERS = {"full_name": "Client Example", "date_of_birth": "1990-04-02", "country_of_birth": "India",
               "phone": "+1 555 0100", "address": "1 Main St", "married": "yes", "prior_marriages": "1",
               "has_children": "no", "prior_us_status": "yes", "arrests": "no", "name_change": "no",
               "foreign_degree": "yes", "representation": True, "truthful": True, "electronic_communication": True,
               "signature": "Client Example"}


@pytest.fixture
def world(portal_db):
    return build_world()


def open_h1b(world, actor_key="attorney") -> str:
    matter_id = matters.open_matter(world.actor(actor_key), client_id=str(world.clients["client"].id),
                                    case_type_code="H1B", title="H-1B for Client")
    matters.assign(world.actor(actor_key), matter_id, str(world.users["paralegal"].id), "paralegal")
    return matter_id


def request_by_key(matter_id: str, key: str) -> DocumentRequest:
    with db.read() as s:
        return s.exec(select(DocumentRequest).where(DocumentRequest.matter_id == uuid.UUID(matter_id),
                                                    DocumentRequest.key == key)).one()


def test_library_is_complete_and_consistent():
    library, questions = checklists.library(), content.load("intake.yaml")
    codes = [c["code"] for c in content.load("case_types.yaml")]
    assert sorted(library) == sorted(codes)
    for code, items in library.items():
        assert 8 <= len(items) <= 25, code
        keys = {q["key"] for q in intake.questions_for(code)}
        for item in items:
            assert item["title"] and item["why"] and item["example"] and item["accepted_types"], item["key"]
            assert item["provided_by"] in checklists.PROVIDERS
            if item["condition"]:
                assert item["condition"]["question"] in keys, f"{code}/{item['key']} asks an unknown question"
    assert {"common", "case_types", "consent"} <= set(questions)
    for key in ("passport_bio", "i94", "visa_stamps", "ead_card", "green_card"):
        assert any(i["expires"] for items in library.values() for i in items if i["key"] == key)


def test_opening_a_matter_opens_its_checklist(world):
    matter_id = open_h1b(world)
    view = checklist_views.matter_checklist(world.actor("attorney"), matter_id)
    keys = {i.key for i in view.items}
    assert {"passport_bio", "degree_diploma", "job_offer"} <= keys
    assert not keys & {"i94", "divorce_decrees", "credential_evaluation"}  # conditional, not yet asked for
    assert view.progress.total == len(view.items) and view.progress.percent_received == 0
    with db.read() as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "checklist.instantiated")).one()


def test_intake_draft_then_submit_once_adds_conditional_items(world):
    matter_id = open_h1b(world)
    client = world.actor("client")
    intake.save_draft(client, matter_id, {"full_name": "Client Example", "married": "yes"})
    view = intake.get(client, matter_id)
    assert view.status == "draft" and view.answers["married"] is True and view.may_fill
    with pytest.raises(InvalidInput, match="intake.missing"):
        intake.submit(client, matter_id)
    with pytest.raises(InvalidInput, match="intake.number_invalid"):
        intake.save_draft(client, matter_id, {"prior_marriages": "two"})
    result = intake.submit(client, matter_id, H1B_ANSWERS)
    assert {"Most recent I-94 record", "Marriage certificate", "Foreign degree evaluation"} <= set(result.added)
    keys = {i.key for i in checklist_views.matter_checklist(client, matter_id).items}
    assert {"i94", "visa_stamps", "prior_status_docs", "marriage_certificate", "credential_evaluation"} <= keys
    assert "children_birth_certificates" not in keys
    assert request_by_key(matter_id, "i94").note == "checklist.added_by_answers"
    with pytest.raises(Conflict):
        intake.submit(client, matter_id, H1B_ANSWERS)
    assert intake.get(world.actor("paralegal"), matter_id).answers["signature"] == "Client Example"
    with pytest.raises(NotAllowed):
        intake.get(world.actor("other_client"), matter_id)


def test_answers_that_no_longer_apply_remove_unsent_items_but_keep_sent_ones(world):
    matter_id = open_h1b(world)
    with db.write() as s:
        matter = s.get(__import__("models").Matter, uuid.UUID(matter_id))
        checklists.apply_answers(s, None, matter, {"married": True, "has_children": True})
    uploads.upload_bytes(world.actor("client"), str(request_by_key(matter_id, "marriage_certificate").id), "m.pdf",
                         sample_files.pdf())
    with db.write() as s:
        matter = s.get(__import__("models").Matter, uuid.UUID(matter_id))
        change = checklists.apply_answers(s, None, matter, {"married": False, "has_children": False})
    assert change.removed == ["Birth certificates of your children"] and change.kept == ["Marriage certificate"]
    view = checklist_views.matter_checklist(world.actor("client"), matter_id)
    assert view.removed == ["Birth certificates of your children"]


def test_reject_mails_the_client_reopens_and_accept_completes(world):
    matter_id = open_h1b(world)
    client, paralegal = world.actor("client"), world.actor("paralegal")
    passport = str(request_by_key(matter_id, "passport_bio").id)
    first = uploads.upload_bytes(client, passport, "pass.jpg", sample_files.jpeg((300, 200)))
    second = uploads.upload_bytes(client, passport, "pass2.jpg", sample_files.jpeg((310, 200)))
    with db.read() as s:
        open_tasks = s.exec(select(Task).where(Task.status == "open", Task.kind == "review_upload")).all()
    assert len(open_tasks) == 2 and {t.assignee_id for t in open_tasks} == {world.users["paralegal"].id}
    with pytest.raises(InvalidInput):
        review.reject(paralegal, first.version_id, "no")
    with pytest.raises(NotAllowed):
        review.reject(client, first.version_id, "Looks fine to me")
    review.reject(paralegal, first.version_id, "The photo is blurry; the passport number cannot be read.")
    item = next(i for i in checklist_views.matter_checklist(client, matter_id).items if i.id == passport)
    assert item.status == "rejected" and "blurry" in item.rejection_reason
    with db.read() as s:
        message = s.exec(select(OutboxMessage).where(OutboxMessage.template == "document_rejected")).one()
        statuses = dict(s.exec(select(Task.subject_id, Task.status)).all())
    assert message.to_address == "client@firm.example" and "blurry" in message.body_text
    assert f"/matters/{matter_id}/documents" in message.body_text
    assert statuses[uuid.UUID(first.version_id)] == "done" and statuses[uuid.UUID(second.version_id)] == "open"
    with pytest.raises(Conflict):
        review.accept(paralegal, first.version_id)
    third = uploads.upload_bytes(client, passport, "pass3.jpg", sample_files.jpeg((320, 200)))
    assert review.accept(paralegal, second.version_id) == "uploaded"  # the third still waits
    assert review.accept(paralegal, third.version_id, expiry_date=date(2031, 1, 31)) == "accepted"
    done = next(i for i in checklist_views.matter_checklist(client, matter_id).items if i.id == passport)
    assert done.status == "accepted" and done.expiry_date == date(2031, 1, 31)
    assert [v.status for v in done.versions] == ["rejected", "accepted", "accepted"]  # every version kept


def test_rejection_mail_goes_out_in_the_clients_language(world):
    with db.write() as s:
        s.get(User, world.users["client"].id).locale = "es"
    matter_id = open_h1b(world)
    done = uploads.upload_bytes(world.actor("client"), str(request_by_key(matter_id, "resume").id), "cv.pdf",
                                sample_files.pdf())
    review.reject(world.actor("paralegal"), done.version_id, "Falta la segunda página.")
    with db.read() as s:
        message = s.exec(select(OutboxMessage).where(OutboxMessage.template == "document_rejected")).one()
    assert message.subject.startswith("Necesitamos una copia nueva") and "Hola" in message.body_text


def test_waive_closes_tasks_and_counts_as_complete(world):
    matter_id = open_h1b(world)
    resume = str(request_by_key(matter_id, "resume").id)
    done = uploads.upload_bytes(world.actor("client"), resume, "cv.pdf", sample_files.pdf())
    review.waive(world.actor("attorney"), resume, "We have it from the prior petition.")
    with db.read() as s:
        assert s.exec(select(Task.status).where(Task.subject_id == uuid.UUID(done.version_id))).one() == "done"
    view = checklist_views.matter_checklist(world.actor("attorney"), matter_id)
    assert view.progress.complete == 1
    with pytest.raises(InvalidInput, match="upload.request_closed"):
        uploads.upload_bytes(world.actor("client"), resume, "cv.pdf", sample_files.pdf())


def test_expiring_documents_reopen_within_the_window_once(world):
    matter_id = open_h1b(world)
    passport = str(request_by_key(matter_id, "passport_bio").id)
    done = uploads.upload_bytes(world.actor("client"), passport, "p.pdf", sample_files.pdf())
    now = utcnow()
    review.accept(world.actor("paralegal"), done.version_id, expiry_date=(now + timedelta(days=200)).date())
    assert expiry.reopen_expiring(now) == {"reopened": 0}
    later = now + timedelta(days=30)  # now within 180 days
    assert expiry.reopen_expiring(later) == {"reopened": 1}
    assert expiry.reopen_expiring(later) == {"reopened": 0}  # idempotent
    request = request_by_key(matter_id, "passport_bio")
    assert request.status == "requested" and request.note == "checklist.expiring"
    with db.read() as s:
        assert s.exec(select(OutboxMessage).where(OutboxMessage.template == "document_expiring")).one()
    with pytest.raises(InvalidInput):
        review.set_expiry(world.actor("client"), str(request_by_key(matter_id, "resume").id), "2030-01-01")
    review.set_expiry(world.actor("client"), passport, "2035-05-05")
    assert request_by_key(matter_id, "passport_bio").expiry_date == date(2035, 5, 5)
    assert expiry.reopen_expiring(later, window_days=5000) == {"reopened": 0}  # only received items reopen


def test_dashboard_sorts_what_needs_action_first_and_filters(world):
    quiet = open_h1b(world)
    busy = open_h1b(world)
    uploads.upload_bytes(world.actor("client"), str(request_by_key(busy, "resume").id), "cv.pdf", sample_files.pdf())
    rows = checklist_dashboard.rows(world.actor("attorney"))
    assert [r.matter_id for r in rows][:1] == [busy] and rows[0].awaiting_review == 1
    assert {quiet, busy} <= {r.matter_id for r in rows}
    assert [r.matter_id for r in checklist_dashboard.rows(world.actor("attorney"), status="needs_review")] == [busy]
    assert checklist_dashboard.rows(world.actor("attorney"), case_type="N400") == []
    assert {r.matter_id for r in checklist_dashboard.rows(world.actor("other_attorney"))} & {quiet, busy} == set()
    with pytest.raises(NotAllowed):
        checklist_dashboard.rows(world.actor("client"))


def test_template_edits_make_new_audited_versions(world):
    attorney = world.actor("attorney")
    old_matter = open_h1b(world)
    view = templates.get(attorney, "H1B")
    resume = next(i for i in view.items if i.key == "resume")
    fields = {"title": "Resume (CV) in English", "why": resume.why, "example": resume.example,
              "accepted_types": ["pdf"], "max_mb": 5, "naming_convention": "CV_{name}", "provided_by": "beneficiary"}
    assert templates.save_item(attorney, "H1B", "resume", fields, view.version) == view.version + 1
    with pytest.raises(Conflict):
        templates.save_item(attorney, "H1B", "resume", fields, view.version)
    with pytest.raises(NotAllowed):
        templates.save_item(world.actor("paralegal"), "H1B", "resume", fields, view.version + 1)
    version = templates.save_item(attorney, "H1B", "", {**fields, "title": "Patent certificates"}, view.version + 1)
    version = templates.remove_item(attorney, "H1B", "org_chart_us", version)
    new_matter = open_h1b(world)
    new_keys = {i.key: i.title for i in checklist_views.matter_checklist(attorney, new_matter).items}
    old_keys = {i.key: i.title for i in checklist_views.matter_checklist(attorney, old_matter).items}
    assert new_keys["resume"] == "Resume (CV) in English" and "patent_certificates" in new_keys
    assert "org_chart_us" not in new_keys and old_keys["resume"] == "Resume or CV" and "org_chart_us" in old_keys
    with db.read() as s:
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.action.like("template.%"))
                         .order_by(AuditEvent.seq)).all()
    assert actions == ["template.item_saved", "template.item_saved", "template.item_removed"]


def test_staff_add_and_remove_items_on_one_matter(world):
    matter_id = open_h1b(world)
    added = review.add_item(world.actor("paralegal"), matter_id, {"title": "Translation of diploma",
                                                                  "accepted_types": ["pdf"], "max_mb": 10})
    assert any(i.id == added for i in checklist_views.matter_checklist(world.actor("client"), matter_id).items)
    review.remove_item(world.actor("paralegal"), added)
    assert all(i.id != added for i in checklist_views.matter_checklist(world.actor("client"), matter_id).items)
    with pytest.raises(NotAllowed):
        review.add_item(world.actor("client"), matter_id, {"title": "x", "accepted_types": ["pdf"]})
    with pytest.raises(InvalidInput):
        review.add_item(world.actor("paralegal"), matter_id, {"title": "", "accepted_types": ["pdf"]})


def test_matters_opened_before_checklists_get_theirs_on_setup(world):
    from portal_app.services.matters import case_types

    assert checklist_views.matter_checklist(world.actor("attorney"), str(world.matters["own"].id)).items == []
    case_types.sync_all()
    case_types.sync_all()  # idempotent
    view = checklist_views.matter_checklist(world.actor("attorney"), str(world.matters["own"].id))
    assert 8 <= len(view.items) <= 25
    with db.read() as s:
        assert len(s.exec(select(AuditEvent).where(AuditEvent.action == "checklist.instantiated")).all()) == 3
