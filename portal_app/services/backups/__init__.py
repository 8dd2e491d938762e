"""Backups that restore: a consistent database dump, the encrypted objects, the settings a
restore needs (never the master keys) and a manifest of checksums; restore into an empty
database and bucket, then check what was restored."""
