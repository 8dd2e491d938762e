"""A person's mail settings: reminders about documents and invoices on or off (legal-deadline
notices always go), their timezone (for quiet hours and the digest hour) and their language."""
from __future__ import annotations

from dataclasses import dataclass

from models import NotificationPreference, User, utcnow
from portal_app.services.kernel import audit, db, i18n, localtime, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput, NotAllowed

COMMON_ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
                "America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico", "America/Mexico_City",
                "America/Bogota", "America/Sao_Paulo", "Europe/London", "Europe/Madrid", "Africa/Lagos",
                "Asia/Kolkata", "Asia/Shanghai", "Asia/Manila", "UTC")


@dataclass(frozen=True)
class MailSettings:
    reminders_off: bool
    timezone: str
    locale: str
    zones: tuple[str, ...]
    locales: tuple[str, ...]


def get(actor: Actor) -> MailSettings:
    policy.require(actor, "session.manage_own")
    with db.read() as s:
        user = s.get(User, actor.user_id)
        if user is None:
            raise NotAllowed()
        pref = s.get(NotificationPreference, actor.user_id)
        zones = COMMON_ZONES if user.timezone in COMMON_ZONES else (user.timezone, *COMMON_ZONES)
        return MailSettings(bool(pref and pref.reminders_off), user.timezone, user.locale, zones,
                            tuple(i18n.offered_locales()))


def update(actor: Actor, *, reminders_off: bool, timezone: str, locale: str) -> None:
    policy.require(actor, "session.manage_own")
    timezone, locale = (timezone or "").strip(), (locale or "").strip()
    if not localtime.is_known_zone(timezone):
        raise InvalidInput("prefs.timezone_unknown", timezone=timezone[:64])
    if locale not in i18n.offered_locales():
        raise InvalidInput("prefs.language_unknown", language=locale[:16])
    with db.write() as s:
        user = s.get(User, actor.user_id)
        if user is None:
            raise NotAllowed()
        pref = s.get(NotificationPreference, actor.user_id) or NotificationPreference(user_id=actor.user_id)
        before = {"reminders_off": pref.reminders_off, "timezone": user.timezone, "locale": user.locale}
        pref.reminders_off, pref.updated_at = bool(reminders_off), utcnow()
        user.timezone, user.locale = timezone, locale
        s.add(pref)
        after = {"reminders_off": pref.reminders_off, "timezone": timezone, "locale": locale}
        audit.record(s, "preferences.changed", actor=actor, object_type="user", object_id=actor.user_id,
                     details={"from": before, "to": after})


def set_language(actor: Actor, locale: str) -> None:
    """The language switch on every page: pages, mail and PDFs follow the account's language."""
    policy.require(actor, "session.manage_own")
    if locale not in i18n.offered_locales():
        raise InvalidInput("prefs.language_unknown", language=(locale or "")[:16])
    with db.write() as s:
        user = s.get(User, actor.user_id)
        if user is None:
            raise NotAllowed()
        if user.locale == locale:
            return
        before, user.locale = user.locale, locale
        audit.record(s, "preferences.changed", actor=actor, object_type="user", object_id=actor.user_id,
                     details={"from": {"locale": before}, "to": {"locale": locale}})


def client_language(actor: Actor, matter_id: str) -> str:
    """For the staff forms whose text a client reads (a rejection reason, an invoice title): the
    language the matter's client reads the portal in. Text staff type is shown to them as typed."""
    from models import Client

    if not actor.is_staff:
        raise NotAllowed()
    with db.read() as s:
        matter = policy.require_matter(s, actor, "matter.view", matter_id)
        client = s.get(Client, matter.client_id)
        user = s.get(User, client.user_id) if client and client.user_id else None
        return i18n.page_locale(user.locale if user else (client.preferred_language if client else "en") or "en")
