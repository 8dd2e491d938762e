"""Set-based writes shared by the background jobs (the same statement on SQLite and PostgreSQL)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


def insert_ignoring_duplicates(s: Session, table: sa.Table, rows: list[dict], unique: list[str]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING for many rows at once; returns how many were new."""
    if not rows:
        return 0
    result = s.execute(_insert(s, table).on_conflict_do_nothing(index_elements=unique), rows)
    return max(result.rowcount or 0, 0)


def insert_once(s: Session | sa.Connection, table: sa.Table, row: dict, unique: list[str]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING for one row; True when this call inserted it. Told by
    RETURNING: the row count of such an insert is not reliable on every driver (psycopg said 0)."""
    returned = s.execute(_insert(s, table).values(**row).on_conflict_do_nothing(index_elements=unique)
                         .returning(*table.primary_key.columns)).first()
    return returned is not None


def _insert(s: Session | sa.Connection, table: sa.Table):
    dialect = s.dialect if isinstance(s, sa.Connection) else s.get_bind().dialect
    return (postgresql.insert if dialect.name == "postgresql" else sqlite.insert)(table)
