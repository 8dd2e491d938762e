"""records and insights (issue 13): retention policies, legal holds, retention reviews, matter tags
(the pilot cohort); matters gain the time they were filed, document versions the time retention
deleted them.

Revision ID: 0005_records_insights
Revises: 0004
Create Date: 2026-12-01 09:41:20.073079
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0005_records_insights'
down_revision: Union[str, None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('retention_policy',
    sa.Column('scope', sa.String(length=32), nullable=False),
    sa.Column('keep_months', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_retention_policy_updated_by_id_user')),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_retention_policy'))
    )
    op.create_table('legal_hold',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('matter_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('placed_by_id', sa.Uuid(), nullable=True),
    sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('released_by_id', sa.Uuid(), nullable=True),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('release_reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], name=op.f('fk_legal_hold_matter_id_matter')),
    sa.ForeignKeyConstraint(['placed_by_id'], ['user.id'], name=op.f('fk_legal_hold_placed_by_id_user')),
    sa.ForeignKeyConstraint(['released_by_id'], ['user.id'], name=op.f('fk_legal_hold_released_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_hold'))
    )
    with op.batch_alter_table('legal_hold', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_hold_matter_id'), ['matter_id'], unique=False)

    op.create_table('matter_tag',
    sa.Column('matter_id', sa.Uuid(), nullable=False),
    sa.Column('tag', sa.String(length=32), nullable=False),
    sa.Column('added_by_id', sa.Uuid(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], name=op.f('fk_matter_tag_added_by_id_user')),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], name=op.f('fk_matter_tag_matter_id_matter')),
    sa.PrimaryKeyConstraint('matter_id', 'tag', name=op.f('pk_matter_tag'))
    )
    with op.batch_alter_table('matter_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_tag_tag'), ['tag'], unique=False)

    op.create_table('retention_review',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('matter_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('policy_scope', sa.String(length=32), nullable=False),
    sa.Column('keep_months', sa.Integer(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('files_due', sa.Integer(), nullable=False),
    sa.Column('bytes_due', sa.Integer(), nullable=False),
    sa.Column('listed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Uuid(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approval_seq', sa.Integer(), nullable=True),
    sa.Column('certificate_seq', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_retention_review_decided_by_id_user')),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], name=op.f('fk_retention_review_matter_id_matter')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_review'))
    )
    with op.batch_alter_table('retention_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retention_review_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_retention_review_status'), ['status'], unique=False)

    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shredded_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('matter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('filed_at', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('matter', schema=None) as batch_op:
        batch_op.drop_column('filed_at')

    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.drop_column('shredded_at')

    with op.batch_alter_table('retention_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retention_review_status'))
        batch_op.drop_index(batch_op.f('ix_retention_review_matter_id'))

    op.drop_table('retention_review')
    with op.batch_alter_table('matter_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_tag_tag'))

    op.drop_table('matter_tag')
    with op.batch_alter_table('legal_hold', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legal_hold_matter_id'))

    op.drop_table('legal_hold')
    op.drop_table('retention_policy')
