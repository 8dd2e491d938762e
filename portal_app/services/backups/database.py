"""The database part of a backup: a consistent dump, and loading it into an empty database.

PostgreSQL: `pg_dump --format=custom` (one snapshot, so the dump is consistent while the portal
keeps running) and `pg_restore --single-transaction` (all or nothing). SQLite: the online backup
API (also one consistent snapshot) and a plain copy into place.
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa

TIMEOUT_SECONDS = 3600


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead; the text says why, for the operator."""


def kind_of(url: str) -> str:
    if url.startswith("sqlite"):
        return "sqlite"
    if url.startswith("postgresql"):
        return "postgresql"
    raise BackupError(f"backups support SQLite and PostgreSQL, not {url.split(':', 1)[0]}")


def libpq_url(url: str) -> str:
    """SQLAlchemy's postgresql+psycopg://... as the libpq URI pg_dump and pg_restore take."""
    return "postgresql://" + url.split("://", 1)[1]


def sqlite_path(url: str) -> Path:
    return Path(urlsplit(url).path[1:] if url.startswith("sqlite:////") else url.split("sqlite:///", 1)[1])


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def dump(url: str, target: Path) -> str:
    """Write a consistent dump of the database to `target`; returns its kind."""
    kind = kind_of(url)
    if kind == "postgresql":
        done = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                               f"--file={target}", libpq_url(url)], capture_output=True, text=True,
                              timeout=TIMEOUT_SECONDS)
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()[-2000:]}")
        return kind
    source = sqlite3.connect(sqlite_path(url))
    try:
        copy = sqlite3.connect(target)
        with copy:
            source.backup(copy)
        copy.close()
    finally:
        source.close()
    return kind


def is_empty(url: str) -> bool:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return not sa.inspect(conn).get_table_names()
    finally:
        engine.dispose()


def load(kind: str, source: Path, url: str) -> None:
    """Load a dump into the (empty) database at `url`: all of it, or nothing."""
    if kind_of(url) != kind:
        raise BackupError(f"this backup is of a {kind} database; the portal is configured for {kind_of(url)}")
    if not is_empty(url):
        raise BackupError("the database to restore into is not empty: restore only into a new, empty database")
    if kind == "postgresql":
        done = subprocess.run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction",
                               "--exit-on-error", f"--dbname={libpq_url(url)}", str(source)],
                              capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()[-2000:]}")
        return
    path = sqlite_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, path)
