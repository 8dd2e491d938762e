"""What the figures are computed over: a period of local dates (the firm's time zone), a case type,
a responsible attorney. The pilot cohort is not a filter: every figure shows it beside the rest."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import select

from models import CaseType, Matter, MatterTag
from portal_app.services.kernel import localtime
from portal_app.services.kernel.errors import InvalidInput
from portal_app.services.kernel.settings import get_settings

PILOT_TAG = "pilot"
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class Filters:
    start: date  # first local day, inclusive
    end: date  # last local day, inclusive
    case_type: str = ""  # a case type code, or "" for all
    attorney_id: str = ""  # a user id, or "" for all

    @property
    def utc_range(self) -> tuple[datetime, datetime]:
        """[first local midnight, the local midnight after the last day), as aware UTC."""
        tz = localtime.zone(get_settings().firm_timezone)
        first = datetime.combine(self.start, time(0), tzinfo=tz)
        after = datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=tz)
        return first.astimezone(localtime.zone("UTC")), after.astimezone(localtime.zone("UTC"))


def parse(start: str, end: str, case_type: str = "", attorney_id: str = "") -> Filters:
    """Filters from a form; a clear message for dates that are not dates or run backwards."""
    try:
        first, last = date.fromisoformat(str(start).strip()), date.fromisoformat(str(end).strip())
    except ValueError:
        raise InvalidInput("insights.period_invalid") from None
    if last < first:
        raise InvalidInput("insights.period_backwards")
    if (last - first).days > MAX_DAYS:
        raise InvalidInput("insights.period_too_long", years=3)
    code = "".join(ch for ch in str(case_type or "") if ch.isalnum() or ch in "-_")[:32]
    attorney = str(attorney_id or "").strip()
    if attorney:
        try:
            attorney = str(uuid.UUID(attorney))
        except ValueError:
            raise InvalidInput("insights.attorney_unknown") from None
    return Filters(first, last, code, attorney)


def default_period(now: datetime, months: int = 12) -> Filters:
    """The last `months` whole months and this one, in the firm's local dates."""
    today = localtime.today(now, get_settings().firm_timezone)
    year, month = today.year, today.month - (months - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return Filters(date(year, month, 1), today)


def matter_clause(f: Filters) -> sa.ColumnElement[bool]:
    """The WHERE clause over Matter for the case type and attorney filters."""
    clauses = [sa.true()]
    if f.case_type:
        clauses.append(Matter.case_type_id.in_(select(CaseType.id).where(CaseType.code == f.case_type)))
    if f.attorney_id:
        clauses.append(Matter.responsible_attorney_id == uuid.UUID(f.attorney_id))
    return sa.and_(*clauses)


def cohort_of_matter() -> sa.ColumnElement[str]:
    """'pilot' for a matter tagged pilot, 'rest' otherwise (a correlated EXISTS, one per row, no extra query)."""
    tagged = sa.exists().where(MatterTag.matter_id == Matter.id, MatterTag.tag == PILOT_TAG)
    return sa.case((tagged, "pilot"), else_="rest")


def months_in(f: Filters) -> list[tuple[str, datetime, datetime]]:
    """Each local calendar month the period touches: (YYYY-MM, its first instant, the next month's), UTC."""
    tz, utc = localtime.zone(get_settings().firm_timezone), localtime.zone("UTC")
    out, year, month = [], f.start.year, f.start.month
    while (year, month) <= (f.end.year, f.end.month):
        nxt = (year + (month == 12), month % 12 + 1)
        first = datetime.combine(date(year, month, 1), time(0), tzinfo=tz).astimezone(utc)
        after = datetime.combine(date(nxt[0], nxt[1], 1), time(0), tzinfo=tz).astimezone(utc)
        out.append((f"{year:04d}-{month:02d}", first, after))
        year, month = nxt
    return out
