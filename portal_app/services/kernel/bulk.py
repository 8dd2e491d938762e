"""Set-based writes shared by the background jobs (the same statement on SQLite and PostgreSQL)."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


def insert_ignoring_duplicates(s: Session, table: sa.Table, rows: list[dict], unique: list[str]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING for many rows at once; returns how many were new."""
    if not rows:
        return 0
    dialect = s.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    result = s.execute(insert.on_conflict_do_nothing(index_elements=unique), rows)
    return max(result.rowcount or 0, 0)


def insert_one_ignoring_duplicate(s: Session, table: sa.Table, row: dict, unique: list[str]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING for one row (one statement); True when it was new
    (PostgreSQL's driver reports no rowcount for it, so the returned row tells)."""
    dialect = s.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    statement = insert.values(**row).on_conflict_do_nothing(index_elements=unique).returning(*table.primary_key.columns)
    return s.execute(statement).first() is not None
