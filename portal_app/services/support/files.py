"""The optional screenshot or file sent with a support request (signed in), through the same
checks and encryption as evidence (documents/uploads.py). It is held, encrypted, until the request
is sent; a request then names it (the request's id is the file's id, which its chunks are bound
to). A file never sent is removed by the orphan sweeper like any unnamed object.

Staff open it through a link minted for them and their session, valid five minutes, audited."""
from __future__ import annotations

import base64
import hashlib
import json
import uuid
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken

from models import SupportRequest
from portal_app.services.documents import uploads
from portal_app.services.kernel import audit, db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import NotAllowed
from portal_app.services.kernel.settings import get_settings

ACCEPTED = ("pdf", "jpeg", "png")  # screenshots and scans; no HEIC, so no rendition to keep
MAX_BYTES = 10 * 1024 * 1024
LINK_SECONDS = 300


@dataclass(frozen=True)
class HeldFile:
    """A checked, encrypted file waiting for its request: kept in the page's server-side state."""

    file_id: str
    storage_key: str
    wrapped_key: str
    chunk_size: int
    size_bytes: int
    sha256: str
    content_type: str
    name: str
    stored_name: str = ""  # what the upload receiver shows: the name, as it was sent


def target_for(actor: Actor, _unused: str = "") -> uploads.UploadTarget:
    policy.require(actor, "support.request")
    return uploads.UploadTarget("support request", ACCEPTED, min(MAX_BYTES, get_settings().max_upload_bytes))


class IncomingSupportFile(uploads.IncomingFile):
    """Checked exactly like evidence; recorded nowhere yet: `held` receives it for the request."""

    def __init__(self, actor: Actor, target: uploads.UploadTarget, original_name: str, held: list | None = None) -> None:
        super().__init__(actor, target, original_name)
        self.held = held if held is not None else []

    def record(self, stored, content_type: str, rendition) -> HeldFile:
        sealed = stored.sealed
        found = HeldFile(str(self.version_id), stored.storage_key, sealed.wrapped_key, sealed.chunk_size,
                         sealed.size_bytes, sealed.sha256, content_type, self.name, self.name)
        self.held.append(found)
        return found


def attach(request: SupportRequest, held: HeldFile | None) -> None:
    """Name the held file on a new request (before it is added to the session)."""
    if held is None:
        return
    request.id = uuid.UUID(held.file_id)
    request.storage_key, request.wrapped_key, request.chunk_size = held.storage_key, held.wrapped_key, held.chunk_size
    request.size_bytes, request.sha256, request.content_type = held.size_bytes, held.sha256, held.content_type
    request.attachment_name = held.name[:255]


def _fernet() -> Fernet:
    key = hashlib.sha256(b"portal support files\x00" + get_settings().secret_key.get_secret_value().encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def mint(actor: Actor, request_id: str) -> str:
    policy.require(actor, "support.handle")
    with db.read() as s:
        request = s.get(SupportRequest, policy.parse_uuid(request_id))
        if request is None or not request.storage_key:
            raise NotAllowed()
    claims = {"u": str(actor.user_id), "s": str(actor.session_id or ""), "r": str(request.id)}
    return f"/api/support-files/{request.id}?t=" + _fernet().encrypt(json.dumps(claims).encode()).decode()


def open_download(actor: Actor | None, request_id: str, token: str) -> SupportRequest:
    """Check a link for the signed-in requester and audit the download; NotAllowed otherwise."""
    if actor is None or not token or len(token) > 2000:
        raise NotAllowed()
    try:
        claims = json.loads(_fernet().decrypt(token.encode("ascii"), ttl=LINK_SECONDS))
    except (InvalidToken, UnicodeEncodeError, ValueError):
        raise NotAllowed() from None
    if (claims.get("r") != str(policy.parse_uuid(request_id)) or claims.get("u") != str(actor.user_id)
            or claims.get("s") != str(actor.session_id or "")):
        raise NotAllowed()
    policy.require(actor, "support.handle")
    with db.write() as s:
        request = s.get(SupportRequest, policy.parse_uuid(request_id))
        if request is None or not request.storage_key:
            raise NotAllowed()
        audit.record(s, "support.file_downloaded", actor=actor, object_type="support_request", object_id=request.id,
                     details={"reference": request.reference, "sha256": request.sha256})
        s.expunge(request)
        return request
