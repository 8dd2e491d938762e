"""Signed checkpoints of the audit chain's head: (seq, hash, time) with a MAC from a key derived
from the master keys (keys.py). Exported regularly to places the database user cannot
rewrite (services/auditing/anchors.py); `audit verify` compares the chain with them, which is how
a deleted tail or a wiped and restarted chain is caught even when the chain head was rewritten
to match.

One checkpoint is one line of JSON, so a file of them can be append-only:
{"at": "2026-12-01T15:00:00.000000Z", "hash": "<64 hex>", "key": "<key id>", "mac": "<64 hex>", "seq": 1060}
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from portal_app.services.kernel.audit.keys import AuditKeyring, keyring
from portal_app.services.kernel.localtime import local

_AT = "%Y-%m-%dT%H:%M:%S.%fZ"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    entry_hash: str
    at: datetime
    key_id: str
    mac: str
    source: str = ""  # where it was read from, for messages

    @property
    def at_text(self) -> str:
        return self.at.astimezone(timezone.utc).strftime(_AT)

    @property
    def when(self) -> str:
        """The checkpoint's time for a person: the firm's zone, to the minute."""
        return local(self.at, None).strftime("%Y-%m-%d %H:%M %Z")


def make(seq: int, entry_hash: str, at: datetime) -> Checkpoint:
    """A checkpoint signed with the newest master key."""
    at = at.astimezone(timezone.utc)
    key_id, mac = keyring().sign_checkpoint(seq, entry_hash, at.strftime(_AT))
    return Checkpoint(seq, entry_hash, at, key_id, mac)


def to_line(checkpoint: Checkpoint) -> str:
    return json.dumps({"at": checkpoint.at_text, "hash": checkpoint.entry_hash, "key": checkpoint.key_id,
                       "mac": checkpoint.mac, "seq": checkpoint.seq}, sort_keys=True, separators=(", ", ": "))


def from_line(text: str, source: str = "") -> Checkpoint:
    """Parse one line; ValueError when it is not a checkpoint at all."""
    try:
        data = json.loads(text)
        at = datetime.strptime(data["at"], _AT).replace(tzinfo=timezone.utc)
        seq, entry_hash, key_id, mac = int(data["seq"]), str(data["hash"]), str(data["key"]), str(data["mac"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"not a checkpoint: {exc}") from None
    if seq < 0 or len(entry_hash) != 64:
        raise ValueError("not a checkpoint: bad sequence number or hash")
    return Checkpoint(seq, entry_hash, at, key_id, mac, source)


def signature_ok(checkpoint: Checkpoint, ring: AuditKeyring | None = None) -> bool | None:
    """True or False; None when it was signed with a key that is no longer configured."""
    ring = ring or keyring()
    return ring.checkpoint_ok(checkpoint.key_id, checkpoint.seq, checkpoint.entry_hash, checkpoint.at_text,
                              checkpoint.mac)
