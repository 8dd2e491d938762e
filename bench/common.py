"""Shared set-up for benchmarks: a throw-away migrated database (SQLite file or PostgreSQL schema)."""
from __future__ import annotations

import contextlib
import os
import tempfile
import time
import uuid
from collections.abc import Iterator

import sqlalchemy as sa

from portal_app.services.kernel import db
from portal_app.services.kernel.settings import reset_settings
from tests.conftest import PG_URL, pg_available, upgrade_head


@contextlib.contextmanager
def database(kind: str) -> Iterator[str]:
    os.environ["PORTAL_ENV"] = "test"
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PORTAL_DATA_DIR"] = tmp
        if kind == "sqlite":
            url = f"sqlite:///{tmp}/bench.db"
            upgrade_head(url)
            yield url
        else:
            schema = f"b_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            admin = sa.create_engine(PG_URL)
            with admin.begin() as conn:
                conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
            try:
                url = f"{PG_URL}?options=-csearch_path%3D{schema}"
                upgrade_head(url)
                yield url
            finally:
                db.dispose_engines()
                with admin.begin() as conn:
                    conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        db.dispose_engines()
        reset_settings()


def kinds() -> list[str]:
    """The databases to measure on: BENCH_KINDS (python -m bench --kinds) or SQLite and, when it
    answers, PostgreSQL."""
    if os.environ.get("BENCH_KINDS"):
        return [k for k in os.environ["BENCH_KINDS"].split(",") if k]
    return ["sqlite"] + (["postgresql"] if pg_available() else [])


LABEL = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class StatementCounter:
    """Counts the SQL statements sent to the driver while it is active (a context manager)."""

    def __init__(self) -> None:
        self.count, self.inserted_into = 0, []  # the tables INSERT statements went to

    def _tick(self, _conn, _cursor, statement: str, *_args, **_kwargs) -> None:
        self.count += 1
        words = statement.split(None, 3)
        if len(words) > 2 and words[0].upper() == "INSERT":
            self.inserted_into.append(words[2].strip('"'))

    def __enter__(self) -> StatementCounter:
        sa.event.listen(db.get_engine(), "before_cursor_execute", self._tick)
        return self

    def __exit__(self, *_exc) -> None:
        sa.event.remove(db.get_engine(), "before_cursor_execute", self._tick)


def timed(fn, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start
