"""Checking an export later (`python -m portal_app.cli audit verify-export FILE.zip`): every entry
matches its manifest line; every audit event in it recomputes to its own hash; and the firm's
chain still verifies and holds those very hashes at those positions."""
from __future__ import annotations

import hashlib
import json
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from models import AuditEvent
from portal_app.services.kernel import audit, db


@dataclass(frozen=True)
class ExportCheck:
    ok: bool
    entries: int
    events: int
    problems: list[str] = field(default_factory=list)


def _manifest_problems(z: zipfile.ZipFile) -> tuple[int, list[str]]:
    lines = z.read("manifest.sha256").decode("utf-8").splitlines()
    problems = []
    for line in lines:
        digest, path = line.split("  ", 1)
        sha = hashlib.sha256()
        with z.open(path) as fh:
            for piece in iter(lambda: fh.read(1024 * 1024), b""):
                sha.update(piece)
        if sha.hexdigest() != digest:
            problems.append(f"{path}: does not match the manifest")
    listed = {line.split("  ", 1)[1] for line in lines} | {"manifest.sha256"}
    problems += [f"{name}: not in the manifest" for name in z.namelist() if name not in listed]
    return len(lines), problems


def event_from_json(row: dict) -> AuditEvent:
    return AuditEvent(
        seq=row["seq"], occurred_at=datetime.strptime(row["occurred_at"], "%Y-%m-%dT%H:%M:%S.%fZ"),
        actor_id=uuid.UUID(row["actor_id"]) if row["actor_id"] else None, actor_role=row["actor_role"],
        action=row["action"], object_type=row["object_type"], object_id=row["object_id"],
        matter_id=uuid.UUID(row["matter_id"]) if row["matter_id"] else None, ip=row["ip"], details=row["details"],
        prev_hash=row["prev_hash"], entry_hash=row["entry_hash"])


def verify_export(path: str) -> ExportCheck:
    with zipfile.ZipFile(path) as z:
        entries, problems = _manifest_problems(z)
        rows = [json.loads(line) for line in z.read("audit/events.jsonl").decode("utf-8").splitlines() if line]
    for row in rows:
        if audit.compute_hash(row["prev_hash"], event_from_json(row)) != row["entry_hash"]:
            problems.append(f"audit event {row['seq']}: does not recompute to its hash")
    with db.read() as s:
        chain = audit.verify(s)
        if not chain.ok:
            problems.append(f"the audit chain is broken at event {chain.first_bad_seq}: {chain.reason}")
        for row in rows:
            live = s.get(AuditEvent, row["seq"])
            if live is None or live.entry_hash != row["entry_hash"]:
                problems.append(f"audit event {row['seq']}: not in the firm's chain as exported")
    return ExportCheck(not problems, entries, len(rows), problems)
