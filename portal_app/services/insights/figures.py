"""One statement per figure (two for time to file), grouped by the pilot cohort and the figure's own
dimensions. Nothing here reads per matter or per person: the number of statements does not grow
with the practice (a test counts them at two sizes)."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

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
    SupportRequest,
    TrackedReceipt,
    User,
)
from portal_app.services.insights.filters import PILOT_TAG, Filters, cohort_of_matter, matter_clause, months_in
from portal_app.services.insights.sql import month_bucket, percentiles, seconds_between
from portal_app.services.kernel import localtime

ACTIVE_DAYS = 30
DAY = 86400.0


def _dialect(s: Session) -> str:
    return s.get_bind().dialect.name


def adoption(s: Session, f: Filters, now: datetime) -> list[dict]:
    """Per local month of invitation and cohort: clients invited, signed in at least once, active in
    the last 30 days."""
    first, after = f.utc_range
    invited = (select(Invitation.user_id, sa.func.min(Invitation.created_at).label("invited_at"))
               .where(Invitation.purpose == "invite").group_by(Invitation.user_id).subquery("invited"))
    seen = (select(AuthSession.user_id, sa.func.max(AuthSession.last_seen_at).label("last_seen"))
            .group_by(AuthSession.user_id).subquery("seen"))
    pilot = sa.case((cohort_of_matter() == "pilot", 1), else_=0)
    clients = (select(Client.user_id, sa.func.max(pilot).label("pilot"))
               .join(Matter, Matter.client_id == Client.id).where(matter_clause(f), Client.user_id.is_not(None))
               .group_by(Client.user_id).subquery("clients"))
    month = month_bucket(invited.c.invited_at, months_in(f)).label("month")
    cohort = sa.case((clients.c.pilot == 1, "pilot"), else_="rest").label("cohort")
    query = (
        select(month, cohort, sa.func.count().label("invited"),
               sa.func.count(seen.c.user_id).label("signed_in"),
               sa.func.sum(sa.case((seen.c.last_seen >= now - timedelta(days=ACTIVE_DAYS), 1), else_=0)).label("active"))
        .select_from(invited)
        .join(User, User.id == invited.c.user_id)
        .join(clients, clients.c.user_id == invited.c.user_id)
        .outerjoin(seen, seen.c.user_id == invited.c.user_id)
        .where(User.role == "client", invited.c.invited_at >= first, invited.c.invited_at < after)
        .group_by(month, cohort).order_by(month, cohort)
    )
    return [dict(r._mapping) for r in s.execute(query)]


def completeness(s: Session, f: Filters) -> list[dict]:
    """Per case type, checklist item and cohort: items requested in the period that have been reviewed,
    and how many of them were accepted with no file ever rejected (no re-request)."""
    first, after = f.utc_range
    reviews = (
        select(Document.request_id,
               sa.func.sum(sa.case((DocumentVersion.review_status == "accepted", 1), else_=0)).label("accepted"),
               sa.func.sum(sa.case((DocumentVersion.review_status == "rejected", 1), else_=0)).label("rejected"))
        .join(DocumentVersion, DocumentVersion.document_id == Document.id)
        .where(Document.request_id.is_not(None), Document.kind == "evidence")
        .group_by(Document.request_id).subquery("reviews"))
    cohort = cohort_of_matter().label("cohort")
    first_time = sa.case((sa.and_(reviews.c.accepted > 0, reviews.c.rejected == 0), 1), else_=0)
    query = (
        select(CaseType.code.label("case_type"), DocumentRequest.key.label("item"),
               sa.func.max(DocumentRequest.title).label("title"), cohort,
               sa.func.count().label("reviewed"), sa.func.sum(first_time).label("first_time"))
        .select_from(DocumentRequest)
        .join(reviews, reviews.c.request_id == DocumentRequest.id)
        .join(Matter, Matter.id == DocumentRequest.matter_id)
        .join(CaseType, CaseType.id == Matter.case_type_id)
        .where(matter_clause(f), DocumentRequest.removed_at.is_(None), DocumentRequest.status != "waived",
               reviews.c.accepted + reviews.c.rejected > 0,
               DocumentRequest.requested_at >= first, DocumentRequest.requested_at < after)
        .group_by(CaseType.code, DocumentRequest.key, cohort)
        .order_by(CaseType.code, DocumentRequest.key, cohort)
    )
    return [dict(r._mapping) for r in s.execute(query)]


def time_to_payment(s: Session, f: Filters) -> list[dict]:
    """Per invoice kind, payment method and cohort: invoices sent in the period and since paid in full,
    median and p90 of the time from sent to paid."""
    first, after = f.utc_range
    methods = (select(Payment.invoice_id,
                      sa.case((sa.func.min(Payment.method) == sa.func.max(Payment.method), sa.func.min(Payment.method)),
                              else_="mixed").label("method"))
               .where(Payment.posted_at.is_not(None)).group_by(Payment.invoice_id).subquery("methods"))
    durations = (
        select(Invoice.kind.label("kind"), sa.func.coalesce(methods.c.method, "manual").label("method"),
               cohort_of_matter().label("cohort"),
               seconds_between(_dialect(s), Invoice.sent_at, Invoice.paid_at).label("seconds"))
        .join(Matter, Matter.id == Invoice.matter_id)
        .outerjoin(methods, methods.c.invoice_id == Invoice.id)
        .where(matter_clause(f), Invoice.sent_at >= first, Invoice.sent_at < after, Invoice.paid_at.is_not(None),
               Invoice.status.in_(["paid", "refunded"]))
        .subquery("durations"))
    return [dict(r._mapping) for r in s.execute(percentiles(durations, ["kind", "method", "cohort"]))]


def time_to_file(s: Session, f: Filters) -> tuple[list[dict], list[dict]]:
    """Per case type and cohort: matters opened in the period, and for those filed, median and p90 of
    the time from opened to filed (the filing date staff recorded, else the first USCIS receipt's)."""
    first, after = f.utc_range
    receipts = (select(TrackedReceipt.matter_id, sa.func.min(TrackedReceipt.created_at).label("first_receipt"))
                .group_by(TrackedReceipt.matter_id).subquery("receipts"))
    filed = sa.func.coalesce(Matter.filed_at, receipts.c.first_receipt)
    base = (select(CaseType.code.label("case_type"), cohort_of_matter().label("cohort"),
                   seconds_between(_dialect(s), Matter.opened_at, filed).label("seconds"))
            .join(CaseType, CaseType.id == Matter.case_type_id)
            .outerjoin(receipts, receipts.c.matter_id == Matter.id)
            .where(matter_clause(f), Matter.opened_at >= first, Matter.opened_at < after))
    durations = base.where(filed.is_not(None)).subquery("durations")
    filed_rows = [dict(r._mapping) for r in s.execute(percentiles(durations, ["case_type", "cohort"]))]
    opened = base.subquery("opened")
    opened_rows = [dict(r._mapping) for r in s.execute(
        select(opened.c.case_type, opened.c.cohort, sa.func.count().label("opened"))
        .group_by(opened.c.case_type, opened.c.cohort))]
    return filed_rows, opened_rows


def reminders_per_matter(s: Session, f: Filters) -> list[dict]:
    """Per case type and cohort: matters opened in the period and the reminders sent on them."""
    first, after = f.utc_range
    sent = (select(ReminderItem.matter_id, sa.func.count().label("sent"))
            .where(ReminderItem.status == "sent").group_by(ReminderItem.matter_id).subquery("sent"))
    cohort = cohort_of_matter().label("cohort")
    query = (
        select(CaseType.code.label("case_type"), cohort, sa.func.count().label("matters"),
               sa.func.coalesce(sa.func.sum(sent.c.sent), 0).label("reminders"))
        .select_from(Matter)
        .join(CaseType, CaseType.id == Matter.case_type_id)
        .outerjoin(sent, sent.c.matter_id == Matter.id)
        .where(matter_clause(f), Matter.opened_at >= first, Matter.opened_at < after)
        .group_by(CaseType.code, cohort).order_by(CaseType.code, cohort)
    )
    return [dict(r._mapping) for r in s.execute(query)]


def support_volume(s: Session, f: Filters) -> list[dict] | None:
    """Support requests by topic, the firm's week (its Monday) and cohort, made in the period. One
    statement; the weeks are counted from its rows (a week in the firm's zone is not portable SQL).
    A request belongs to no matter: the case type and attorney filters do not narrow it, and the
    pilot cohort is a request by a client with a matter in the pilot."""
    first, after = f.utc_range
    pilot = sa.exists().where(Client.user_id == SupportRequest.user_id, Matter.client_id == Client.id,
                              MatterTag.matter_id == Matter.id, MatterTag.tag == PILOT_TAG)
    rows = s.execute(select(SupportRequest.created_at, SupportRequest.topic,
                            sa.case((pilot, "pilot"), else_="rest").label("cohort"))
                     .where(SupportRequest.created_at >= first, SupportRequest.created_at < after)).all()
    counts: dict[tuple[str, str, str], int] = {}
    for created, topic, cohort in rows:
        day = localtime.local(created, None).date()
        key = (topic, (day - timedelta(days=day.weekday())).isoformat(), cohort)
        counts[key] = counts.get(key, 0) + 1
    return [{"topic": topic, "week": week, "cohort": cohort, "requests": n}
            for (topic, week, cohort), n in sorted(counts.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2]))]


def days(seconds) -> float | None:
    return None if seconds is None else round(float(seconds) / DAY, 1)
