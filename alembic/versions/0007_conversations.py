"""Secure messages per matter (threads, messages, attachments, read marks) and support requests
with routing and an SLA per topic; a task may stand on no matter (an overdue support request).

Revision ID: 0007_conversations
Revises: 0006_audit_anchor
Create Date: 2026-12-01 12:49:02.903330
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0007_conversations'
down_revision: Union[str, None] = '0006_audit_anchor'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('support_request',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('reference', sa.String(length=16), nullable=False),
    sa.Column('topic', sa.String(length=16), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('assignee_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overdue_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('storage_key', sa.String(length=128), nullable=True),
    sa.Column('wrapped_key', sa.String(length=512), nullable=True),
    sa.Column('chunk_size', sa.Integer(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('content_type', sa.String(length=100), nullable=True),
    sa.Column('attachment_name', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['user.id'], name=op.f('fk_support_request_assignee_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_support_request_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_request')),
    sa.UniqueConstraint('reference', name=op.f('uq_support_request_reference'))
    )
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_support_request_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_request_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_request_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_request_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_request_topic'), ['topic'], unique=False)
        batch_op.create_index(batch_op.f('ix_support_request_user_id'), ['user_id'], unique=False)

    op.create_table('support_topic',
    sa.Column('topic', sa.String(length=16), nullable=False),
    sa.Column('assignee_id', sa.Uuid(), nullable=True),
    sa.Column('sla_hours', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['user.id'], name=op.f('fk_support_topic_assignee_id_user')),
    sa.PrimaryKeyConstraint('topic', name=op.f('pk_support_topic'))
    )
    op.create_table('message_thread',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('matter_id', sa.Uuid(), nullable=False),
    sa.Column('needs_reply', sa.Boolean(), nullable=False),
    sa.Column('assignee_id', sa.Uuid(), nullable=True),
    sa.Column('last_message_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['user.id'], name=op.f('fk_message_thread_assignee_id_user')),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], name=op.f('fk_message_thread_matter_id_matter')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_thread')),
    sa.UniqueConstraint('matter_id', name=op.f('uq_message_thread_matter_id'))
    )
    with op.batch_alter_table('message_thread', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_thread_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_thread_needs_reply'), ['needs_reply'], unique=False)

    op.create_table('message',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('thread_id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_message_author_id_user')),
    sa.ForeignKeyConstraint(['thread_id'], ['message_thread.id'], name=op.f('fk_message_thread_id_message_thread')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message'))
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_thread_id'), ['thread_id'], unique=False)

    op.create_table('thread_read',
    sa.Column('thread_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('last_read_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['message_thread.id'], name=op.f('fk_thread_read_thread_id_message_thread')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_thread_read_user_id_user')),
    sa.PrimaryKeyConstraint('thread_id', 'user_id', name=op.f('pk_thread_read'))
    )
    op.create_table('message_attachment',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('thread_id', sa.Uuid(), nullable=False),
    sa.Column('message_id', sa.Uuid(), nullable=True),
    sa.Column('version_id', sa.Uuid(), nullable=False),
    sa.Column('uploaded_by_id', sa.Uuid(), nullable=False),
    sa.Column('filed_request_id', sa.Uuid(), nullable=True),
    sa.Column('filed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['filed_request_id'], ['document_request.id'], name=op.f('fk_message_attachment_filed_request_id_document_request')),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_message_attachment_message_id_message')),
    sa.ForeignKeyConstraint(['thread_id'], ['message_thread.id'], name=op.f('fk_message_attachment_thread_id_message_thread')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_message_attachment_uploaded_by_id_user')),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], name=op.f('fk_message_attachment_version_id_document_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_attachment')),
    sa.UniqueConstraint('version_id', name=op.f('uq_message_attachment_version_id'))
    )
    with op.batch_alter_table('message_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_attachment_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_message_attachment_thread_id'), ['thread_id'], unique=False)

    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.alter_column('matter_id',
               existing_type=sa.Uuid(),
               nullable=True)



def downgrade() -> None:
    op.execute("DELETE FROM task WHERE matter_id IS NULL")
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.alter_column('matter_id',
               existing_type=sa.Uuid(),
               nullable=False)

    with op.batch_alter_table('message_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_attachment_thread_id'))
        batch_op.drop_index(batch_op.f('ix_message_attachment_message_id'))

    op.drop_table('message_attachment')
    op.drop_table('thread_read')
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_thread_id'))
        batch_op.drop_index(batch_op.f('ix_message_created_at'))

    op.drop_table('message')
    with op.batch_alter_table('message_thread', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_thread_needs_reply'))
        batch_op.drop_index(batch_op.f('ix_message_thread_assignee_id'))

    op.drop_table('message_thread')
    op.drop_table('support_topic')
    with op.batch_alter_table('support_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_support_request_user_id'))
        batch_op.drop_index(batch_op.f('ix_support_request_topic'))
        batch_op.drop_index(batch_op.f('ix_support_request_status'))
        batch_op.drop_index(batch_op.f('ix_support_request_due_at'))
        batch_op.drop_index(batch_op.f('ix_support_request_created_at'))
        batch_op.drop_index(batch_op.f('ix_support_request_assignee_id'))

    op.drop_table('support_request')
