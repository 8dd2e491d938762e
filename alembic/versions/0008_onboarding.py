"""onboarding (issue 12 item 6): one row per client user for the getting-started mail sequence
their invitation starts (its steps are reminder items) and the dismissed "next steps" card.

Revision ID: 0008_onboarding
Revises: 0007_identity
Create Date: 2026-12-01 16:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa



revision: str = '0008_onboarding'
down_revision: Union[str, None] = '0008_task_links'  # chained after 0008_task_links at the merge
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('onboarding',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stopped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stop_reason', sa.String(length=24), nullable=False),
    sa.Column('stopped_by_id', sa.Uuid(), nullable=True),
    sa.Column('next_steps_dismissed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['stopped_by_id'], ['user.id'], name=op.f('fk_onboarding_stopped_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_onboarding_user_id_user')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_onboarding'))
    )
    op.create_index(op.f('ix_onboarding_status'), 'onboarding', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_onboarding_status'), table_name='onboarding')
    op.drop_table('onboarding')
