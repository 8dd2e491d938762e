"""Files sent with a message, through the very path evidence takes (documents/uploads.py): bytes
encrypted straight into storage while counted against the limit and checked by their first
bytes, then opened with a real parser; a refusal stores nothing. Only the recording differs: the
file becomes a document of kind "attachment" on the matter, waiting to be sent with a message.

Staff may file an attachment to a checklist item: the version moves into the item's evidence,
named by the item's convention, and the item is marked uploaded, as if the client had uploaded it
there; the message keeps showing it."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from models import Client, Document, DocumentVersion, MessageAttachment, utcnow
from portal_app.services.conversations import threads
from portal_app.services.documents import uploads
from portal_app.services.files import names as filenames
from portal_app.services.files import store as filestore
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput
from portal_app.services.kernel.settings import get_settings

ACCEPTED = ("pdf", "jpeg", "png", "heic")
MAX_BYTES = 20 * 1024 * 1024
KIND = "attachment"


@dataclass(frozen=True)
class StoredAttachment:
    attachment_id: str
    version_id: str
    stored_name: str
    original_name: str
    size_bytes: int


def max_bytes() -> int:
    return min(MAX_BYTES, get_settings().max_upload_bytes)


def target_for(actor: Actor, matter_id: str) -> uploads.UploadTarget:
    """Check the actor may attach files on this matter's thread now (reads only: a refused file
    leaves not even a thread behind)."""
    with db.read() as s:
        matter = policy.require_matter(s, actor, "message.attach", matter_id)
        return uploads.UploadTarget(matter.reference, ACCEPTED, max_bytes(), matter_id=matter.id)


class IncomingAttachment(uploads.IncomingFile):
    """An upload checked exactly like evidence, recorded as a message attachment."""

    def record(self, stored, content_type: str, rendition) -> StoredAttachment:
        with db.write() as s:
            matter = policy.require_matter(s, self.actor, "message.attach", self.target.matter_id)
            thread = threads.thread_for(s, matter)
            done = _add(s, self.actor, matter.id, thread.id, self.version_id, stored, content_type, self.name)
            if rendition is not None:
                jpeg = self.name.rsplit(".", 1)[0] + ".jpg"
                _add(s, self.actor, matter.id, thread.id, rendition.file_id, rendition, "image/jpeg", jpeg)
            audit.record(s, "message.attachment_uploaded", actor=self.actor, object_type="document_version",
                         object_id=self.version_id, matter_id=matter.id,
                         details={"type": content_type, "size": stored.sealed.size_bytes, "sha256": stored.sealed.sha256})
            return done


def _add(s, actor, matter_id, thread_id, version_id, stored, content_type, name) -> StoredAttachment:
    document = Document(matter_id=matter_id, kind=KIND, display_name=name)
    s.add(document)
    s.flush()
    sealed = stored.sealed
    s.add(DocumentVersion(id=version_id, document_id=document.id, version_no=1, storage_key=stored.storage_key,
                          wrapped_key=sealed.wrapped_key, chunk_size=sealed.chunk_size, size_bytes=sealed.size_bytes,
                          sha256=sealed.sha256, content_type=content_type, stored_name=name, original_name=name,
                          uploaded_by_id=actor.user_id, review_status="attachment"))
    s.flush()
    row = MessageAttachment(thread_id=thread_id, version_id=version_id, uploaded_by_id=actor.user_id)
    s.add(row)
    s.flush()
    return StoredAttachment(str(row.id), str(version_id), name, name, sealed.size_bytes)


def _client_name(s, matter) -> str:
    client = s.get(Client, matter.client_id)
    return client.full_name if client else ""


def upload_bytes(actor: Actor, matter_id: str, original_name: str, data: bytes) -> StoredAttachment:
    """A whole file held in memory (tests, staff scans): the same checks as a streamed one."""
    incoming = IncomingAttachment(actor, target_for(actor, matter_id), original_name)
    for start in range(0, len(data), 1024 * 1024):
        incoming.feed(data[start:start + 1024 * 1024])
    return incoming.finish()


def discard(actor: Actor, attachment_id: str) -> None:
    """Drop one of my uploads that was never sent (the person changed their mind)."""
    with db.write() as s:
        row = s.get(MessageAttachment, policy.parse_uuid(attachment_id))
        if row is None or row.uploaded_by_id != actor.user_id or row.message_id is not None:
            raise InvalidInput("conversations.attachment_unknown")
        threads.require_thread(s, actor, "message.attach", row.thread_id)
        version = s.get(DocumentVersion, row.version_id)
        document = s.get(Document, version.document_id)
        s.delete(row)
        s.flush()
        s.delete(version)
        s.flush()
        s.delete(document)
        key = version.storage_key
    filestore.get_storage().delete(key)  # after the commit: a failed one leaves the file with its rows


def file_to_item(actor: Actor, attachment_id: str, request_id: str) -> str:
    """Staff: make a sent attachment the newest version of a checklist item on the same matter."""
    with db.write() as s:
        row = s.get(MessageAttachment, policy.parse_uuid(attachment_id))
        if row is None or row.message_id is None:
            raise InvalidInput("conversations.attachment_unknown")
        thread, matter = threads.require_thread(s, actor, "message.assign", row.thread_id)
        request, item_matter = policy.require_item(s, actor, "document.review", request_id)
        if item_matter.id != matter.id:
            raise InvalidInput("conversations.item_other_matter")
        if row.filed_request_id is not None:
            raise InvalidInput("conversations.already_filed")
        version = s.get(DocumentVersion, row.version_id)
        evidence = s.exec(select(Document).where(Document.request_id == request.id, Document.kind == "evidence")).first()
        if evidence is None:
            evidence = Document(matter_id=matter.id, request_id=request.id, kind="evidence", display_name=request.title)
            s.add(evidence)
            s.flush()
        earlier = s.exec(select(DocumentVersion.sha256).where(DocumentVersion.document_id == evidence.id)).all()
        if version.sha256 in earlier:
            raise InvalidInput("upload.duplicate", name=version.original_name, stored=request.title)
        old_document = version.document_id
        version.document_id, version.version_no, version.review_status = evidence.id, len(earlier) + 1, "pending"
        version.stored_name = filenames.conventional_name(request.naming_convention or request.title, person=_client_name(s, matter),
                                                          content_type=version.content_type, number=len(earlier) + 1)
        s.flush()
        s.delete(s.get(Document, old_document))
        row.filed_request_id, row.filed_at = request.id, utcnow()
        request.status, request.rejection_reason, request.updated_at = "uploaded", None, utcnow()
        audit.record(s, "message.attachment_filed", actor=actor, object_type="document_version", object_id=version.id,
                     matter_id=matter.id, details={"request": request.key, "version": version.version_no,
                                                   "thread": str(thread.id)})
        return version.stored_name
