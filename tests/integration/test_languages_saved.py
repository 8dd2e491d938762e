"""The language a person reads is saved on their account and used for what they receive: the switch
stores it (audited), staff forms read which language the client reads, the invoice PDF follows it."""
from __future__ import annotations

import io
import uuid

import pytest
from pypdf import PdfReader
from sqlmodel import select

from models import AuditEvent, Invoice, User
from portal_app.services.billing import pdfs
from portal_app.services.billing.invoices import drafts, lifecycle
from portal_app.services.billing.invoices.drafts import DraftInput, LineInput
from portal_app.services.kernel import db, i18n
from portal_app.services.kernel.errors import InvalidInput, NotAllowed
from portal_app.services.messaging import preferences
from tests.world import build_world


@pytest.fixture
def world(portal_db):
    return build_world()


def test_the_switch_saves_the_language_on_the_account_and_staff_see_it(world):
    client, attorney = world.actor("client"), world.actor("attorney")
    preferences.set_language(client, "vi")
    with db.read() as s:
        assert s.get(User, world.users["client"].id).locale == "vi"
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "preferences.changed")).all()
        assert events and events[-1].details["to"] == {"locale": "vi"}
    matter = str(world.matters["own"].id)
    assert preferences.client_language(attorney, matter) == "vi"
    with pytest.raises(NotAllowed):
        preferences.client_language(client, matter)  # a staff form's hint, not the client's
    with pytest.raises(NotAllowed):
        preferences.client_language(world.actor("other_attorney"), matter)
    with pytest.raises(InvalidInput):
        preferences.set_language(client, "xx")


def test_the_invoice_pdf_follows_the_clients_language(world):
    preferences.set_language(world.actor("client"), "es")
    billing = world.actor("billing")
    line = LineInput(kind="legal_fee", description="Advance fee deposit (retainer)", unit_amount_cents=150_000)
    invoice_id = drafts.create(billing, str(world.matters["own"].id), DraftInput(kind="retainer", title="Anticipo", lines=[line]))
    lifecycle.send(billing, invoice_id)
    with db.write() as s:
        doc = pdfs._invoice_doc(s, s.get(Invoice, uuid.UUID(invoice_id)))
    assert doc.locale == "es" and doc.title == i18n.t("pdf.invoice", "es")
    assert doc.lines[0][0] == i18n.content("Advance fee deposit (retainer)", "es")
    assert doc.totals[-1][1] == "US$1,500.00"
    text = PdfReader(io.BytesIO(pdfs.billing_pdf.render(doc))).pages[0].extract_text()
    assert "Factura" in text and "Depósito por adelantado" in text
