"""The audit chain against its anchors.

`write_checkpoint` (the `audit.checkpoint` job every 10 minutes, `audit checkpoint`, and `keys
rotate`) first verifies the events since the previous checkpoint, then signs the head (seq, hash,
time) with the newest master key and appends it to every configured anchor. A chain that does not
verify is never checkpointed: the job fails loudly instead, and admins see it on the jobs page.
`verify_all` (`audit verify`) walks the whole chain and compares it with every checkpoint found.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import func, select

from models import AuditEvent
from portal_app.services.auditing import anchors as anchor_places
from portal_app.services.kernel import audit, db
from portal_app.services.kernel.audit import checkpoints as audit_checkpoints
from portal_app.services.kernel.audit.keys import keyring

log = logging.getLogger("portal.audit")


class ChainBroken(RuntimeError):
    """The chain does not verify, so no checkpoint was written."""


def _previous(places) -> tuple[audit_checkpoints.Checkpoint | None, bool]:
    """The newest checkpoint a configured key signed (the starting point), and whether any
    checkpoint exists at all. Reads the newest ones first, everything only when those do not do."""
    for newest_only in (True, False):
        found, _notes = anchor_places.read_all(places, newest_only=newest_only)
        sorted_ = audit.sort_checkpoints(found)
        if sorted_.forged:
            raise ChainBroken(f"not checkpointed: the checkpoint in {sorted_.forged[0].source} was altered")
        if sorted_.valid:
            return max(sorted_.valid, key=lambda c: (c.seq, c.at)), True
    return None, bool(found)


def write_checkpoint(now: datetime, *, force: bool = False) -> dict:
    """Verify what is new since the last checkpoint, then sign the head and export it everywhere.
    Only the very first checkpoint (none anywhere yet) vouches for events nobody signed."""
    places = anchor_places.configured()
    if not places:
        return {"anchors": 0}
    previous, any_found = _previous(places)
    with db.read() as s:
        result = audit.verify(s, [previous] if previous else [], start=previous, allow_unsigned=not any_found)
    if not result.ok:
        log.error("audit chain does not verify, no checkpoint written: %s", result.reason)
        raise ChainBroken(f"not checkpointed: {result.reason}")
    seq, entry_hash = result.head
    if seq == 0:
        return {"empty": 1}
    unchanged = previous is not None and (previous.seq, previous.entry_hash) == (seq, entry_hash)
    if unchanged and previous.key_id == keyring().newest_id and not force:
        return {"unchanged": 1}
    checkpoint = audit_checkpoints.make(seq, entry_hash, now)
    written = _export(places, checkpoint)
    return {"seq": seq, "checked": result.checked, "anchors": written}


def _export(places, checkpoint) -> int:
    written, failures = 0, []
    for place in places:
        try:
            outcome = place.append(checkpoint)
            written += 1
            log.info("audit checkpoint #%s %s at %s", checkpoint.seq, outcome, place.name)
        except Exception as exc:  # noqa: BLE001 - one anchor down must not stop the others
            failures.append(f"{place.name}: {exc}")
    if failures and not written:
        raise RuntimeError("no audit checkpoint could be written: " + "; ".join(failures))
    for failure in failures:
        log.error("audit checkpoint not written to %s", failure)
    return written


@dataclass(frozen=True)
class Report:
    result: audit.VerifyResult
    anchors: list[str]
    notes: list[str] = field(default_factory=list)


def verify_all() -> Report:
    """Walk the whole chain and compare it with every checkpoint the anchors hold."""
    places = anchor_places.configured()
    found, notes = anchor_places.read_all(places)
    with db.read() as s:
        result = audit.verify(s, found)
    if not places:
        notes.append("no checkpoint destination is configured (PORTAL_AUDIT_CHECKPOINT_DIR or "
                     "PORTAL_AUDIT_CHECKPOINT_S3_BUCKET): deleting the newest events cannot be detected")
    elif not found:
        notes.append("no checkpoint has been written yet (the audit.checkpoint job writes one every 10 minutes; "
                     "`audit checkpoint` writes one now)")
    return Report(result, [p.name for p in places], notes + list(result.notes))


@dataclass(frozen=True)
class RotationStatus:
    events_on_other_keys: int  # events signed with an older master key, or not signed at all
    last_on_other_keys: int  # the newest of them (seq)
    covered_to: int  # the newest checkpoint signed with the newest key covers events up to here


def rotation_status() -> RotationStatus:
    """Whether removing every master key but the newest leaves the audit log verifiable."""
    newest = keyring().newest_id
    found, _notes = anchor_places.read_all(anchor_places.configured())
    covered = max((c.seq for c in audit.sort_checkpoints(found).valid if c.key_id == newest), default=0)
    with db.read() as s:
        count, last = s.exec(select(func.count(), func.max(AuditEvent.seq)).where(AuditEvent.mac_key != newest)).one()
    return RotationStatus(int(count or 0), int(last or 0), covered)
