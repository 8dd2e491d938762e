"""How each kind of deadline gets its date. Pure functions; the rules an attorney would apply.

- RFE response: the due date printed on the notice; when only the notice date is known,
  notice date + 84 days + 3 mailing days (8 CFR 103.8(b): 3 days added when served by mail).
- NOID response: notice date + 30 days + 3 mailing days.
- I-290B appeal or motion: 30 days after the decision, 33 when the decision was mailed.
- Biometrics and interview appointments; status, visa and I-94 expiry: the date itself.
- H-1B cap filing window: opens April 1 and runs at least 90 days, to June 30 of the season
  that follows the selection notice.
Staff can always override a computed date with a reason (services/deadlines.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from portal_app.services.kernel.errors import InvalidInput

MAIL_DAYS = 3
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    from_notice: int | None = None  # days after the notice/decision date (before mailing days)
    mailed_days: int = 0
    needs_client: bool = False


KINDS: dict[str, Kind] = {k.code: k for k in [
    Kind("rfe_response", "RFE response", 84, MAIL_DAYS),
    Kind("noid_response", "NOID response", 30, MAIL_DAYS),
    Kind("i290b_appeal", "I-290B appeal or motion", 30, MAIL_DAYS),
    Kind("biometrics", "Biometrics appointment", needs_client=True),
    Kind("interview", "Interview", needs_client=True),
    Kind("status_expiry", "Status expires", needs_client=True),
    Kind("visa_expiry", "Visa expires", needs_client=True),
    Kind("i94_expiry", "I-94 expires", needs_client=True),
    Kind("h1b_cap_window", "H-1B cap filing window closes"),
    Kind("filing", "Filing deadline"),
    Kind("other", "Other deadline"),
]}


@dataclass(frozen=True)
class Computed:
    due_date: date
    rule: str
    source_date: date | None


def _check(value: date | None, field: str) -> None:
    if value is not None and not (EARLIEST <= value <= LATEST):
        raise InvalidInput("deadline.date_out_of_range", field=field)


def _from_notice(kind: Kind, notice: date | None, due: date | None, mailed: bool) -> Computed:
    if due is not None:
        return Computed(due, "date on the notice", notice)
    if notice is None:
        raise InvalidInput("deadline.notice_date_required")
    if kind.code == "i290b_appeal":
        days = kind.from_notice + (kind.mailed_days if mailed else 0)
        rule = f"decision date + {kind.from_notice} days" + (f" + {kind.mailed_days} (mailed)" if mailed else "")
    else:
        days = kind.from_notice + kind.mailed_days
        rule = f"notice date + {kind.from_notice} days + {kind.mailed_days} mailing days"
    return Computed(notice + timedelta(days=days), rule, notice)


def _cap_window(notice: date | None, due: date | None) -> Computed:
    if due is not None:
        return Computed(due, "date given", notice)
    if notice is None:
        raise InvalidInput("deadline.notice_date_required")
    season = notice.year if notice <= date(notice.year, 6, 30) else notice.year + 1
    return Computed(date(season, 6, 30), f"filing window April 1 - June 30, {season}", notice)


def compute(kind_code: str, *, due_date: date | None = None, notice_date: date | None = None,
            mailed: bool = True) -> Computed:
    kind = KINDS.get(kind_code)
    if kind is None:
        raise InvalidInput("deadline.kind_unknown", kind=kind_code)
    _check(due_date, "due_date")
    _check(notice_date, "notice_date")
    if kind.from_notice is not None:
        return _from_notice(kind, notice_date, due_date, mailed)
    if kind.code == "h1b_cap_window":
        return _cap_window(notice_date, due_date)
    if due_date is None:
        raise InvalidInput("deadline.date_required")
    return Computed(due_date, "date given", notice_date)
