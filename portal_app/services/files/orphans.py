"""Encrypted objects that no database row names, swept after a grace period.

A process killed between finishing an object and committing its DocumentVersion row (kill -9,
the OOM killer, a power cut) leaves ciphertext that nothing will ever read; a multipart upload
cut off mid-file leaves parts on S3, and a local write leaves a `.part` file. Nothing of the sort
is ever a client's only copy: an upload that did not commit was never confirmed to them.

The sweep lists storage first and reads the rows second, so an object whose row commits in
between is seen as known; the grace period (PORTAL_ORPHAN_GRACE_HOURS, 24 by default) is far
longer than any upload, so an upload still in flight is never touched. Only names in our own key
format are considered, so other objects in a shared bucket are left alone.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select

from models import DocumentVersion
from portal_app.services.files.storage import get_storage
from portal_app.services.kernel import audit, db
from portal_app.services.kernel.settings import get_settings


def sweep(now: datetime, grace: timedelta | None = None) -> dict:
    """Remove finished objects older than the grace period that no row names, and abort stale writes."""
    grace = grace if grace is not None else timedelta(hours=get_settings().orphan_grace_hours)
    cutoff, storage = now - grace, get_storage()
    candidates = {item.key: item.size for item in storage.items() if item.modified < cutoff}
    with db.read() as s:
        known = set(s.exec(select(DocumentVersion.storage_key)).all()) if candidates else set()
    orphans = sorted(set(candidates) - known)
    for key in orphans:
        storage.delete(key)
    aborted = storage.abort_stale_writes(cutoff)
    if orphans or aborted:
        with db.write() as s:
            audit.record(s, "files.orphans_swept", object_type="storage", object_id=storage.name,
                         details={"removed": len(orphans), "bytes": sum(candidates[k] for k in orphans),
                                  "stale_writes_aborted": aborted, "grace_hours": grace.total_seconds() / 3600})
    return {"removed": len(orphans), "aborted": aborted}
