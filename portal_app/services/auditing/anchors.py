"""Places outside the database where checkpoints of the audit chain are kept.

FileAnchor: one line per checkpoint appended (O_APPEND, fsync) to `audit-checkpoints.log` in
PORTAL_AUDIT_CHECKPOINT_DIR, a folder outside the data folder. Give the portal's OS user
append-only rights there (e.g. `chattr +a` on the file) and the database user none: a database
that was rewritten cannot rewrite its checkpoints. S3Anchor: one object per checkpoint under
S3 Object Lock (files/storage.py's LockedObjects), kept for the configured retention.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from portal_app.services.files.s3 import LockedObjects
from portal_app.services.files.storage import StorageError
from portal_app.services.kernel.audit import checkpoints as audit_checkpoints
from portal_app.services.kernel.audit.checkpoints import Checkpoint
from portal_app.services.kernel.settings import get_settings

FILE_NAME = "audit-checkpoints.log"
TAIL_BYTES = 64 * 1024
S3_NEWEST = 50  # checkpoints read back from S3 (newest first); the newest valid one is what counts


class Anchor(Protocol):
    name: str

    def append(self, checkpoint: Checkpoint) -> str: ...
    def read(self, newest_only: bool = False) -> tuple[list[Checkpoint], list[str]]: ...


class FileAnchor:
    def __init__(self, folder: Path) -> None:
        self.path = folder / FILE_NAME
        self.name = str(self.path)

    def append(self, checkpoint: Checkpoint) -> str:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (audit_checkpoints.to_line(checkpoint) + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        return "appended"

    def read(self, newest_only: bool = False) -> tuple[list[Checkpoint], list[str]]:
        """The checkpoints in the file, and notes on lines that are not checkpoints."""
        if not self.path.exists():
            return [], []
        with open(self.path, "rb") as fh:
            start = 0
            if newest_only:
                start = max(0, fh.seek(0, os.SEEK_END) - TAIL_BYTES)
            fh.seek(start)
            lines = fh.read().decode("utf-8", "replace").splitlines()
        if start:
            lines = lines[1:]  # the first line of a tail may be cut
        found, notes = [], []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                found.append(audit_checkpoints.from_line(line, f"{self.path} line {number}" if not start else str(self.path)))
            except ValueError:
                notes.append(f"{self.path} line {number} is not a checkpoint (ignored)")
        return found, notes


class S3Anchor:
    def __init__(self, objects: LockedObjects, retain: timedelta) -> None:
        self.objects, self.retain = objects, retain
        self.name = f"s3://{objects.bucket}/{objects.prefix}"

    def append(self, checkpoint: Checkpoint) -> str:
        name = f"{checkpoint.seq:012d}-{checkpoint.at.strftime('%Y%m%dT%H%M%S%fZ')}.json"
        locked = self.objects.put(name, audit_checkpoints.to_line(checkpoint).encode("utf-8"),
                                  checkpoint.at + self.retain)
        return "stored under object lock" if locked else "stored WITHOUT object lock (the bucket has none)"

    def read(self, newest_only: bool = False) -> tuple[list[Checkpoint], list[str]]:
        versions = self.objects.versions()[-(5 if newest_only else S3_NEWEST):]
        found, notes = [], []
        for name, version in versions:
            source = f"{self.name}/{name}"
            try:
                found.append(audit_checkpoints.from_line(self.objects.get(name, version).decode("utf-8"), source))
            except (ValueError, UnicodeDecodeError):
                notes.append(f"{source} is not a checkpoint (ignored)")
        return found, notes


def configured() -> list[Anchor]:
    cfg = get_settings()
    anchors: list[Anchor] = []
    if cfg.audit.checkpoint_dir is not None:
        anchors.append(FileAnchor(cfg.audit.checkpoint_dir))
    if cfg.audit.s3_bucket:
        objects = LockedObjects(bucket=cfg.audit.s3_bucket, prefix=cfg.audit.s3_prefix, region=cfg.s3_region,
                                endpoint_url=cfg.s3_endpoint_url)
        anchors.append(S3Anchor(objects, timedelta(days=cfg.audit.retain_days)))
    return anchors


def read_all(anchors: list[Anchor], newest_only: bool = False) -> tuple[list[Checkpoint], list[str]]:
    """Every checkpoint the anchors hold, and notes (unreadable lines, an anchor that did not answer)."""
    found, notes = [], []
    for anchor in anchors:
        try:
            checkpoints, more = anchor.read(newest_only)
        except (OSError, StorageError) as exc:
            notes.append(f"{anchor.name} could not be read: {exc}")
            continue
        found += checkpoints
        notes += more
    return found, notes
