"""A person's local time: their timezone, quiet hours, and dates and money written for them."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates

from portal_app.services.kernel.clock import utcnow
from portal_app.services.kernel.settings import get_settings


@lru_cache(maxsize=512)
def zone(name: str | None) -> ZoneInfo:
    """The person's zone; an unknown or empty name falls back to the firm's."""
    try:
        return ZoneInfo(name) if name else ZoneInfo(get_settings().firm_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(get_settings().firm_timezone)


def is_known_zone(name: str) -> bool:
    return name in _zone_names()


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def local(now: datetime, tz_name: str | None) -> datetime:
    return now.astimezone(zone(tz_name))


def today(now: datetime, tz_name: str | None) -> date:
    return local(now, tz_name).date()


def today_for(person: object | None, now: datetime | None = None) -> date:
    """The local date of the person it is for (anything with a `timezone`, e.g. an Actor; None or
    an empty zone means the firm's). Never the UTC date, never the server's."""
    return today(now or utcnow(), getattr(person, "timezone", "") or None)


def firm_today(now: datetime | None = None) -> date:
    """The firm's local date: for the firm's own records (issue dates, received checks, due dates)."""
    return today(now or utcnow(), None)


def babel_locale(locale: str) -> str:
    """A CLDR locale for a reader's language with the firm's region (a US firm's Spanish is es_US)."""
    return _cldr_locale((locale or "en").replace("-", "_"), get_settings().firm_region.upper())


@lru_cache(maxsize=256)
def _cldr_locale(locale: str, region: str) -> str:
    """Parsed once per (language, region): CLDR data, the same for everybody (it was parsed again
    for every amount and date a page writes)."""
    try:
        return str(Locale.parse(f"{locale}_{region}"))
    except (UnknownLocaleError, ValueError):
        try:
            return str(Locale.parse(locale))
        except (UnknownLocaleError, ValueError):
            return "en_US"


def shown_datetime(value: datetime, tz_name: str | None, locale: str = "en") -> str:
    """A moment as the reader reads it: their date and time in their zone, with the zone named
    ("Dec 1, 2026, 1:56 AM EST"), so nobody mistakes the server's UTC for their own time."""
    here = local(value, tz_name)
    loc = babel_locale(locale)
    return f"{babel_dates.format_date(here.date(), 'medium', locale=loc)}, {shown_time(value, tz_name, locale)}"


def shown_time(value: datetime, tz_name: str | None, locale: str = "en") -> str:
    """Only the time, with the zone ("1:56 AM EST"): for "saved at" notices on a page of today."""
    here = local(value, tz_name)
    return f"{babel_dates.format_time(here, 'short', tzinfo=here.tzinfo, locale=babel_locale(locale))} {here.tzname()}"


def shown_date(value: date, locale: str = "en") -> str:
    return babel_dates.format_date(value, "medium", locale=babel_locale(locale))


def in_quiet_hours(local_dt: datetime, quiet: tuple[int, int] | None = None) -> bool:
    start, end = quiet or get_settings().workflow.quiet_hours
    hour = local_dt.hour
    if start == end:
        return False
    return start <= hour or hour < end if start > end else start <= hour < end


def not_before(now: datetime, tz_name: str | None) -> datetime | None:
    """None when a message may go now; otherwise the end of the person's quiet hours (UTC)."""
    here = local(now, tz_name)
    if not in_quiet_hours(here):
        return None
    end_hour = get_settings().workflow.quiet_hours[1]
    end = datetime.combine(here.date(), time(end_hour), tzinfo=here.tzinfo)
    if end <= here:
        end = datetime.combine(here.date() + timedelta(days=1), time(end_hour), tzinfo=here.tzinfo)
    return end.astimezone(now.tzinfo)


def format_date(value: date, locale: str = "en") -> str:
    """A date written out in the reader's language ("December 1, 2026", "1 de diciembre de 2026")."""
    return babel_dates.format_date(value, "long", locale=babel_locale(locale))


def format_money(cents: int, currency: str = "USD", locale: str = "en") -> str:
    from portal_app.services.kernel import formats  # Babel's CLDR formats, with the firm's region

    return formats.money(cents, currency, locale)
