"""The tamper-evident audit log: the hash chain with its MACs (chain.py), the keys derived from
the master keys (keys.py) and the signed checkpoints of its head (checkpoints.py). Services use
`audit.record(...)`; `audit verify` and the checkpoint job use the rest."""
from portal_app.services.kernel.audit.chain import (
    GENESIS_HASH,
    SortedCheckpoints,
    VerifyResult,
    compute_hash,
    record,
    sort_checkpoints,
    timestamp,
    verify,
    verify_stored,
)

__all__ = ["GENESIS_HASH", "SortedCheckpoints", "VerifyResult", "compute_hash", "record", "sort_checkpoints",
           "timestamp", "verify", "verify_stored"]
