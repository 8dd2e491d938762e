"""Engagement letters, as the client and the firm use them: the client reads the fee agreement
with their matter's fields and its SHA-256, consents, types their name and signs; the signed PDF
(stored encrypted on the matter) repeats the exact text and the same hash on its signature page with
who, when and from where; the client is mailed a link, never the file; the retainer waits for the
signature where the firm wants that. Every refusal (no consent, an empty or another name, a letter
changed since it was shown, a second signature, a forged or someone else's matter, a role that does
not sign) says why and leaves database and storage as they were."""
from __future__ import annotations

import hashlib
import io
import uuid

import pytest
from pypdf import PdfReader
from sqlmodel import func, select

from models import AuditEvent, DocumentVersion, EngagementLetter, EngagementTemplate, OutboxMessage
from portal_app.services.billing import config as billing_config
from portal_app.services.billing.invoices import lifecycle as invoice_lifecycle
from portal_app.services.engagement import letters, templates
from portal_app.services.files import storage
from portal_app.services.files import store as filestore
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import Conflict, InvalidInput, NotAllowed
from tests.billing_helpers import make_invoice
from tests.world import build_world, new_uuid

IP = "203.0.113.7"


@pytest.fixture
def world(portal_db):
    return build_world()


def _own(w) -> str:
    return str(w.matters["own"].id)


def _snapshot() -> tuple:
    with db.read() as s:
        counts = tuple(s.exec(select(func.count()).select_from(t)).one()
                       for t in (EngagementLetter, DocumentVersion, AuditEvent, OutboxMessage))
    root = storage.get_storage().root
    files = sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []
    return counts, files


def _sign(w, shown: str, name: str = "Client", consent: bool = True, matter: str | None = None, who: str = "client"):
    return letters.sign(w.actor(who), matter or _own(w), shown_sha256=shown, typed_name=name, consent=consent, ip=IP)


def _pdf_text(version_id: str) -> str:
    with db.read() as s:
        version = s.get(DocumentVersion, uuid.UUID(version_id))
    data = b"".join(filestore.stream(version))
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_client_reads_their_letter_with_the_matters_fields_and_its_hash(world):
    view = letters.letter_for(world.actor("client"), _own(world))
    assert "Client" in view.text and world.matters["own"].reference in view.text
    assert "{" not in view.text  # every field filled in
    assert view.sha256 == hashlib.sha256(view.text.encode("utf-8")).hexdigest()
    assert view.may_sign and view.signed_at is None
    staff_view = letters.letter_for(world.actor("paralegal"), _own(world))
    assert staff_view.sha256 == view.sha256 and not staff_view.may_sign
    assert [m.matter_id for m in letters.awaiting_signature(world.actor("client"))].count(_own(world)) == 1


def test_signing_stores_the_pdf_with_the_same_hash_audits_and_mails_a_link(world):
    shown = letters.letter_for(world.actor("client"), _own(world))
    signed = _sign(world, shown.sha256, name="  client ")  # case and spaces aside, their name
    assert signed.signed_at is not None and signed.signed_ip == IP and signed.pdf_version_id
    assert signed.text == shown.text and signed.sha256 == shown.sha256
    pdf = _pdf_text(signed.pdf_version_id)
    assert shown.sha256 in pdf.replace("\n", "")
    assert IP in pdf and "client@firm.example" in pdf and "UTC" in pdf and "Signature page" in pdf
    with db.read() as s:
        letter = s.exec(select(EngagementLetter)).one()
        assert letter.body == shown.text and letter.text_sha256 == shown.sha256 and letter.signed_name == "client"
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "engagement.signed")).one()
        assert event.details["sha256"] == shown.sha256 and event.ip == IP
        mail = s.exec(select(OutboxMessage).where(OutboxMessage.template == "engagement_signed")).one()
    assert mail.to_address == "client@firm.example"
    assert f"/matters/{_own(world)}/engagement" in mail.body_text
    assert "No guarantee" not in mail.body_text and shown.sha256 not in mail.body_text  # a link, not the letter
    assert letters.awaiting_signature(world.actor("client")) == [] or all(
        m.matter_id != _own(world) for m in letters.awaiting_signature(world.actor("client")))
    again = letters.letter_for(world.actor("client"), _own(world))
    assert again.sha256 == shown.sha256 and not again.may_sign


def test_a_second_signature_is_refused_and_changes_nothing(world):
    shown = letters.letter_for(world.actor("client"), _own(world))
    _sign(world, shown.sha256)
    before = _snapshot()
    with pytest.raises(Conflict) as refused:
        _sign(world, shown.sha256)
    assert "already signed" in refused.value.message("en")
    assert "ya está firmada" in refused.value.message("es")
    assert _snapshot() == before


@pytest.mark.parametrize("case, error, key", [
    ({"consent": False}, InvalidInput, "engagement.consent_required"),
    ({"name": "   "}, InvalidInput, "engagement.name_required"),
    ({"name": "Someone Else"}, InvalidInput, "engagement.name_mismatch"),
    ({"shown": "0" * 64}, Conflict, "engagement.changed"),
    ({"matter": "other"}, NotAllowed, "error.not_allowed"),
    ({"matter": "random"}, NotAllowed, "error.not_allowed"),
    ({"matter": "not-a-uuid"}, NotAllowed, "error.not_allowed"),
    ({"who": "paralegal"}, NotAllowed, "error.not_allowed"),
    ({"who": "hr"}, NotAllowed, "error.not_allowed"),
])
def test_bad_input_is_refused_with_its_reason_and_changes_nothing(world, case, error, key):
    shown = letters.letter_for(world.actor("client"), _own(world)).sha256
    matter = {"other": str(world.matters["other"].id), "random": str(new_uuid()),
              "not-a-uuid": "1 OR 1=1"}.get(case.get("matter", ""), None)
    before = _snapshot()
    with pytest.raises(error) as refused:
        _sign(world, case.get("shown", shown), name=case.get("name", "Client"), consent=case.get("consent", True),
              matter=matter, who=case.get("who", "client"))
    assert refused.value.code == key
    assert refused.value.message("en") != key  # a sentence, not a key
    assert _snapshot() == before


def test_an_employer_never_sees_the_fee_agreement(world):
    with pytest.raises(NotAllowed):
        letters.letter_for(world.actor("hr"), _own(world))
    with pytest.raises(NotAllowed):
        letters.letter_for(world.actor("client"), str(world.matters["other"].id))


def test_staff_edit_the_template_audited_and_a_letter_shown_before_the_edit_is_not_signed(world):
    shown = letters.letter_for(world.actor("client"), _own(world))
    case_type_id = str(world.matters["own"].case_type_id)
    with pytest.raises(NotAllowed):
        templates.save_template(world.actor("paralegal"), case_type_id, "Fee agreement", "Text for {client_name}")
    with pytest.raises(InvalidInput) as unknown:
        templates.save_template(world.actor("attorney"), case_type_id, "Fee agreement", "Dear {client_nam}")
    assert "client_nam" in unknown.value.message("en")
    with pytest.raises(InvalidInput):
        templates.save_template(world.actor("attorney"), case_type_id, "Fee agreement", "Dear {client_name")
    saved = templates.save_template(world.actor("attorney"), case_type_id, "H-1B fee agreement",
                                    "H-1B work for {client_name} on {matter_reference}. Flat fee as invoiced.")
    assert saved.version == 1 and saved.own
    before = _snapshot()
    with pytest.raises(Conflict) as changed:
        _sign(world, shown.sha256)
    assert changed.value.code == "engagement.changed" and _snapshot() == before
    fresh = letters.letter_for(world.actor("client"), _own(world))
    assert fresh.text.startswith("H-1B work for Client on ") and fresh.sha256 != shown.sha256
    again = templates.save_template(world.actor("attorney"), case_type_id, "H-1B fee agreement", "Version two, {client_name}.")
    assert again.version == 2
    with db.read() as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "engagement.template_saved")
                        .order_by(AuditEvent.seq)).all()
        assert [e.details["version"] for e in events] == [1, 2]
        assert events[1].details["sha256_before"] == templates.sha256(saved.body)
        assert s.exec(select(func.count()).select_from(EngagementTemplate)).one() == 2  # the default and H-1B's
    rows = templates.list_templates(world.actor("admin"))
    assert rows[0].case_type_id == "" and any(r.own and r.case_type_id == case_type_id for r in rows)


def test_the_retainer_waits_for_the_signature_where_the_firm_wants_it(world):
    billing_config.update(world.actor("admin"), retainer_needs_engagement=True)
    retainer = make_invoice(world, kind="retainer", cents=100_000, send=False)
    with pytest.raises(Conflict) as held:
        invoice_lifecycle.send(world.actor("billing"), retainer)
    assert held.value.code == "billing.engagement_unsigned" and "engagement letter" in held.value.message("en")
    milestone = make_invoice(world, kind="milestone", cents=100_000, send=False)
    assert invoice_lifecycle.send(world.actor("billing"), milestone) == "sent"  # only retainers wait
    _sign(world, letters.letter_for(world.actor("client"), _own(world)).sha256)
    assert invoice_lifecycle.send(world.actor("billing"), retainer) == "sent"


def test_without_the_setting_a_retainer_goes_out_unsigned(world):
    retainer = make_invoice(world, kind="retainer", cents=100_000, send=False)
    assert invoice_lifecycle.send(world.actor("billing"), retainer) == "sent"
