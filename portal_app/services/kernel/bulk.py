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
