"""Alembic environment wired to the SQLModel metadata and the portal's settings.

compare_type=True catches column-type drift; batch mode lets SQLite alter tables; the naming
convention on the metadata gives every constraint a stable name.
"""
from __future__ import annotations

from sqlmodel.sql.sqltypes import AutoString

import models
from alembic import context
from models.base import UTCDateTime
from portal_app.services.kernel.db import get_engine

target_metadata = models.metadata


def render_item(type_, obj, autogen_context):
    """Write plain SQLAlchemy types into migrations, so they never import our models."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    return False


def _configure(**kwargs) -> None:
    context.configure(
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=True,
        render_item=render_item,
        **kwargs,
    )


def run_offline() -> None:
    _configure(url=str(get_engine().url), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connectable = context.config.attributes.get("connection")
    if connectable is not None:
        _configure(connection=connectable)
        with context.begin_transaction():
            context.run_migrations()
        return
    with get_engine().connect() as connection:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
