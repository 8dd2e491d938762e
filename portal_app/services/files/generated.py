"""Files the portal makes itself (invoice and receipt PDFs, signed engagement letters): stored encrypted with the matter's
documents, in the caller's transaction, and served by the same download route as any upload."""
from __future__ import annotations

import uuid

from sqlmodel import Session

from models import Document, DocumentVersion, Matter
from portal_app.services.files import names as filenames
from portal_app.services.files import store as filestore
from portal_app.services.kernel import audit, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import InvalidInput, NotFound

# kind -> the matter-scoped action that lets someone see (and so store) such a file
GENERATED_KINDS = {"invoice_pdf": "invoice.view", "receipt_pdf": "invoice.view", "statement_pdf": "invoice.view",
                   "engagement_pdf": "engagement.view"}
MAX_GENERATED_BYTES = 50 * 1024 * 1024


def view_action(kind: str) -> str:
    """The permission needed to see a document of this kind."""
    return GENERATED_KINDS.get(kind, "document.view")


def store_generated(s: Session, *, actor: Actor | None, matter_id: uuid.UUID | str, kind: str, display_name: str,
                    data: bytes, content_type: str) -> str:
    """Encrypt `data` as a new Document with one DocumentVersion on the matter and audit it, inside the
    caller's transaction (the stored object is removed again if that transaction rolls back).
    `actor` is None when the portal itself acts (for example a receipt after a payment webhook).
    Returns the version id, for GET /api/files/{version_id}."""
    if kind not in GENERATED_KINDS:
        raise InvalidInput("document.generated_kind_unknown", kind=kind)
    if not isinstance(data, (bytes, bytearray)) or len(data) > MAX_GENERATED_BYTES:
        raise InvalidInput("document.generated_too_large")
    matter = _matter(s, actor, kind, matter_id)
    name = filenames.display_name(display_name, fallback=f"{kind}.pdf")
    version_id = uuid.uuid4()
    stored = filestore.seal_bytes(bytes(data), version_id)
    filestore.delete_if_rolled_back(s, stored.storage_key)
    document = Document(matter_id=matter.id, kind=kind, display_name=name)
    s.add(document)
    s.flush()
    sealed = stored.sealed
    s.add(DocumentVersion(
        id=version_id, document_id=document.id, version_no=1, storage_key=stored.storage_key,
        wrapped_key=sealed.wrapped_key, chunk_size=sealed.chunk_size, size_bytes=sealed.size_bytes,
        sha256=sealed.sha256, content_type=content_type[:100], stored_name=name, original_name=name,
        review_status="generated", uploaded_by_id=actor.user_id if actor else None,
    ))
    s.flush()
    audit.record(s, "document.generated", actor=actor, object_type="document_version", object_id=version_id,
                 matter_id=matter.id, details={"kind": kind, "size": sealed.size_bytes, "sha256": sealed.sha256})
    return str(version_id)


def _matter(s: Session, actor: Actor | None, kind: str, matter_id: uuid.UUID | str) -> Matter:
    if actor is not None:
        return policy.require_matter(s, actor, GENERATED_KINDS[kind], matter_id)
    matter = s.get(Matter, policy.parse_uuid(matter_id))
    if matter is None:
        raise NotFound()
    return matter
