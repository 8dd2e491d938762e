"""Database engine and units of work. Services open them; pages and states never do.

`write()` is a transaction that commits on success and rolls back on any error (on SQLite it
takes the write lock up front with BEGIN IMMEDIATE, so read-then-write never races);
`read()` is a transaction that is always rolled back.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import Session

from portal_app.services.kernel import matter_progress  # noqa: F401  (its flush listener keeps the counts)
from portal_app.services.kernel.settings import get_settings

_engines: dict[str, sa.Engine] = {}


def _make_engine(url: str) -> sa.Engine:
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (pysqlite's is lazy)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def get_engine(url: str | None = None) -> sa.Engine:
    url = url or get_settings().database_url
    if url not in _engines:
        _engines[url] = _make_engine(url)
    return _engines[url]


def dispose_engines() -> None:
    for engine in _engines.values():
        engine.dispose()
    _engines.clear()


def is_sqlite() -> bool:
    return get_engine().dialect.name == "sqlite"


@contextmanager
def write() -> Iterator[Session]:
    engine = get_engine().execution_options(sqlite_begin="IMMEDIATE")
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def one_statement() -> Iterator[sa.Connection]:
    """For a write that is a single statement (atomic by itself): on PostgreSQL a connection in
    autocommit, so the statement commits as it runs, without the BEGIN and COMMIT round trips (a
    verified webhook's one insert: 1.0 -> 0.8 ms); on SQLite an ordinary write transaction."""
    if is_sqlite():
        with write() as session:
            yield session.connection()
    else:
        with get_engine().execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
            yield conn


@contextmanager
def read() -> Iterator[Session]:
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.expunge_all()  # loaded rows stay readable after the rollback below
            session.rollback()


def ping() -> bool:
    """True when the database answers a trivial query."""
    try:
        with get_engine().connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return False


def id_text(column) -> sa.ColumnElement[str]:
    """An id column read as the database's text (32 hex digits on SQLite, the canonical form on
    PostgreSQL): for lists of thousands of rows, where building a uuid.UUID per id cost more than
    the query (the checklist dashboard, the reminders pass)."""
    return sa.cast(column, sa.String)


def canonical_id(text: str | None) -> str:
    """An id read by id_text as it is written in URLs and everywhere else: 8-4-4-4-12, lower case."""
    if not text:
        return ""
    if len(text) == 32:
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}".lower()
    return text.lower()
