"""Who is acting: built from a valid session, passed first to every service function."""
from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class TaskScope:
    """What a limited session from a one-tap task link may touch: one task on one matter."""

    kind: str  # "upload" (one checklist item) | "pay" (one invoice)
    matter_id: uuid.UUID
    object_id: uuid.UUID
    link_id: uuid.UUID


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID
    role: str
    email: str = ""
    full_name: str = ""
    locale: str = "en"
    timezone: str = ""  # the person's IANA zone; empty means the firm's
    client_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    session_id: uuid.UUID | None = None
    ip: str = ""
    task: TaskScope | None = None  # set only for a task link's limited session (policy narrows everything)

    @property
    def is_staff(self) -> bool:
        """Shorthand for policy.is_staff(self): the staff set lives in the permission table only."""
        from portal_app.services.kernel import policy  # policy types its arguments with Actor

        return policy.is_staff(self)

    @property
    def home_path(self) -> str:
        """policy.home_path(self): which role lands where is decided in the permission module."""
        from portal_app.services.kernel import policy

        return policy.home_path(self)
