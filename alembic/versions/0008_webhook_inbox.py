"""The verified-webhook inbox: a provider event is stored when it arrives (one insert, unique on
its id) and posted to the books afterwards by the inbox; these columns say where it stands. Rows
stored before this migration were posted with their effect, so they are 'applied'.

Revision ID: 0008_webhook_inbox
Revises: 0007_identity
Create Date: 2026-12-01 16:30:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa



revision: str = '0008_webhook_inbox'
down_revision: Union[str, None] = '0008_onboarding'  # chained after 0008_onboarding at the merge
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('provider_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), nullable=False, server_default='applied'))
        batch_op.add_column(sa.Column('account', sa.String(length=16), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('event_created_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_error', sa.String(length=300), nullable=False, server_default=''))
        batch_op.create_index('ix_provider_event_open', ['status', 'next_attempt_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('provider_event', schema=None) as batch_op:
        batch_op.drop_index('ix_provider_event_open')
        for column in ('last_error', 'processed_at', 'next_attempt_at', 'attempts', 'event_created_at', 'account',
                       'status'):
            batch_op.drop_column(column)
