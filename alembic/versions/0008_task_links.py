"""One-tap task links from reminder mails (issue 12 item 5): the link (hashed token, one person,
one matter, one task, expiry, revocation) and the limited session it opens (auth_session.task_link_id).

Revision ID: 0008_task_links
Revises: 0007_identity
Create Date: 2026-12-01 16:08:22
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0008_task_links'
down_revision: Union[str, None] = '0008_engagement'  # chained after 0008_engagement at the merge
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('task_link',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('matter_id', sa.Uuid(), nullable=False),
    sa.Column('object_id', sa.Uuid(), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('use_count', sa.Integer(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_reason', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_task_link_created_by_id_user')),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], name=op.f('fk_task_link_matter_id_matter')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_task_link_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_link')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_task_link_token_hash'))
    )
    with op.batch_alter_table('task_link', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_link_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_link_object_id'), ['object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_link_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('task_link_id', sa.Uuid(), nullable=True))
        batch_op.create_index(batch_op.f('ix_auth_session_task_link_id'), ['task_link_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_auth_session_task_link_id_task_link'), 'task_link', ['task_link_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('auth_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_auth_session_task_link_id_task_link'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_auth_session_task_link_id'))
        batch_op.drop_column('task_link_id')

    with op.batch_alter_table('task_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_link_user_id'))
        batch_op.drop_index(batch_op.f('ix_task_link_object_id'))
        batch_op.drop_index(batch_op.f('ix_task_link_matter_id'))

    op.drop_table('task_link')
