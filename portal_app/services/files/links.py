"""Short-lived signed links to one document version, and the check the download route runs.

A link is minted by an authorized handler for one user, one session and one version; it is a
Fernet token (key derived from settings.secret_key) that expires after LINK_SECONDS. On every
request the route opens the token, checks the requester's session is the one it was minted
for, and asks the permission table again; every view and download is audited.
"""
from __future__ import annotations

import base64
import hashlib
import json
import uuid
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from sqlmodel import Session

from models import Document, DocumentVersion
from portal_app.services.files import names as filenames
from portal_app.services.files.generated import view_action
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import NotAllowed, NotFound
from portal_app.services.kernel.settings import get_settings

LINK_SECONDS = 300
DISPOSITIONS = ("inline", "attachment")
# Browsers may show these inline; anything else is always a download.
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def _fernet() -> Fernet:
    key = hashlib.sha256(b"portal download links\x00" + get_settings().secret_key.get_secret_value().encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


@dataclass(frozen=True)
class Download:
    version: DocumentVersion
    filename: str
    content_type: str
    disposition: str


def may_see(s: Session, actor: Actor, document: Document) -> bool:
    """The permission table for the document's kind on its matter, plus the employer-items-only
    rule (an HR contact never sees the employee's own documents)."""
    return (policy.can_on_matter(s, actor, view_action(document.kind), document.matter_id)
            and policy.may_touch_document(s, actor, document))


def _load(s: Session, actor: Actor, version_id: uuid.UUID | str) -> tuple[DocumentVersion, Document]:
    version = s.get(DocumentVersion, policy.parse_uuid(version_id))
    document = s.get(Document, version.document_id) if version else None
    if version is None or document is None or not may_see(s, actor, document):
        raise NotAllowed()
    if version.shredded_at is not None:  # deleted under the retention policy: there is nothing to send
        raise NotFound("document.deleted_by_retention")
    return version, document


def mint(actor: Actor, version_id: str, disposition: str = "attachment") -> str:
    """A link for this actor (and this session) to one version; checks the permission first."""
    if disposition not in DISPOSITIONS:
        disposition = "attachment"
    with db.read() as s:
        version, _document = _load(s, actor, version_id)
    claims = {"u": str(actor.user_id), "s": str(actor.session_id or ""), "v": str(version.id), "d": disposition}
    token = _fernet().encrypt(json.dumps(claims, separators=(",", ":")).encode()).decode()
    return f"/api/files/{version.id}?t={token}"


def _claims(token: str) -> dict:
    try:
        return json.loads(_fernet().decrypt(token.encode("ascii"), ttl=LINK_SECONDS))
    except (InvalidToken, UnicodeEncodeError, ValueError):
        raise NotAllowed() from None


def open_download(actor: Actor | None, version_id: str, token: str) -> Download:
    """Check a link for the signed-in requester and audit the view or download; NotAllowed otherwise."""
    if actor is None or not token or len(token) > 2000:
        raise NotAllowed()
    claims = _claims(token)
    if claims.get("v") != str(policy.parse_uuid(version_id)) or claims.get("u") != str(actor.user_id):
        raise NotAllowed()
    if claims.get("s") != str(actor.session_id or ""):
        raise NotAllowed()
    with db.write() as s:
        version, document = _load(s, actor, version_id)
        disposition = claims.get("d", "attachment")
        if version.content_type not in INLINE_TYPES:
            disposition = "attachment"
        action = "document.viewed" if disposition == "inline" else "document.downloaded"
        audit.record(s, action, actor=actor, object_type="document_version", object_id=version.id,
                     matter_id=document.matter_id, details={"kind": document.kind, "version": version.version_no})
        return Download(version=version, filename=version.stored_name, content_type=version.content_type,
                        disposition=disposition)


def content_disposition(download: Download) -> str:
    return filenames.content_disposition(download.filename, download.disposition)


__all__ = ["LINK_SECONDS", "Download", "mint", "open_download", "may_see", "content_disposition", "NotFound"]
