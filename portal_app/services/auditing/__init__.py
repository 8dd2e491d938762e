"""Anchoring the audit log outside the database: signed checkpoints of the chain's head exported
to an append-only file and/or S3 under Object Lock, and the verification that compares the chain
with them (`audit verify`, `audit checkpoint`, the `audit.checkpoint` job)."""
