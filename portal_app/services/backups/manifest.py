"""The manifest of a backup folder: what each file is, its size and SHA-256, and what a restore
needs that is not in the folder (the master keys, by name only)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from portal_app.services.backups.database import BackupError

FORMAT = 1
NAME = "manifest.json"
NEEDED_ELSEWHERE = ["PORTAL_MASTER_KEYS", "PORTAL_SECRET_KEY", "STRIPE_*", "PORTAL_SMTP_PASSWORD",
                    "PORTAL_USCIS_CLIENT_SECRET", "AWS credentials"]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while piece := fh.read(1024 * 1024):
            digest.update(piece)
    return digest.hexdigest()


@dataclass
class Manifest:
    created_at: str
    database_kind: str
    schema_revision: str
    storage_backend: str
    files: dict[str, dict] = field(default_factory=dict)  # relative path -> {"size", "sha256"}
    objects: int = 0
    format: int = FORMAT
    needed_from_elsewhere: list[str] = field(default_factory=lambda: list(NEEDED_ELSEWHERE))

    def add(self, folder: Path, path: Path) -> None:
        self.files[str(path.relative_to(folder))] = {"size": path.stat().st_size, "sha256": sha256_of(path)}

    def write(self, folder: Path) -> Path:
        path = folder / NAME
        path.write_text(json.dumps(asdict(self), indent=1, sort_keys=True))
        return path


def read_and_check(folder: Path) -> Manifest:
    """The manifest, after checking every file it lists against its size and checksum."""
    path = folder / NAME
    if not path.is_file():
        raise BackupError(f"{folder} holds no {NAME}: it is not a portal backup")
    data = json.loads(path.read_text())
    if data.get("format") != FORMAT:
        raise BackupError(f"this backup has format {data.get('format')}; this portal reads format {FORMAT}")
    manifest = Manifest(**data)
    for name, expected in manifest.files.items():
        item = folder / name
        if not item.is_file():
            raise BackupError(f"{name} is missing from the backup")
        if item.stat().st_size != expected["size"] or sha256_of(item) != expected["sha256"]:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged")
    return manifest
