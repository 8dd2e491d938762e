"""The firm's support settings: for each topic, the person requests go to and the hours within
which one is answered (the SLA). Topics the firm never set fall back to the defaults below and
to the first active administrator."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import Session, select

from models import SupportTopic, User, utcnow
from portal_app.services.kernel import audit, db, policy, text
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput

TOPICS = ("sign_in", "uploading", "paying", "my_case", "other")
DEFAULT_SLA_HOURS = {"sign_in": 4, "uploading": 24, "paying": 24, "my_case": 48, "other": 72}
MAX_SLA_HOURS = 24 * 30


@dataclass(frozen=True)
class TopicSetting:
    topic: str
    assignee_id: str
    assignee: str
    sla_hours: int


@dataclass(frozen=True)
class SupportSettings:
    topics: list[TopicSetting]
    people: list[tuple[str, str]]  # (user id, name): the staff a topic may go to


def check_topic(topic: str) -> str:
    topic = text.line(topic, 16)
    if topic not in TOPICS:
        raise InvalidInput("support.topic_unknown")
    return topic


def _fallback_person(s: Session) -> uuid.UUID | None:
    return s.exec(select(User.id).where(User.is_active.is_(True), policy.users_allowed("settings.manage"))
                  .order_by(User.created_at)).first()


def route(s: Session, topic: str) -> tuple[uuid.UUID | None, int]:
    """Who a new request on this topic goes to, and its SLA in hours."""
    row = s.get(SupportTopic, topic)
    if row is None:
        return _fallback_person(s), DEFAULT_SLA_HOURS[topic]
    return row.assignee_id or _fallback_person(s), row.sla_hours


def _staff(s: Session) -> list[User]:
    return list(s.exec(select(User).where(User.is_active.is_(True), policy.users_allowed("support.handle"))
                       .order_by(User.full_name)).all())


def get(actor: Actor) -> SupportSettings:
    policy.require(actor, "settings.manage")
    with db.read() as s:
        people = {u.id: u.full_name for u in _staff(s)}
        topics = []
        for topic in TOPICS:
            person, hours = route(s, topic)
            topics.append(TopicSetting(topic, str(person or ""), people.get(person, ""), hours))
        return SupportSettings(topics, [(str(uid), name) for uid, name in people.items()])


def update(actor: Actor, topic: str, assignee_id: str, sla_hours: object) -> None:
    """Set one topic's person and SLA (whole hours, 1 to 720)."""
    policy.require(actor, "settings.manage")
    topic = check_topic(topic)
    hours = text.whole_number(sla_hours, low=1, high=MAX_SLA_HOURS, key="support.sla_invalid")
    with db.write() as s:
        person = policy.parse_uuid(assignee_id) if assignee_id else None
        if person is not None and person not in {u.id for u in _staff(s)}:
            raise InvalidInput("support.person_not_staff")
        row = s.get(SupportTopic, topic)
        before = {"assignee": str(row.assignee_id or ""), "sla_hours": row.sla_hours} if row else {}
        row = row or SupportTopic(topic=topic)
        row.assignee_id, row.sla_hours, row.updated_at = person, hours, utcnow()
        s.add(row)
        audit.record(s, "support.settings_changed", actor=actor, object_type="support_topic", object_id=topic,
                     details={"from": before, "to": {"assignee": str(person or ""), "sla_hours": hours}})
