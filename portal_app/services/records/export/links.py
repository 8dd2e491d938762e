"""Short-lived links to a matter's export, like the file links (files/links.py): minted by an
authorized handler for one user, one session and one matter, valid five minutes; the route checks
the requester is that user in that session and asks the permission table again (in `prepare`)."""
from __future__ import annotations

import base64
import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken

from portal_app.services.kernel import db, policy
from portal_app.services.kernel.actor import Actor
from portal_app.services.kernel.errors import NotAllowed
from portal_app.services.kernel.settings import get_settings
from portal_app.services.records.export import archive

LINK_SECONDS = 300


def _fernet() -> Fernet:
    key = hashlib.sha256(b"portal export links\x00" + get_settings().secret_key.get_secret_value().encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def mint(actor: Actor, matter_id: str) -> str:
    with db.read() as s:
        matter = policy.require_matter(s, actor, "matter.export", matter_id)
    claims = {"u": str(actor.user_id), "s": str(actor.session_id or ""), "m": str(matter.id)}
    token = _fernet().encrypt(json.dumps(claims, separators=(",", ":")).encode()).decode()
    return f"/api/exports/{matter.id}?t={token}"


def open_export(actor: Actor | None, matter_id: str, token: str) -> archive.ExportPlan:
    """The export plan for a valid link (audited as started); NotAllowed for anything else."""
    if actor is None or not token or len(token) > 2000:
        raise NotAllowed()
    try:
        claims = json.loads(_fernet().decrypt(token.encode("ascii"), ttl=LINK_SECONDS))
    except (InvalidToken, UnicodeEncodeError, ValueError):
        raise NotAllowed() from None
    if claims.get("m") != str(policy.parse_uuid(matter_id)) or claims.get("u") != str(actor.user_id) \
            or claims.get("s") != str(actor.session_id or ""):
        raise NotAllowed()
    return archive.prepare(actor, matter_id, via="portal")
