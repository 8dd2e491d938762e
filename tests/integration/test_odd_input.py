"""Odd input through the real services, as the penetration tester sent it: direction overrides
and NUL in client names, file names and intake answers are not stored; other digits are not read
as amounts or quantities; and each refusal is a sentence in the reader's language."""
from __future__ import annotations

import uuid

import pytest
from sqlmodel import select

from models import Client, DocumentVersion, IntakeResponse, Matter
from portal_app.services.billing.invoices import drafts as invoice_drafts
from portal_app.services.billing.invoices.drafts import DraftInput, LineInput
from portal_app.services.billing.payments import staff as staff_payments
from portal_app.services.documents import intake, uploads
from portal_app.services.documents.review import add_item
from portal_app.services.identity import invitations
from portal_app.services.kernel import db
from portal_app.services.kernel.errors import InvalidInput
from portal_app.services.matters import records
from tests import sample_files
from tests.billing_helpers import make_invoice
from tests.world import build_world

RLO, NUL = "\u202e", "\x00"


@pytest.fixture
def world(portal_db):
    return build_world()


def test_names_are_stored_without_controls_or_direction_overrides(world):
    invitations.invite_client(world.actor("paralegal"), full_name=f"Mar\u00eda{NUL} {RLO}Garc\u00eda\u200b",
                              email="maria.g@example.com")
    with db.read() as s:
        assert s.exec(select(Client.full_name).where(Client.email == "maria.g@example.com")).one() == "Mar\u00eda Garc\u00eda"
    with pytest.raises(InvalidInput) as refused:
        invitations.invite_client(world.actor("paralegal"), full_name=f"{RLO}\u200b{NUL}", email="x@example.com")
    assert refused.value.code == "invite.name_required"
    matter_id = records.open_matter(world.actor("attorney"), client_id=str(world.clients["client"].id),
                                    case_type_code="N400", title=f"N-400 {RLO}for Client{NUL}")
    with db.read() as s:
        assert s.get(Matter, uuid.UUID(matter_id)).title == "N-400 for Client"


def test_a_file_name_cannot_disguise_its_extension(world):
    request_id = add_item(world.actor("attorney"), str(world.matters["own"].id),
                          {"title": "Any scan", "accepted_types": ["pdf"], "max_mb": 1, "naming_convention": "Scan_{name}"})
    done = uploads.upload_bytes(world.actor("client"), request_id, f"invoice{RLO}fdp.exe{NUL}", sample_files.pdf(1))
    with db.read() as s:
        assert s.get(DocumentVersion, uuid.UUID(done.version_id)).original_name == "invoicefdp.exe"


def test_intake_answers_are_kept_as_written_without_invisible_controls(world):
    matter_id = records.open_matter(world.actor("attorney"), client_id=str(world.clients["client"].id),
                                    case_type_code="H1B", title="H-1B")
    intake.save_draft(world.actor("client"), matter_id, {"full_name": f"Client{NUL} {RLO}Example"})
    with db.read() as s:
        answers = s.exec(select(IntakeResponse.answers).where(IntakeResponse.matter_id == uuid.UUID(matter_id))).one()
    assert answers["full_name"] == "Client Example"


def test_other_digits_are_not_an_amount_or_a_quantity(world):
    line = LineInput(kind="legal_fee", description="Consultation", unit_amount_cents=10_000, quantity="\u00b2")
    with pytest.raises(InvalidInput) as refused:
        invoice_drafts.create(world.actor("billing"), str(world.matters["own"].id),
                              DraftInput(kind="milestone", title="Fees", lines=[line]))
    assert refused.value.message() == ("Line 1: the quantity must be a whole number from 1 to 1000, typed with the "
                                       "digits 0 to 9.")
    invoice_id = make_invoice(world, "milestone", 50_000)
    for typed in ("\u0661\u0662\u0663", "\uff11\uff12\uff13"):
        with pytest.raises(InvalidInput) as refused:
            staff_payments.record_manual(world.actor("billing"), invoice_id, amount=typed, method="check",
                                         reference="Check 1001")
        assert refused.value.code == "billing.amount_digits"
    staff_payments.record_manual(world.actor("billing"), invoice_id, amount="123", method="check", reference="1001")
