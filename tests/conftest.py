"""Shared fixtures.

Every test gets its own data folder and settings. Tests that touch the database ask for
`portal_db`: a fresh database built by `alembic upgrade head` once per run and reset per test.
PORTAL_TEST_DB picks the engine: "sqlite" (default) or "postgresql" (the server at
127.0.0.1:5432, database `test`, each run in its own schema). When no PostgreSQL server
answers, the PostgreSQL run skips and says so.
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal_app.services.kernel import db as portal_db_module
from portal_app.services.kernel.settings import reset_settings

ROOT = Path(__file__).resolve().parents[1]
TEST_DB = os.environ.get("PORTAL_TEST_DB", "sqlite")
PG_URL = os.environ.get("PORTAL_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
KEEP_TABLES = {"role", "alembic_version"}
# Tests, benchmarks and the migrations check never read a developer's .env (the settings tests
# that exercise .env files point PORTAL_ENV_FILE at their own).
os.environ["PORTAL_ENV_FILE"] = ""


def pg_available() -> bool:
    try:
        engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001
        return False


def upgrade_head(url: str) -> None:
    from alembic.config import Config

    from alembic import command

    os.environ["PORTAL_DATABASE_URL"] = url
    reset_settings()
    command.upgrade(Config(str(ROOT / "alembic.ini")), "head")
    portal_db_module.dispose_engines()


@pytest.fixture(autouse=True)
def portal_env(tmp_path, monkeypatch):
    """A private data folder and test settings for every test."""
    monkeypatch.setenv("PORTAL_ENV", "test")
    monkeypatch.setenv("PORTAL_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("PORTAL_DATABASE_URL", raising=False)
    reset_settings()
    yield
    portal_db_module.dispose_engines()
    reset_settings()


@pytest.fixture(scope="session")
def schema_template(tmp_path_factory):
    saved = os.environ.get("PORTAL_DATABASE_URL")
    if TEST_DB == "sqlite":
        path = tmp_path_factory.mktemp("schema") / "template.db"
        upgrade_head(f"sqlite:///{path}")
        yield {"kind": "sqlite", "path": path}
    elif TEST_DB == "postgresql":
        if not pg_available():
            pytest.skip(f"no PostgreSQL server answers at {PG_URL}: the PostgreSQL run is skipped")
        schema = f"t_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = sa.create_engine(PG_URL)
        with admin.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
        upgrade_head(url)
        yield {"kind": "postgresql", "url": url, "schema": schema}
        portal_db_module.dispose_engines()
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
        admin.dispose()
    else:
        raise ValueError(f"PORTAL_TEST_DB must be sqlite or postgresql, not {TEST_DB!r}")
    if saved is None:
        os.environ.pop("PORTAL_DATABASE_URL", None)


def _reset_postgres(url: str) -> None:
    engine = portal_db_module.get_engine(url)
    with engine.begin() as conn:
        names = [t for t in sa.inspect(conn).get_table_names() if t not in KEEP_TABLES]
        conn.exec_driver_sql("SET session_replication_role = replica")  # lets TRUNCATE pass the audit trigger
        conn.exec_driver_sql("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " CASCADE")
        conn.exec_driver_sql("SET session_replication_role = DEFAULT")
        conn.exec_driver_sql("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change")  # tests that attack it
        conn.exec_driver_sql("INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, repeat('0', 64))")


@pytest.fixture
def portal_db(schema_template, tmp_path, monkeypatch):
    """A fresh, migrated, empty database for this test; returns its URL."""
    if schema_template["kind"] == "sqlite":
        path = tmp_path / "portal.db"
        shutil.copy(schema_template["path"], path)
        url = f"sqlite:///{path}"
    else:
        url = schema_template["url"]
        _reset_postgres(url)
    monkeypatch.setenv("PORTAL_DATABASE_URL", url)
    reset_settings()
    yield url
    portal_db_module.dispose_engines()
