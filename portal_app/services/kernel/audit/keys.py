"""The keys that sign the audit log, derived from the master keys (PORTAL_MASTER_KEYS) and never
stored anywhere: whoever can rewrite the database cannot forge an event's MAC or a checkpoint.

Each master key yields two HMAC-SHA256 keys by HKDF-SHA256 (one for events, one for checkpoints)
and a key id: the first 16 hex digits of a hash of the event key, which says which master key
signed without revealing anything about it. New events and checkpoints are signed with the newest
master key (the first one listed); any configured key verifies.

Rotation: put the new key first and run `keys rotate`, which also writes a checkpoint signed with
the new key. That checkpoint vouches, through the hash chain, for every event before it, so once
the old key is removed those events (whose MACs no configured key can check any more) still
verify: `audit verify` accepts an event it cannot check only if a valid checkpoint covers it.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from portal_app.services.kernel.settings import get_settings


@dataclass(frozen=True)
class _Key:
    key_id: str
    event_key: bytes
    checkpoint_key: bytes


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"immigration-portal audit",
                info=b"audit " + purpose).derive(master)


def _key(master_key: str) -> _Key:
    raw = base64.urlsafe_b64decode(master_key.encode("ascii"))
    event_key = _derive(raw, b"event mac v1")
    key_id = hashlib.sha256(b"audit key id\n" + event_key).hexdigest()[:16]
    return _Key(key_id, event_key, _derive(raw, b"checkpoint mac v1"))


def _mac(key: bytes, *parts: object) -> str:
    return hmac.new(key, "\n".join(str(p) for p in parts).encode("utf-8"), hashlib.sha256).hexdigest()


class AuditKeyring:
    def __init__(self, master_keys: tuple[str, ...]) -> None:
        if not master_keys:
            raise ValueError("the audit log needs at least one master key")
        self._keys = [_key(k) for k in master_keys]
        self._by_id = {k.key_id: k for k in self._keys}

    @property
    def newest_id(self) -> str:
        return self._keys[0].key_id

    def knows(self, key_id: str) -> bool:
        return key_id in self._by_id

    def sign_event(self, seq: int, entry_hash: str) -> tuple[str, str]:
        """(key id, MAC) for an event."""
        key = self._keys[0]
        return key.key_id, _mac(key.event_key, "event", seq, entry_hash)

    def event_ok(self, key_id: str, seq: int, entry_hash: str, mac: str) -> bool | None:
        """True or False; None when no configured key has that id (it cannot be checked)."""
        key = self._by_id.get(key_id)
        if key is None:
            return None
        return hmac.compare_digest(_mac(key.event_key, "event", seq, entry_hash), mac)

    def sign_checkpoint(self, seq: int, entry_hash: str, at: str) -> tuple[str, str]:
        key = self._keys[0]
        return key.key_id, _mac(key.checkpoint_key, "checkpoint", seq, entry_hash, at)

    def checkpoint_ok(self, key_id: str, seq: int, entry_hash: str, at: str, mac: str) -> bool | None:
        key = self._by_id.get(key_id)
        if key is None:
            return None
        return hmac.compare_digest(_mac(key.checkpoint_key, "checkpoint", seq, entry_hash, at), mac)


@lru_cache(maxsize=4)
def _keyring_for(master_keys: tuple[str, ...]) -> AuditKeyring:
    return AuditKeyring(master_keys)


def keyring() -> AuditKeyring:
    """The keyring for the configured master keys."""
    return _keyring_for(tuple(key.get_secret_value() for key in get_settings().master_keys))
