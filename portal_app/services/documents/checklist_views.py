"""What a matter's checklist looks like to the person asking: items with their why, example,
accepted types and size, every version with its review state, and the progress figures
(received vs missing for the client; complete, awaiting review and overdue for staff)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from models import Document, DocumentRequest, DocumentVersion, Matter
from portal_app.services.documents import checklists, validation
from portal_app.services.files import names as filenames
from portal_app.services.kernel import db, i18n, localtime, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.matter_progress import MISSING, RECEIVED
from portal_app.services.kernel.matter_summaries import summary_query

MIME_ACCEPT = {"pdf": {"application/pdf": [".pdf"]}, "jpeg": {"image/jpeg": [".jpg", ".jpeg"]},
               "png": {"image/png": [".png"]}, "heic": {"image/heic": [".heic"], "image/heif": [".heif"]}}


@dataclass(frozen=True)
class VersionView:
    id: str
    number: int
    stored_name: str
    original_name: str
    content_type: str
    size_bytes: int
    status: str  # pending | accepted | rejected
    note: str
    uploaded_at: datetime
    rendition_id: str


@dataclass(frozen=True)
class ItemView:
    id: str
    key: str
    title: str
    why: str
    example: str
    accepted_types: list[str]
    accepted_label: str
    max_size_bytes: int
    naming_example: str
    provided_by: str
    expires: bool
    expiry_date: date | None
    status: str
    rejection_reason: str
    note_key: str
    due_date: date | None
    overdue: bool
    versions: list[VersionView] = field(default_factory=list)
    files_needed: int = 1
    signing: str = ""  # "wet_ink": print, sign in ink, upload the scan
    original_held: bool = False  # the firm holds the signed paper original


@dataclass(frozen=True)
class Progress:
    total: int
    received: int
    complete: int
    missing: int
    awaiting_review: int
    overdue: int

    @property
    def percent_received(self) -> int:
        return round(100 * self.received / self.total) if self.total else 100

    @property
    def percent_complete(self) -> int:
        return round(100 * self.complete / self.total) if self.total else 100


@dataclass(frozen=True)
class ChecklistView:
    matter_id: str
    reference: str
    title: str
    client_name: str
    items: list[ItemView]
    removed: list[str]
    progress: Progress
    may_review: bool
    may_edit: bool


def accept_map(tokens: list[str]) -> dict[str, list[str]]:
    """The dropzone's accept= value for these file types."""
    merged: dict[str, list[str]] = {}
    for token in tokens:
        merged.update(MIME_ACCEPT.get(token, {}))
    return merged


def visible_requests(s: Session, actor: Actor, matter_ids: list[uuid.UUID]) -> list[DocumentRequest]:
    query = select(DocumentRequest).where(DocumentRequest.matter_id.in_(matter_ids), policy.item_scope(actor))
    return list(s.exec(query.order_by(DocumentRequest.requested_at, DocumentRequest.title)).all())


def versions_by_request(s: Session, request_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[VersionView]]:
    rows = s.exec(select(DocumentVersion, Document).join(Document, Document.id == DocumentVersion.document_id)
                  .where(Document.request_id.in_(request_ids), Document.kind.in_(["evidence", "rendition"]))
                  .order_by(DocumentVersion.version_no)).all()
    renditions = {v.rendition_of_id: str(v.id) for v, d in rows if d.kind == "rendition"}
    result: dict[uuid.UUID, list[VersionView]] = {}
    for version, document in rows:
        if document.kind != "evidence":
            continue
        result.setdefault(document.request_id, []).append(VersionView(
            str(version.id), version.version_no, version.stored_name, version.original_name, version.content_type,
            version.size_bytes, version.review_status, version.review_note or "", version.uploaded_at,
            renditions.get(version.id, "")))
    return result


def example_file_name(convention: str, person: str, accepted: list[str]) -> str:
    """The name an upload will get, with the extensions this item really takes (a photo-only item
    never says .pdf): `Passport_Photos_Jane_Doe.jpg / .png / .heic`."""
    types = {token: content_type for content_type, token in validation.TYPE_TOKENS.items() if content_type != "image/heif"}
    kinds = [types[token] for token in accepted if token in types] or ["application/pdf"]
    first = filenames.conventional_name(convention, person=person, content_type=kinds[0])
    others = [filenames.EXTENSIONS[kind] for kind in kinds[1:]]
    return first + "".join(f" / .{ext}" for ext in others)


def item_view(request: DocumentRequest, versions: list[VersionView], today: date, person: str,
              locale: str = "en") -> ItemView:
    overdue = request.status in MISSING and request.due_date is not None and request.due_date < today
    example_name = example_file_name(request.naming_convention or request.title, person,
                                     list(request.accepted_types))
    title, why, example = (i18n.content(x or "", locale) for x in (request.title, request.why, request.example))
    return ItemView(str(request.id), request.key, title, why, example,
                    list(request.accepted_types), validation.accepted_label(list(request.accepted_types)),
                    request.max_size_bytes, example_name, request.provided_by, request.expires, request.expiry_date,
                    request.status, request.rejection_reason or "", request.note or "", request.due_date, overdue,
                    versions, checklists.files_needed(request.key), request.signing,
                    request.original_held_at is not None)


def progress_of(items: list[ItemView]) -> Progress:
    return Progress(
        total=len(items), received=sum(i.status in RECEIVED for i in items),
        complete=sum(i.status in ("accepted", "waived") for i in items),
        missing=sum(i.status in MISSING for i in items),
        awaiting_review=sum(1 for i in items for v in i.versions if v.status == "pending"),
        overdue=sum(i.overdue for i in items),
    )


def matter_checklist(actor: Actor, matter_id: str, now: datetime | None = None) -> ChecklistView:
    with db.read() as s:
        matter = policy.require_matter(s, actor, "document.view", matter_id)
        summary = s.exec(summary_query().where(Matter.id == matter.id)).one()
        requests = visible_requests(s, actor, [matter.id])
        versions = versions_by_request(s, [r.id for r in requests])
        today, person = localtime.today_for(actor, now), summary[2]
        items = [item_view(r, versions.get(r.id, []), today, person, actor.locale) for r in requests if r.removed_at is None]
        removed = [i18n.content(r.title, actor.locale) for r in requests if r.removed_at is not None and r.note == "checklist.removed_by_answers"]
        return ChecklistView(str(matter.id), matter.reference, matter.title, person, items, removed,
                             progress_of(items), policy.can_on_matter(s, actor, "document.review", matter.id),
                             policy.can_on_matter(s, actor, "checklist.edit", matter.id))


@dataclass(frozen=True)
class NeededItem:
    matter_id: str
    reference: str
    request_id: str
    title: str
    status: str
    rejection_reason: str
    due_date: date | None = None
    overdue: bool = False


def needed_for_me(actor: Actor, limit: int = 50, now: datetime | None = None) -> tuple[list[NeededItem], Progress]:
    """Everything still missing across the matters I can upload to (client home), and the totals."""
    with db.read() as s:
        matters = {m.id: m for m in s.exec(select(Matter).where(policy.matter_scope(actor, "document.upload"))).all()}
        requests = [r for r in visible_requests(s, actor, list(matters)) if r.removed_at is None]
        versions = versions_by_request(s, [r.id for r in requests])
        today = localtime.today_for(actor, now)
        items = [item_view(r, versions.get(r.id, []), today, "") for r in requests]
        needed = [_listed(r, matters[r.matter_id], today, actor.locale) for r in requests if r.status in MISSING]
        return _in_order_to_act(needed)[:limit], progress_of(items)


def every_item(actor: Actor, now: datetime | None = None) -> list[NeededItem]:
    """Every open item across the matters I may see, received ones too, in the order to act on them:
    the employer's portal lists an HR contact's items this way (the items the employer provides,
    by item_scope), each with its status and the reason one was sent back."""
    with db.read() as s:
        matters = {m.id: m for m in s.exec(select(Matter).where(policy.matter_scope(actor, "document.view"))).all()}
        today = localtime.today_for(actor, now)
        return _in_order_to_act([_listed(r, matters[r.matter_id], today, actor.locale)
                                 for r in visible_requests(s, actor, list(matters)) if r.removed_at is None])


def _listed(r: DocumentRequest, matter: Matter, today: date, locale: str) -> NeededItem:
    overdue = r.status in MISSING and r.due_date is not None and r.due_date < today
    return NeededItem(str(r.matter_id), matter.reference, str(r.id), i18n.content(r.title, locale), r.status,
                      r.rejection_reason or "", r.due_date, overdue)


def _in_order_to_act(items: list[NeededItem]) -> list[NeededItem]:
    """Sent back first, then overdue, then still missing, then the nearest due date, then the rest."""
    return sorted(items, key=lambda n: (n.status != "rejected", not n.overdue, n.status not in MISSING,
                                        n.due_date or date.max, n.reference))
