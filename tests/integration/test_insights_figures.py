"""Each figure against a hand count over a small practice built row by row (five clients, two case
types, a pilot cohort), at the hostile moments: an invitation at 22:00 on 31 January in New York is
a January invitation although it is 1 February in UTC. Filters narrow every figure; the CSV carries
the same numbers; only partners (attorneys) and admins see any of it."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import pytest
from sqlmodel import select

from models import (
    AuthSession,
    CaseType,
    Client,
    Document,
    DocumentRequest,
    DocumentVersion,
    Invitation,
    Invoice,
    Matter,
    MatterTag,
    Payment,
    ReminderItem,
    TrackedReceipt,
    User,
)
from portal_app.services.insights import cohort, filters, report
from portal_app.services.kernel import db
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput, NotAllowed
from portal_app.services.matters import case_types

NOW = datetime(2026, 4, 10, 12, 0, tzinfo=timezone.utc)
PERIOD = filters.Filters(datetime(2026, 1, 1).date(), datetime(2026, 3, 31).date())


def at(month: int, day: int, hour: int = 15, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=timezone.utc)


CLIENTS = {  # invited, last seen (None: never signed in), case type, pilot, opened, filed, receipt
    "a": (at(1, 5), at(4, 1), "H1B", True, at(1, 2), at(1, 30), None),
    "b": (at(1, 20), at(2, 1), "H1B", True, at(1, 5), None, at(2, 4)),
    "c": (at(2, 3), None, "H1B", True, at(1, 10), None, None),
    "d": (at(2, 1, 3), at(4, 9), "I130", False, at(1, 3), at(1, 13), None),  # 31 Jan 22:00 in New York
    "e": (at(12, 15, year=2025), at(4, 9), "H1B", False, at(12, 1, year=2025), None, None),
}


def _matter(s, key, spec, codes, attorney):
    invited, seen, code, pilot, opened, filed, receipt = spec
    user = User(email=f"{key}@x.example", full_name=f"Client {key.upper()}", role="client")
    s.add(user)
    s.flush()
    client = Client(full_name=user.full_name, email=user.email, user_id=user.id)
    s.add(client)
    s.flush()
    s.add(Invitation(purpose="invite", user_id=user.id, token_hash=f"{key:0<64}", created_at=invited, expires_at=NOW))
    if seen:
        s.add(AuthSession(user_id=user.id, created_at=invited, last_seen_at=seen, expires_at=NOW))
    matter = Matter(reference=f"T-{key.upper()}", title=key, case_type_id=codes[code], client_id=client.id,
                    opened_at=opened, filed_at=filed, responsible_attorney_id=attorney.id)
    s.add(matter)
    s.flush()
    if pilot:
        s.add(MatterTag(matter_id=matter.id, tag="pilot"))
    if receipt:
        s.add(TrackedReceipt(matter_id=matter.id, receipt_number=f"WAC26900{len(key):05d}", created_at=receipt,
                             next_check_at=NOW))
    return matter


def _item(s, matter, key, reviews, status="uploaded"):
    request = DocumentRequest(matter_id=matter.id, key=key, title=key.title(), status=status, requested_at=at(1, 15))
    s.add(request)
    s.flush()
    document = Document(matter_id=matter.id, request_id=request.id, display_name=key)
    s.add(document)
    s.flush()
    for n, review in enumerate(reviews, 1):
        s.add(DocumentVersion(document_id=document.id, version_no=n, storage_key=f"k{request.id}{n}", wrapped_key="w",
                              sha256="0" * 64, content_type="application/pdf", stored_name="x.pdf",
                              original_name="x.pdf", review_status=review))


def _invoice(s, matter, kind, sent, paid, method, number):
    invoice = Invoice(number=f"INV-{number}", matter_id=matter.id, kind=kind, status="paid" if paid else "sent",
                      total_cents=1000, sent_at=sent, paid_at=paid)
    s.add(invoice)
    s.flush()
    if paid:
        s.add(Payment(invoice_id=invoice.id, matter_id=matter.id, client_id=matter.client_id, provider="sandbox",
                      method=method, status="succeeded", amount_cents=1000, posted_at=paid))


@pytest.fixture
def practice(portal_db):
    with db.write() as s:
        case_types.sync(s)
        s.flush()
        codes = dict(s.exec(select(CaseType.code, CaseType.id)).all())
        partner = User(email="partner@firm.example", full_name="Partner", role="attorney")
        other = User(email="other@firm.example", full_name="Other", role="attorney")
        s.add_all([partner, other])
        s.flush()
        m = {k: _matter(s, k, spec, codes, partner if k != "d" else other) for k, spec in CLIENTS.items()}
        _item(s, m["a"], "passport", ["accepted"])
        _item(s, m["a"], "letter", ["rejected", "accepted"])
        _item(s, m["a"], "photo", ["pending"])
        _item(s, m["a"], "waived_item", ["accepted"], status="waived")
        _item(s, m["d"], "passport", ["accepted"])
        _item(s, m["d"], "birth", ["rejected"])
        for n, (kind, sent, paid, method) in enumerate([
                ("retainer", at(1, 10), at(1, 11), "card"), ("retainer", at(1, 12), at(1, 15), "card"),
                ("retainer", at(2, 1), at(2, 11), "card"), ("milestone", at(2, 2), at(2, 4), "us_bank_account"),
                ("retainer", at(3, 1), None, "card")]):
            _invoice(s, m["a"], kind, sent, paid, method, n)
        _invoice(s, m["d"], "retainer", at(1, 20), at(1, 25), "card", 9)
        for key, sent, pending in (("a", 3, 1), ("b", 1, 0), ("d", 2, 0)):
            for n in range(sent + pending):
                s.add(ReminderItem(recipient_id=m[key].client_id and partner.id, matter_id=m[key].id, kind="document_missing",
                                   subject_type="matter", subject_id=m[key].id, occurrence=f"d{n}", occurs_on=NOW.date(),
                                   status="sent" if n < sent else "pending"))
    return {"partner": Actor(user_id=partner.id, role="attorney"), "other_attorney": str(other.id)}


def _rows(figure, *keys):
    return {tuple(r[k] for k in keys): r for r in figure.rows}


def test_each_figure_matches_a_hand_count(practice):
    r = report.compute(practice["partner"], PERIOD, NOW)
    adoption = _rows(r.figure("adoption"), "month", "cohort")
    assert {k: (v["invited"], v["signed_in"], v["active"]) for k, v in adoption.items()} == {
        ("2026-01", "pilot"): (2, 2, 1), ("2026-01", "rest"): (1, 1, 1), ("2026-02", "pilot"): (1, 0, 0)}
    assert adoption[("2026-01", "pilot")]["signed_in_rate"] == 100.0 and adoption[("2026-01", "pilot")]["active_rate"] == 50.0

    complete = _rows(r.figure("completeness"), "case_type", "item", "cohort")
    assert {k: (v["reviewed"], v["first_time"]) for k, v in complete.items()} == {
        ("H1B", "Passport", "pilot"): (1, 1), ("H1B", "Letter", "pilot"): (1, 0),
        ("I130", "Passport", "rest"): (1, 1), ("I130", "Birth", "rest"): (1, 0)}
    assert {(p["label"], p["pilot"], p["rest"]) for p in r.figure("completeness").chart} == {("H1B", 50.0, 0), ("I130", 0, 50.0)}

    paid = _rows(r.figure("payment"), "kind", "method", "cohort")
    assert {k: (v["paid"], v["median_days"], v["p90_days"]) for k, v in paid.items()} == {
        ("retainer", "card", "pilot"): (3, 3.0, 10.0), ("milestone", "us_bank_account", "pilot"): (1, 2.0, 2.0),
        ("retainer", "card", "rest"): (1, 5.0, 5.0)}

    filing = _rows(r.figure("filing"), "case_type", "cohort")
    assert {k: (v["opened"], v["filed"], v["median_days"], v["p90_days"]) for k, v in filing.items()} == {
        ("H1B", "pilot"): (3, 2, 28.0, 30.0), ("I130", "rest"): (1, 1, 10.0, 10.0)}

    sent = _rows(r.figure("reminders"), "case_type", "cohort")
    assert {k: (v["matters"], v["reminders"], v["per_matter"]) for k, v in sent.items()} == {
        ("H1B", "pilot"): (3, 4, 1.33), ("I130", "rest"): (1, 2, 2.0)}
    # support requests exist since issue 12; this practice has none (tests/integration/test_support_requests.py counts them)
    assert r.figure("support").available and r.figure("support").rows == [] and r.pilot_matters == 3


def test_filters_narrow_every_figure(practice):
    only_i130 = filters.parse("2026-01-01", "2026-03-31", "I130")
    r = report.compute(practice["partner"], only_i130, NOW)
    for key in ("completeness", "payment", "filing", "reminders"):
        assert {row["cohort"] for row in r.figure(key).rows} == {"rest"}, key
    assert [(row["month"], row["invited"]) for row in r.figure("adoption").rows] == [("2026-01", 1)]
    by_other = report.compute(practice["partner"], filters.parse("2026-01-01", "2026-03-31", "",
                                                                 practice["other_attorney"]), NOW)
    assert [row["case_type"] for row in by_other.figure("filing").rows] == ["I130"]
    january = report.compute(practice["partner"], filters.parse("2026-01-01", "2026-01-31"), NOW)
    assert {row["month"] for row in january.figure("adoption").rows} == {"2026-01"}


def test_the_csv_carries_the_same_numbers(practice):
    r = report.compute(practice["partner"], PERIOD, NOW)
    rows = list(csv.DictReader(io.StringIO(report.to_csv(r))))
    value = {(x["figure"], x["group"], x["cohort"], x["measure"]): x["value"] for x in rows}
    assert value[("payment", "retainer / card", "pilot", "p90_days")] == "10.0"
    assert value[("adoption", "2026-01", "rest", "invited")] == "1"
    assert not any(key[0] == "support" for key in value)  # available, and no requests in this practice


def test_only_partners_and_admins_see_the_figures_and_tag_the_pilot(practice, portal_db):
    with db.read() as s:
        client = s.exec(select(User).where(User.role == "client")).first()
    for role in ("paralegal", "billing", "client", "hr_liaison"):
        with pytest.raises(NotAllowed):
            report.compute(Actor(user_id=client.id, role=role), PERIOD, NOW)
    partner = practice["partner"]
    assert cohort.set_pilot(partner, "t-e", True) and not cohort.set_pilot(partner, "T-E", True)
    assert "T-E" in cohort.pilot_references(partner)
    with pytest.raises(InvalidInput):
        cohort.set_pilot(partner, "MTR-1999-0001", True)
    for bad in (("2026-13-01", "2026-02-01"), ("2026-03-01", "2026-02-01"), ("2020-01-01", "2026-02-01")):
        with pytest.raises(InvalidInput):
            filters.parse(*bad)
