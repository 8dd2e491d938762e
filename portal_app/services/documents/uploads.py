"""Receiving a file for a document request.

IncomingFile takes the bytes as they arrive (from Reflex's streaming upload, or all at once) and
encrypts them straight into storage while counting them against the item's size limit and
checking the first bytes against its accepted types. finish() then opens the whole file with a
real parser through a decrypting reader, makes a JPEG rendition of HEIC photos, and only then
records the version. Any refusal discards what was written: storage and database stay as they were.
"""
from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from models import Client, Document, DocumentRequest, DocumentVersion, Matter, Organization, utcnow
from portal_app.services.documents import checklists, validation
from portal_app.services.files import names as filenames
from portal_app.services.files import store as filestore
from portal_app.services.kernel import audit, db, localtime, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput, PortalError
from portal_app.services.tasks import lifecycle as tasks

OPEN_STATUSES = ("requested", "uploaded", "rejected")
HEAD_BYTES = 64
REVIEW_WITHIN_DAYS = 2  # a client's upload is reviewed within two days of the firm's calendar


@dataclass(frozen=True)
class UploadTarget:
    """Where a file goes and what it may be: a checklist item (request and matter), a message's
    attachment (the matter only) or a support request's screenshot (neither)."""

    title: str
    accepted_types: tuple[str, ...]
    max_size_bytes: int
    matter_id: uuid.UUID | None = None
    request_id: uuid.UUID | None = None


@dataclass(frozen=True)
class UploadedFile:
    version_id: str
    request_id: str
    stored_name: str
    original_name: str
    content_type: str
    size_bytes: int
    rendition_id: str | None


def _load_target(s: Session, actor: Actor, request_id: uuid.UUID | str) -> tuple[DocumentRequest, Matter]:
    request, matter = policy.require_item(s, actor, "document.upload", request_id)
    if request.removed_at is not None or request.status not in OPEN_STATUSES:
        raise InvalidInput("upload.request_closed", item=request.title)
    return request, matter


def target_for(actor: Actor, request_id: str) -> UploadTarget:
    """Check the actor may upload to this request now, and what it accepts."""
    with db.read() as s:
        request, matter = _load_target(s, actor, request_id)
        return UploadTarget(request.title, tuple(request.accepted_types), request.max_size_bytes,
                            matter_id=matter.id, request_id=request.id)


class IncomingFile:
    """One file on its way into storage. Call feed() with each piece, then finish() or abort()."""

    def __init__(self, actor: Actor, target: UploadTarget, original_name: str) -> None:
        self.actor, self.target = actor, target
        self.name = filenames.display_name(original_name)
        self.version_id = uuid.uuid4()
        self._upload = filestore.Upload(self.version_id)
        self._head, self._content_type = b"", None

    @property
    def received(self) -> int:
        return self._upload.size

    def _refuse(self, error: InvalidInput) -> InvalidInput:
        self.abort()
        return error

    def feed(self, data: bytes) -> None:
        if self._upload.size + len(data) > self.target.max_size_bytes:
            raise self._refuse(InvalidInput("upload.too_large", name=self.name, item=self.target.title,
                                            limit=_megabytes(self.target.max_size_bytes)))
        if len(self._head) < HEAD_BYTES:
            self._head += data[:HEAD_BYTES - len(self._head)]
            if len(self._head) >= 16 and self._content_type is None:
                self._content_type = self._check_type()
        self._upload.write(data)

    def _check_type(self) -> str:
        try:
            return validation.check_type(self._head, list(self.target.accepted_types), name=self.name,
                                         item=self.target.title)
        except InvalidInput as error:
            raise self._refuse(error) from None

    def abort(self) -> None:
        self._upload.discard()

    def finish(self) -> UploadedFile:
        if self._upload.size == 0:
            raise self._refuse(InvalidInput("upload.empty", name=self.name))
        content_type = self._content_type or self._check_type()
        try:
            stored = self._upload.finish()
            reader = io.BufferedReader(filestore.seekable(self.version_id, stored), 256 * 1024)
            validation.check_content(reader, content_type, name=self.name, size=stored.sealed.size_bytes)
            rendition = None
            if content_type in ("image/heic", "image/heif"):
                rendition = filestore.seal_bytes(validation.jpeg_rendition(reader, content_type))
        except BaseException:
            self.abort()
            raise
        try:
            return self.record(stored, content_type, rendition)
        except BaseException:
            self.abort()
            if rendition is not None:
                filestore.get_storage().delete(rendition.storage_key)
            raise

    def record(self, stored, content_type: str, rendition):
        """Record the checked, stored file (a version of the item). A subclass records it elsewhere
        (a message attachment) and so reuses every check above; raising discards what was stored."""
        return _record(self.actor, self, stored, content_type, rendition)


def megabytes(size: int) -> str:
    return _megabytes(size)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"


def _person(s: Session, matter: Matter, provided_by: str) -> str:
    if provided_by == "employer" and matter.organization_id:
        org = s.get(Organization, matter.organization_id)
        return org.name if org else ""
    if provided_by == "petitioner" and matter.petitioner_name:
        return matter.petitioner_name
    client = s.get(Client, matter.client_id)
    return client.full_name if client else ""


def _version_row(version_id, document_id, number, stored, content_type, stored_name, original, uploader, **extra):
    sealed = stored.sealed
    return DocumentVersion(id=version_id, document_id=document_id, version_no=number, storage_key=stored.storage_key,
                           wrapped_key=sealed.wrapped_key, chunk_size=sealed.chunk_size, size_bytes=sealed.size_bytes,
                           sha256=sealed.sha256, content_type=content_type, stored_name=stored_name,
                           original_name=original, uploaded_by_id=uploader, **extra)


def _record(actor: Actor, incoming: IncomingFile, stored, content_type: str, rendition) -> UploadedFile:
    with db.write() as s:
        request, matter = _load_target(s, actor, incoming.target.request_id)
        document = s.exec(select(Document).where(Document.request_id == request.id,
                                                 Document.kind == "evidence")).first()
        if document is None:
            document = Document(matter_id=matter.id, request_id=request.id, kind="evidence", display_name=request.title)
            s.add(document)
            s.flush()
        earlier = s.exec(select(DocumentVersion.sha256, DocumentVersion.stored_name, DocumentVersion.review_status)
                         .where(DocumentVersion.document_id == document.id)).all()
        same = next((name for sha, name, _status in earlier if sha == stored.sealed.sha256), None)
        if same is not None:
            raise InvalidInput("upload.duplicate", name=incoming.name, stored=same)
        number = 1 + len(earlier)
        stored_name = filenames.conventional_name(request.naming_convention or request.title,
                                                  person=_person(s, matter, request.provided_by),
                                                  content_type=content_type, number=number)
        s.add(_version_row(incoming.version_id, document.id, number, stored, content_type, stored_name,
                           incoming.name, actor.user_id))
        s.flush()
        rendition_id = _record_rendition(s, actor, matter, request, incoming, rendition, stored_name)
        kept = 1 + sum(1 for *_rest, status in earlier if status != "rejected")  # this one and the good ones
        enough = kept >= checklists.files_needed(request.key)  # two photos: one is not yet the item
        request.status = "uploaded" if enough else ("requested" if request.status != "rejected" else "rejected")
        request.rejection_reason = None if enough else request.rejection_reason
        request.updated_at = utcnow()
        if not policy.is_staff(actor):
            tasks.open_task(s, matter_id=matter.id, kind="review_upload", title=f"Review {stored_name}",
                            subject_type="document_version", subject_id=incoming.version_id,
                            due_date=localtime.firm_today() + timedelta(days=REVIEW_WITHIN_DAYS))
        audit.record(s, "document.uploaded", actor=actor, object_type="document_version", object_id=incoming.version_id,
                     matter_id=matter.id, details={"request": request.key, "version": number, "type": content_type,
                                                   "size": stored.sealed.size_bytes, "sha256": stored.sealed.sha256})
        return UploadedFile(str(incoming.version_id), str(request.id), stored_name, incoming.name, content_type,
                            stored.sealed.size_bytes, rendition_id)


def _record_rendition(s, actor, matter, request, incoming, rendition, stored_name) -> str | None:
    if rendition is None:
        return None
    document = Document(matter_id=matter.id, request_id=request.id, kind="rendition",
                        display_name=f"{request.title} (JPEG)")
    s.add(document)
    s.flush()
    name = stored_name.rsplit(".", 1)[0] + ".jpg"
    s.add(_version_row(rendition.file_id, document.id, 1, rendition, "image/jpeg", name, incoming.name, actor.user_id,
                       rendition_of_id=incoming.version_id, review_status="rendition"))
    return str(rendition.file_id)


def upload_bytes(actor: Actor, request_id: str, original_name: str, data: bytes,
                 piece: int = 1024 * 1024) -> UploadedFile:
    """Upload a whole file held in memory (staff scans, tests); same checks as a streamed upload."""
    incoming = IncomingFile(actor, target_for(actor, request_id), original_name)
    for start in range(0, len(data), piece):
        incoming.feed(data[start:start + piece])  # a refusal discards what was written, then raises
    return incoming.finish()


def item_size_limit(request_id: str) -> int | None:
    """The per-file size limit of one document request (None for an id that is not one). Read
    before any authentication, by the upload size guard: it reveals only a number of bytes."""
    try:
        rid = policy.parse_uuid(request_id)
    except PortalError:
        return None
    with db.read() as s:
        return s.exec(select(DocumentRequest.max_size_bytes).where(DocumentRequest.id == rid)).first()
