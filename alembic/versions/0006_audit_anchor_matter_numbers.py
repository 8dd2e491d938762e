"""audit events gain a keyed MAC and the id of the key that made it (the key is derived from the
master keys and never stored in the database); matter numbers come from a per-year counter row
(a year's first number follows the references already handed out, see matters/records.py).

Revision ID: 0006_audit_anchor
Revises: 0005_records_insights
Create Date: 2026-12-01 10:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0006_audit_anchor'
down_revision: Union[str, None] = '0005_records_insights'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): a batch rebuild of audit_event on SQLite would drop its
    # append-only triggers. Events written before this revision keep an empty MAC; `audit verify`
    # accepts them only where a signed checkpoint covers them.
    op.add_column('audit_event', sa.Column('mac', sa.String(length=64), nullable=False, server_default=''))
    op.add_column('audit_event', sa.Column('mac_key', sa.String(length=16), nullable=False, server_default=''))
    op.create_table('matter_number',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_matter_number'))
    )


def downgrade() -> None:
    op.drop_table('matter_number')
    op.drop_column('audit_event', 'mac_key')
    op.drop_column('audit_event', 'mac')
