"""Stopping the getting-started mails by hand: the client for themselves, the matter's legal team
for the matter's client. Either way audited, and the steps still waiting are dropped."""
from __future__ import annotations

from dataclasses import dataclass

from models import Client, Onboarding
from portal_app.services.kernel import db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.onboarding.sequence import halt


@dataclass(frozen=True)
class SequenceState:
    status: str  # running | stopped | finished | none (never started)
    stop_reason: str


def _state(row: Onboarding | None) -> SequenceState:
    if row is None or row.started_at is None:
        return SequenceState("none", "")
    return SequenceState(row.status, row.stop_reason)


def mine(actor: Actor) -> SequenceState:
    policy.require(actor, "onboarding.stop_own")
    with db.read() as s:
        return _state(s.get(Onboarding, actor.user_id))


def stop_mine(actor: Actor) -> bool:
    """The client stops their own getting-started mails; False when nothing was running."""
    policy.require(actor, "onboarding.stop_own")
    with db.write() as s:
        return halt(s, actor.user_id, "by_client", actor=actor)


def for_matter(actor: Actor, matter_id: str) -> SequenceState:
    """The sequence of the matter's client, for the matter's legal team."""
    with db.read() as s:
        matter = policy.require_matter(s, actor, "onboarding.stop", matter_id)
        client = s.get(Client, matter.client_id)
        return _state(s.get(Onboarding, client.user_id) if client and client.user_id else None)


def stop_for_matter(actor: Actor, matter_id: str) -> bool:
    with db.write() as s:
        matter = policy.require_matter(s, actor, "onboarding.stop", matter_id)
        client = s.get(Client, matter.client_id)
        if client is None or client.user_id is None:
            return False
        return halt(s, client.user_id, "by_staff", actor=actor)
