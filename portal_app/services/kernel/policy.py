"""The one place that decides who may do what; nothing outside this module (and the table it reads,
`permissions`) tests a role name.

PERMISSIONS (in `permissions`) is the role x action table. Matter-scoped actions also need the matter to be in the
actor's scope: admins see every matter; other staff the matters they are assigned to (as a
member or as responsible attorney); a client their own matters; an HR contact the matters the
firm shared with their organization, and invoices on those only when the organization pays.
`matter_scope` turns that rule into SQL, so list queries can only return permitted rows, and the
single-row checks below run the very same clause.

On a checklist item one more rule holds, the employer-items-only rule: an HR contact acts only on
items the employer provides, never on the employee's own documents (passport, I-94, ...).
`require_item`, `item_scope` and `may_touch_document` are that rule for one item, for a list of
items and for a stored file; every document action goes through one of them.

A task link's limited session (issue 12 item 5) has a TaskScope: TASK_ACTIONS is its row, and the
same checks narrow to its one matter and one item or invoice; anything else needs a full sign-in.

The named predicates at the end (`is_staff`, `sees_firm_wide_mail`, `may_be_responsible_attorney`,
...) answer the remaining "who is this?" questions the services ask, so a role set lives here once.
"""
from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlmodel import Session, select

from models import Client, Deadline, Document, DocumentRequest, Invoice, Matter, MatterMember, User
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import NotAllowed, NotFound

from portal_app.services.kernel.permissions import (  # noqa: F401 - the table, read here and re-exported
    ALL, EMPLOYER, EMPLOYER_DEADLINE_KINDS, EMPLOYER_SIDE, FIRM_WIDE, ITEM_FILE_KINDS, LEGAL, MATTER_SCOPED,
    MAY_LEAD_MATTERS, ORGANIZATION_PAYS_ONLY, PERMISSIONS, ROLES, STAFF, TASK_ACTIONS,
)


def role_allows(role: str, action: str) -> bool:
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}")
    return role in PERMISSIONS[action]


def actor_allows(actor: Actor, action: str) -> bool:
    """The role's row, and for a task link's limited session also its task's row."""
    if not role_allows(actor.role, action):
        return False
    return actor.task is None or action in TASK_ACTIONS.get(actor.task.kind, frozenset())


def require(actor: Actor | None, action: str) -> Actor:
    """Firm-wide check: the actor's role may take this action at all."""
    if actor is None or not actor_allows(actor, action):
        raise NotAllowed()
    return actor


def matter_scope(actor: Actor, action: str = "matter.view") -> sa.ColumnElement[bool]:
    """A WHERE clause over Matter that is true exactly for the matters the actor may act on."""
    if not actor_allows(actor, action):
        return sa.false()
    if actor.task is not None:
        return sa.and_(Matter.id == actor.task.matter_id, _role_scope(actor, action))
    return _role_scope(actor, action)


def _role_scope(actor: Actor, action: str) -> sa.ColumnElement[bool]:
    if sees_every_matter(actor):
        return sa.true()
    if is_staff(actor):
        assigned = select(MatterMember.matter_id).where(MatterMember.user_id == actor.user_id)
        return sa.or_(Matter.id.in_(assigned), Matter.responsible_attorney_id == actor.user_id)
    if actor.role == "client":
        own = select(Client.id).where(Client.user_id == actor.user_id)
        return Matter.client_id.in_(own)
    if actor.role in EMPLOYER_SIDE and actor.organization_id is not None:
        clause = sa.and_(Matter.organization_id == actor.organization_id, Matter.shared_with_organization.is_(True))
        if action in ORGANIZATION_PAYS_ONLY:
            clause = sa.and_(clause, Matter.organization_pays.is_(True))
        return clause
    return sa.false()


def require_matter(db: Session, actor: Actor | None, action: str, matter_id: uuid.UUID | str) -> Matter:
    """Load a matter the actor may act on, or raise. An id the actor may not see is "not allowed"
    whether or not it exists, so ids cannot be probed."""
    if actor is None:
        raise NotAllowed()
    if action not in MATTER_SCOPED:
        raise KeyError(f"{action!r} is not a matter-scoped action")
    matter_uuid = parse_uuid(matter_id)
    matter = db.exec(select(Matter).where(Matter.id == matter_uuid, matter_scope(actor, action))).first()
    if matter is None:
        if sees_every_matter(actor) and role_allows(actor.role, action):
            raise NotFound()
        raise NotAllowed()
    return matter


def can_on_matter(db: Session, actor: Actor, action: str, matter_id: uuid.UUID | str) -> bool:
    try:
        require_matter(db, actor, action, matter_id)
    except (NotAllowed, NotFound):
        return False
    return True


def require_item(db: Session, actor: Actor | None, action: str,
                 request_id: uuid.UUID | str) -> tuple[DocumentRequest, Matter]:
    """Load a checklist item and its matter for a document action (view, upload, set expiry,
    review, edit): the action on the item's matter, and the employer-items-only rule, or raise."""
    request = db.get(DocumentRequest, parse_uuid(request_id))
    if request is None:
        raise NotAllowed()
    matter = require_matter(db, actor, action, request.matter_id)
    if not may_touch_item(actor, request):
        raise NotAllowed()
    require_task_object(actor, request.id)
    return request, matter


def require_task_object(actor: Actor, object_id: uuid.UUID | str) -> None:
    """A task link's limited session acts on its one item or invoice only; anyone else passes."""
    if actor.task is not None and parse_uuid(object_id) != actor.task.object_id:
        raise NotAllowed()


def may_touch_item(actor: Actor, request: DocumentRequest | None) -> bool:
    """The employer-items-only rule for one item: an HR contact touches only what the employer
    provides; for everyone else the table and the matter scope decide alone."""
    if actor.task is not None and (request is None or request.id != actor.task.object_id):
        return False
    if actor.role not in EMPLOYER_SIDE:
        return True
    return request is not None and is_employer_item(request.provided_by)


def item_scope(actor: Actor) -> sa.ColumnElement[bool]:
    """A WHERE clause over DocumentRequest: the employer-items-only rule for lists of items (the
    matters themselves are scoped by matter_scope); a task link's limited session sees its one item."""
    if actor.task is not None:
        return DocumentRequest.id == actor.task.object_id
    if actor.role in EMPLOYER_SIDE:
        return DocumentRequest.provided_by == EMPLOYER
    return sa.true()


def sees_every_item(actor: Actor) -> bool:
    """Whether item_scope is no limit for this actor: counts over every item of a matter they may
    see (as models.MatterProgress keeps them) may be shown to them."""
    return actor.task is None and actor.role not in EMPLOYER_SIDE


def invoice_scope(actor: Actor) -> sa.ColumnElement[bool]:
    """A WHERE clause over Invoice: a task link's limited session sees its one invoice."""
    return Invoice.id == actor.task.object_id if actor.task is not None else sa.true()


def may_touch_document(db: Session, actor: Actor, document: Document) -> bool:
    """The employer-items-only rule for a stored file: an upload (or its rendition) counts as the
    item it was uploaded for; generated files (invoice PDFs) belong to no item."""
    if actor.task is not None and document.kind not in ITEM_FILE_KINDS:
        return False  # a task link's session sees its one item's files, never an invoice PDF or other file
    if document.kind not in ITEM_FILE_KINDS or (actor.role not in EMPLOYER_SIDE and actor.task is None):
        return True
    request = db.get(DocumentRequest, document.request_id) if document.request_id else None
    return may_touch_item(actor, request)


def deadline_scope(actor: Actor) -> sa.ColumnElement[bool]:
    """A WHERE clause over Deadline (the matters are scoped by matter_scope): staff see every
    deadline; a client those the firm shows them; an HR contact, of those, the ones that concern
    the employer."""
    if is_staff(actor):
        return sa.true()
    if actor.role in EMPLOYER_SIDE:
        return sa.and_(Deadline.client_visible.is_(True), Deadline.kind.in_(sorted(EMPLOYER_DEADLINE_KINDS)))
    return Deadline.client_visible.is_(True)


def is_employer_item(provided_by: str) -> bool:
    """Whether an item is one the employer provides (and so the HR contact's to send)."""
    return provided_by == EMPLOYER


# Named predicates: the "who is this?" questions services ask, answered from the sets above.

def is_staff(actor: Actor | None) -> bool:
    """Firm staff: they see what the firm keeps internal (hidden deadlines, drafts, the team, errors)."""
    return actor is not None and is_staff_role(actor.role)


def is_staff_role(role: str) -> bool:
    return role in STAFF


def home_path(actor: Actor | None) -> str:
    """Where a person lands after signing in: clients on their home; an employer's HR contact on the
    employer's portal; staff who bill but do not work the cases (the billing role) on Billing; other
    staff on the matters."""
    if not is_staff(actor):
        return "/employer" if actor is not None and role_allows(actor.role, "employer.portal") else "/client"
    works_the_books = role_allows(actor.role, "invoice.edit") and not role_allows(actor.role, "matter.edit")
    return "/billing" if works_the_books else "/staff"


def sees_every_matter(actor: Actor | None) -> bool:
    return actor is not None and actor.role == "admin"


def sees_firm_wide_mail(actor: Actor | None) -> bool:
    """Also the mail sent on no matter (invitations, password resets), not only their matters'."""
    return actor is not None and role_allows(actor.role, "mail.firm_wide")


def may_be_responsible_attorney(role: str) -> bool:
    return role in MAY_LEAD_MATTERS


def responsible_attorney_candidates() -> sa.ColumnElement[bool]:
    """A WHERE clause over User: the people who may be named a matter's responsible attorney."""
    return User.role.in_(sorted(MAY_LEAD_MATTERS))


def employer_contacts() -> sa.ColumnElement[bool]:
    """A WHERE clause over User: the people who act for an employer (HR contacts)."""
    return User.role.in_(sorted(EMPLOYER_SIDE))


def users_allowed(action: str) -> sa.ColumnElement[bool]:
    """A WHERE clause over User: the people whose role may take this action at all (for example
    those told when something they manage fails)."""
    if action not in PERMISSIONS:
        raise KeyError(f"unknown action {action!r}")
    return User.role.in_(sorted(PERMISSIONS[action]))


def parse_uuid(value: uuid.UUID | str) -> uuid.UUID:
    """Ids from a browser are strings; anything that is not a UUID is simply not allowed."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except (ValueError, AttributeError, TypeError):
        raise NotAllowed() from None
