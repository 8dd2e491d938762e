"""What "today" and "now" mean on staff screens, read from the real clock (no `now=` passed), so that
`make test-clock` can pin the whole process's clock with libfaketime at the hostile moments and this
file must pass at each of them. At any hour: a check received "today" (the firm's today) is taken;
a review task is due two of the firm's days after the upload; a receipt mail names the day in the
client's zone; the payments CSV for the firm's today holds the payment just made. Under a plain
`pytest` run the same tests run at whatever the hour is; PORTAL_CLOCK_PINNED says which moment the
clock was pinned to, and the first test checks the pin really took."""
from __future__ import annotations

import csv
import io
import os
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from models import DocumentRequest, OutboxMessage, Task, User, utcnow
from portal_app.services.billing.payments import export as payment_export
from portal_app.services.billing.payments import staff as staff_payments
from portal_app.services.documents import uploads
from portal_app.services.kernel import db, localtime
from tests import sample_files
from tests.billing_helpers import make_invoice
from tests.world import build_world

PINNED = os.environ.get("PORTAL_CLOCK_PINNED", "")


@pytest.fixture
def world(portal_db):
    w = build_world()
    with db.write() as s:
        s.get(User, w.users["client"].id).timezone = "America/Los_Angeles"
    return w


@pytest.mark.skipif(not PINNED, reason="only under make test-clock")
def test_the_clock_is_pinned_where_make_test_clock_says():
    pinned = datetime.fromisoformat(PINNED).replace(tzinfo=timezone.utc)
    assert timedelta(0) <= utcnow() - pinned < timedelta(minutes=30)


def test_a_check_received_today_is_taken_at_any_hour(world):
    invoice_id = make_invoice(world, "retainer", 50_000)
    staff_payments.record_manual(world.actor("billing"), invoice_id, amount="500", method="check", reference="1001",
                                 received_on=localtime.firm_today())
    day = localtime.firm_today()
    name, text = payment_export.export_day(world.actor("billing"), day)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert name == f"payments-{day.isoformat()}.csv"
    assert [(r["method"], r["amount"], r["date"]) for r in rows] == [("check", "500.00", day.isoformat())]


def test_the_receipt_mail_names_the_clients_own_day(world):
    invoice_id = make_invoice(world, "retainer", 50_000)
    staff_payments.record_manual(world.actor("billing"), invoice_id, amount="500", method="check", reference="1002")
    with db.read() as s:
        body = s.exec(select(OutboxMessage.body_text).where(OutboxMessage.template == "payment_receipt_trust")).one()
    shown = localtime.shown_datetime(utcnow(), "America/Los_Angeles")
    day_part = shown.rsplit(", ", 1)[0]  # "Dec 1, 2026": the day in Los Angeles, whatever UTC's day is
    assert day_part in body and ("PST" in body or "PDT" in body)


def test_a_review_task_is_due_two_firm_days_after_the_upload(world):
    with db.write() as s:
        request = DocumentRequest(matter_id=world.matters["own"].id, key="passport_bio", title="Passport",
                                  provided_by="beneficiary", accepted_types=["pdf"])
        s.add(request)
        s.flush()
        request_id = str(request.id)
    before = localtime.firm_today()
    uploads.upload_bytes(world.actor("client"), request_id, "scan.pdf", sample_files.pdf(1))
    after = localtime.firm_today()  # the upload may cross the firm's midnight when pinned at 23:59
    with db.read() as s:
        task = s.exec(select(Task).where(Task.kind == "review_upload")).one()
    assert task.due_date in (before + timedelta(days=2), after + timedelta(days=2))
