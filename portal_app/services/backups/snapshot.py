"""`backup create` and `backup restore`.

A backup is a folder (keep it, or a tar of it, off this machine):
  database.dump | database.sqlite3   a consistent dump (one snapshot)
  objects/<key>                      every encrypted object, as stored (ciphertext only)
  settings.json                      the settings a restore needs, no secrets
  manifest.json                      sizes and SHA-256 of all of the above

The database is dumped first and the objects copied after: objects are written once under new
random keys and never changed, so every row in the dump finds its object in the folder (objects
added meanwhile are extra, and the orphan sweeper removes them after a restore). The master keys
are never written: the objects are useless without them, which is the point of keeping the two
apart.
"""
from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text
from sqlmodel import select

from models import DocumentVersion
from portal_app.services.backups import database
from portal_app.services.backups.database import BackupError
from portal_app.services.backups.manifest import Manifest, read_and_check
from portal_app.services.files.encryption import IntegrityError
from portal_app.services.files.storage import get_storage
from portal_app.services.files.store import keyring
from portal_app.services.kernel import audit, db
from portal_app.services.kernel.settings import get_settings

SETTINGS_KEPT = ("env", "public_url", "firm_name", "firm_logo", "firm_color", "firm_timezone", "storage_backend",
                 "s3_bucket", "s3_prefix", "s3_region", "s3_endpoint_url", "file_chunk_bytes", "mail_backend",
                 "mail_from", "max_request_bytes", "max_upload_bytes", "session_hours", "session_idle_minutes")


@dataclass(frozen=True)
class Restored:
    objects: int
    versions: int
    keys_open: int
    audit_events: int
    audit_ok: bool
    audit_problem: str


def _revision() -> str:
    with db.read() as s:
        return s.exec(text("SELECT version_num FROM alembic_version")).one()[0]


def _settings_file(folder: Path) -> Path:
    cfg = get_settings()
    path = folder / "settings.json"
    path.write_text(json.dumps({name: getattr(cfg, name) for name in SETTINGS_KEPT}, indent=1, default=str))
    return path


def create(folder: Path) -> Manifest:
    """Write a backup into `folder` (made here; it must not exist yet)."""
    cfg, storage = get_settings(), get_storage()
    folder.mkdir(parents=True, exist_ok=False)
    folder.chmod(0o700)
    kind = database.kind_of(cfg.database_url)
    dump = folder / ("database.dump" if kind == "postgresql" else "database.sqlite3")
    manifest = Manifest(created_at=datetime.now(timezone.utc).isoformat(), database_kind=kind,
                        schema_revision=_revision(), storage_backend=storage.name)
    database.dump(cfg.database_url, dump)
    manifest.add(folder, dump)
    for item in storage.items():
        target = folder / "objects" / item.key
        target.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.closing(storage.open(item.key)) as source, target.open("wb") as out:
            while piece := source.read(1024 * 1024):
                out.write(piece)
        manifest.add(folder, target)
        manifest.objects += 1
    manifest.add(folder, _settings_file(folder))
    manifest.write(folder)
    with db.write() as s:
        audit.record(s, "backup.created", object_type="backup", object_id=folder.name,
                     details={"database": kind, "objects": manifest.objects, "revision": manifest.schema_revision})
    return manifest


def _put_objects(folder: Path, manifest: Manifest) -> int:
    storage, count = get_storage(), 0
    if any(True for _ in storage.items()):
        raise BackupError("the storage to restore into already holds objects: use a new, empty bucket or folder")
    for name in sorted(manifest.files):
        if not name.startswith("objects/"):
            continue
        writer = storage.writer(name.removeprefix("objects/"))
        with (folder / name).open("rb") as source:
            while piece := source.read(8 * 1024 * 1024):
                writer.write(piece)
        writer.commit()
        count += 1
    return count


def check_restored() -> Restored:
    """Every version's object is there and its data key opens with the configured master keys;
    the audit chain verifies end to end."""
    storage, ring = get_storage(), keyring()
    present = {item.key for item in storage.items()}
    with db.read() as s:
        versions = s.exec(select(DocumentVersion.storage_key, DocumentVersion.wrapped_key)).all()
    missing = [key for key, _wrapped in versions if key not in present]
    if missing:
        raise BackupError(f"{len(missing)} stored files named by the database are not in the backup")
    opened = 0
    for _key, wrapped in versions:
        try:
            ring.unwrap(wrapped)
            opened += 1
        except IntegrityError:
            pass
    chain = audit.verify_stored()
    return Restored(len(present), len(versions), opened, chain.checked, chain.ok, chain.reason or "")


def restore(folder: Path) -> Restored:
    """Load a backup into the configured, empty database and storage, then check it."""
    manifest = read_and_check(folder)
    dump = folder / ("database.dump" if manifest.database_kind == "postgresql" else "database.sqlite3")
    database.load(manifest.database_kind, dump, get_settings().database_url)
    db.dispose_engines()
    _put_objects(folder, manifest)
    result = check_restored()
    if result.keys_open < result.versions:
        raise BackupError(f"only {result.keys_open} of {result.versions} files open with PORTAL_MASTER_KEYS: "
                          "configure the master keys the backup was made with")
    with db.write() as s:
        audit.record(s, "backup.restored", object_type="backup", object_id=folder.name,
                     details={"objects": result.objects, "created_at": manifest.created_at})
    return result
