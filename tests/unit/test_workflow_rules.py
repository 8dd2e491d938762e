"""Pure rules: deadline dates, reminder cadences, receipt numbers, quiet hours, money and dates."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from portal_app.services.automation.leases import next_due
from portal_app.services.kernel import localtime
from portal_app.services.kernel.errors import InvalidInput
from portal_app.services.matters import deadline_rules
from portal_app.services.reminders import rules as reminder_rules
from portal_app.services.uscis import receipts as uscis_receipts
from portal_app.services.uscis.status import categorize


@pytest.mark.parametrize("kind, given, expected", [
    ("rfe_response", dict(notice_date=date(2026, 1, 15)), date(2026, 4, 12)),  # 84 + 3 mailing days
    ("rfe_response", dict(notice_date=date(2026, 1, 15), due_date=date(2026, 4, 9)), date(2026, 4, 9)),
    ("noid_response", dict(notice_date=date(2026, 2, 1)), date(2026, 3, 6)),  # 30 + 3
    ("i290b_appeal", dict(notice_date=date(2026, 2, 1), mailed=True), date(2026, 3, 6)),  # 33 when mailed
    ("i290b_appeal", dict(notice_date=date(2026, 2, 1), mailed=False), date(2026, 3, 3)),  # 30 otherwise
    ("biometrics", dict(due_date=date(2026, 5, 5)), date(2026, 5, 5)),
    ("i94_expiry", dict(due_date=date(2027, 1, 31)), date(2027, 1, 31)),
    ("h1b_cap_window", dict(notice_date=date(2026, 3, 27)), date(2026, 6, 30)),
    ("h1b_cap_window", dict(notice_date=date(2026, 8, 2)), date(2027, 6, 30)),  # second-round selection
])
def test_deadline_rules(kind, given, expected):
    assert deadline_rules.compute(kind, **given).due_date == expected


@pytest.mark.parametrize("kind, given, key", [
    ("rfe_response", {}, "deadline.notice_date_required"), ("biometrics", {}, "deadline.date_required"),
    ("teleport", {"due_date": date(2026, 1, 1)}, "deadline.kind_unknown"),
    ("interview", {"due_date": date(1890, 1, 1)}, "deadline.date_out_of_range"),
])
def test_deadline_rules_refuse_bad_input(kind, given, key):
    with pytest.raises(InvalidInput) as caught:
        deadline_rules.compute(kind, **given)
    assert caught.value.code == key


def test_document_cadence_is_3_7_14_then_weekly():
    start = date(2026, 3, 2)
    marks = [reminder_rules.document_occurrence(start, date(2026, 3, 2 + n), (3, 7, 14), 7) for n in range(30)]
    assert [m for n, m in enumerate(marks) if m is not None and (n == 0 or marks[n - 1] != m)] == [3, 7, 14, 21, 28]
    assert marks[2] is None and marks[3] == 3 and marks[20] == 14 and marks[21] == 21


def test_invoice_and_deadline_cadences():
    due = date(2026, 3, 20)
    assert reminder_rules.invoice_occurrence(due, date(2026, 3, 16), (-3, 0, 7), 14) is None
    assert reminder_rules.invoice_occurrence(due, date(2026, 3, 17), (-3, 0, 7), 14) == -3
    assert reminder_rules.invoice_occurrence(due, date(2026, 4, 10), (-3, 0, 7), 14) == 21
    assert reminder_rules.deadline_occurrence(due, date(2026, 3, 10), (30, 14, 7, 1)) == 14
    assert reminder_rules.deadline_occurrence(due, date(2026, 3, 21), (30, 14, 7, 1)) is None  # past
    assert reminder_rules.deadline_occurrence(due, date(2026, 1, 1), (30, 14, 7, 1)) is None  # too far
    assert reminder_rules.CLIENT_NEEDED_KINDS == {"biometrics", "interview", "status_expiry", "visa_expiry",
                                                  "i94_expiry"}


@pytest.mark.parametrize("raw, expected", [("EAC9999103402", "EAC9999103402"), (" eac-999-910-3402 ", "EAC9999103402"),
                                           ("IOE 0912345678", "IOE0912345678")])
def test_receipt_numbers_are_normalized(raw, expected):
    assert uscis_receipts.normalize(raw) == expected


@pytest.mark.parametrize("raw, key", [("", "receipt.required"), ("EAC99991034", "receipt.invalid_format"),
                                      ("EAC99991034022", "receipt.invalid_format"), ("ABC9999103402", "receipt.unknown_centre"),
                                      ("E4C9999103402", "receipt.invalid_format")])
def test_bad_receipt_numbers_say_what_is_wrong(raw, key):
    with pytest.raises(InvalidInput) as caught:
        uscis_receipts.normalize(raw)
    assert caught.value.code == key


@pytest.mark.parametrize("status, category", [
    ("Case Was Received", "received"), ("Request for Evidence Was Sent", "rfe"),
    ("Response To USCIS' Request For Evidence Was Received", "evidence_received"),
    ("Notice Of Intent To Deny Was Mailed", "noid"), ("Case Was Approved", "approved"),
    ("Card Was Mailed To Me", "card"), ("Case Was Denied", "denied"), ("Interview Was Scheduled", "interview"),
    ("Fingerprint Fee Was Received", "biometrics"), ("Case Transferred To Another Office", "transferred"),
    ("Something New", "other")])
def test_uscis_statuses_are_categorized(status, category):
    assert categorize(status) == category


def test_quiet_hours_in_the_persons_zone(monkeypatch):
    late = datetime(2026, 3, 4, 3, 0, tzinfo=timezone.utc)  # 22:00 in New York, 11:00 in Manila
    assert localtime.not_before(late, "America/New_York") == datetime(2026, 3, 4, 13, 0, tzinfo=timezone.utc)
    assert localtime.not_before(late, "Asia/Manila") is None
    assert localtime.not_before(late, "Not/AZone") == datetime(2026, 3, 4, 13, 0, tzinfo=timezone.utc)  # firm's zone


def test_dates_and_money_in_the_readers_language():
    assert localtime.format_date(date(2026, 3, 5), "en") == "March 5, 2026"
    assert localtime.format_date(date(2026, 3, 5), "es") == "5 de marzo de 2026"
    assert localtime.format_money(150_000, "USD", "en") == "$1,500.00"
    assert localtime.format_money(150_050, "USD", "es") == "US$1,500.50"  # a US firm's Spanish (issue 10)
    assert localtime.format_money(999, "EUR", "en") == "€9.99"


def test_next_due_keeps_the_schedule_and_skips_missed_slots():
    start = datetime(2026, 3, 1, 0, 0, tzinfo=timezone.utc)
    from datetime import timedelta
    assert next_due(start, timedelta(hours=1), start + timedelta(minutes=5)) == start + timedelta(hours=1)
    assert next_due(start, timedelta(hours=1), start + timedelta(hours=5, minutes=1)) == start + timedelta(hours=6)
