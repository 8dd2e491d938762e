"""What a USCIS status means, and what happens when it changes.

A change of status is recorded in the receipt's history, opens a task for the matter's attorney,
and (when the firm allows, and for statuses a client can safely read alone) sends the client a
plain-language notice: what it means and what happens next. Denials, intents to deny and
withdrawals are never announced by the portal: the attorney talks to the client. A Request for
Evidence also adds the RFE-response deadline (notice date + 84 + 3 days) for the attorney to confirm.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from models import Client, Deadline, Matter, ReceiptStatusEvent, TrackedReceipt, User
from portal_app.services.kernel import localtime
from portal_app.services.kernel.i18n import t
from portal_app.services.kernel.settings import get_settings
from portal_app.services.matters import deadlines
from portal_app.services.messaging import mail
from portal_app.services.tasks import lifecycle as tasks
from portal_app.services.uscis.api import CaseStatus

# Checked in order: the first phrase found in the status text decides the category.
CATEGORIES = [
    ("response to uscis' request for evidence", "evidence_received"),
    ("response to request for evidence", "evidence_received"),
    ("request for additional evidence", "rfe"),
    ("request for evidence", "rfe"),
    ("intent to deny", "noid"),
    ("denied", "denied"), ("rejected", "denied"), ("withdrawal", "withdrawn"), ("withdrawn", "withdrawn"),
    ("card was delivered", "card"), ("card was mailed", "card"), ("card was produced", "card"),
    ("card is being produced", "card"), ("approved", "approved"), ("oath ceremony", "interview"),
    ("interview was scheduled", "interview"), ("interview was completed", "interview"),
    ("fingerprint", "biometrics"), ("biometrics", "biometrics"),
    ("transferred", "transferred"), ("case was received", "received"), ("received", "received"),
]
CLIENT_SAFE = frozenset({"received", "evidence_received", "rfe", "biometrics", "interview", "approved", "card",
                         "transferred"})
ACTIVE = frozenset({"rfe", "noid", "interview", "biometrics", "evidence_received"})
FINAL = frozenset({"card", "denied", "withdrawn"})


def categorize(status: str) -> str:
    text = status.lower()
    for phrase, category in CATEGORIES:
        if phrase in text:
            return category
    return "other"


def next_check(category: str, now: datetime) -> datetime:
    if category in FINAL:
        return now + timedelta(days=7)
    return now + (timedelta(days=1) if category in ACTIVE or category == "received" else timedelta(days=2))


def _client_user(s: Session, matter: Matter) -> User | None:
    return s.exec(select(User).join(Client, Client.user_id == User.id)
                  .where(Client.id == matter.client_id, User.is_active)).first()


def _notify_client(s: Session, matter: Matter, tracked: TrackedReceipt, case: CaseStatus, category: str,
                   now: datetime) -> bool:
    user = _client_user(s, matter)
    if user is None:
        return False
    locale = user.locale or "en"
    status_text = case.description_es if locale.startswith("es") and case.description_es else case.status
    mail.enqueue(s, to_address=user.email, template="uscis_status_notice", locale=locale, user_id=user.id,
                 matter_id=matter.id, not_before=localtime.not_before(now, user.timezone), name=user.full_name,
                 receipt=tracked.receipt_number, form=tracked.form_type or matter.title, status=status_text,
                 meaning=t(f"uscis.meaning.{category}", locale), next_steps=t(f"uscis.next.{category}", locale),
                 link=f"{get_settings().public_url}/client")
    return True


def _rfe_deadline(s: Session, matter: Matter, tracked: TrackedReceipt, case: CaseStatus, now: datetime) -> None:
    source = f"uscis:{tracked.receipt_number}"
    notice = case.status_date or localtime.firm_today(now)
    exists = s.exec(select(Deadline.id).where(Deadline.matter_id == matter.id, Deadline.kind == "rfe_response",
                                              Deadline.source == source, Deadline.source_date == notice)).first()
    if exists is None:
        deadlines.create_in_session(s, matter, kind="rfe_response", notice_date=notice, source=source, now=now,
                                    title=f"RFE response ({tracked.receipt_number}) - confirm the date on the notice")


def record(s: Session, tracked: TrackedReceipt, case: CaseStatus, now: datetime) -> bool:
    """Apply one answer from USCIS to a tracked receipt; True when the status changed."""
    category = categorize(case.status)
    tracked.last_checked_at, tracked.error_count, tracked.last_error = now, 0, None
    tracked.form_type = case.form_type or tracked.form_type
    tracked.next_check_at = next_check(category, now)
    if case.status == tracked.current_status:
        return False
    first_seen = not tracked.current_status
    tracked.current_status, tracked.status_category, tracked.status_changed_on = case.status, category, case.status_date
    event = ReceiptStatusEvent(receipt_id=tracked.id, status=case.status, category=category, status_date=case.status_date,
                               description=case.description, observed_at=now)
    s.add(event)
    s.flush()
    matter = s.get(Matter, tracked.matter_id)
    tasks.open_task(s, matter_id=matter.id, kind="uscis_status", subject_type="receipt_status", subject_id=event.id,
                    title=f"USCIS {tracked.receipt_number}: {case.status}", role_on_matter="attorney",
                    due_date=localtime.firm_today(now) + timedelta(days=2 if category in ACTIVE else 7))
    if category == "rfe":
        _rfe_deadline(s, matter, tracked, case, now)
    if not first_seen and category in CLIENT_SAFE and get_settings().uscis.client_notices:
        event.client_notified = _notify_client(s, matter, tracked, case, category, now)
    return True
