"""workflow automation: job leases and runs, reminders and digests, notification preferences,
tracked USCIS receipts with their status history and API usage; deadlines gain a source, the
date their rule gave and who overrode it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 19:09:41.395136
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0004'
down_revision: Union[str, None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('api_usage',
    sa.Column('service', sa.String(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('calls', sa.Integer(), nullable=False),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('service', 'day', name=op.f('pk_api_usage'))
    )
    op.create_table('job_run',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('job_name', sa.String(length=64), nullable=False),
    sa.Column('holder', sa.String(length=120), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_run'))
    )
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_run_job_name'), ['job_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_run_started_at'), ['started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_run_status'), ['status'], unique=False)

    op.create_table('job_state',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('next_due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('holder', sa.String(length=120), nullable=True),
    sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_status', sa.String(length=16), nullable=False),
    sa.Column('last_result', sa.JSON(), nullable=False),
    sa.Column('last_error', sa.String(length=2000), nullable=True),
    sa.Column('run_count', sa.Integer(), nullable=False),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_state'))
    )
    op.create_table('notification_preference',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('reminders_off', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_preference_user_id_user')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_preference'))
    )
    op.create_table('tracked_receipt',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('matter_id', sa.Uuid(), nullable=False),
    sa.Column('receipt_number', sa.String(length=13), nullable=False),
    sa.Column('form_type', sa.String(length=16), nullable=False),
    sa.Column('current_status', sa.String(length=200), nullable=False),
    sa.Column('status_category', sa.String(length=24), nullable=False),
    sa.Column('status_changed_on', sa.Date(), nullable=True),
    sa.Column('last_checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_check_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('error_count', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], name=op.f('fk_tracked_receipt_matter_id_matter')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracked_receipt')),
    sa.UniqueConstraint('receipt_number', name=op.f('uq_tracked_receipt_receipt_number'))
    )
    with op.batch_alter_table('tracked_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracked_receipt_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tracked_receipt_next_check_at'), ['next_check_at'], unique=False)

    op.create_table('receipt_status_event',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('receipt_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=24), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('status_date', sa.Date(), nullable=True),
    sa.Column('observed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('client_notified', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['receipt_id'], ['tracked_receipt.id'], name=op.f('fk_receipt_status_event_receipt_id_tracked_receipt')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt_status_event'))
    )
    with op.batch_alter_table('receipt_status_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipt_status_event_receipt_id'), ['receipt_id'], unique=False)

    op.create_table('reminder_digest',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('outbox_message_id', sa.Uuid(), nullable=True),
    sa.Column('item_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_message.id'], name=op.f('fk_reminder_digest_outbox_message_id_outbox_message')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_reminder_digest_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_digest')),
    sa.UniqueConstraint('user_id', 'local_date', name='uq_reminder_digest_day')
    )
    with op.batch_alter_table('reminder_digest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_digest_user_id'), ['user_id'], unique=False)

    op.create_table('reminder_item',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('recipient_id', sa.Uuid(), nullable=False),
    sa.Column('matter_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('subject_type', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Uuid(), nullable=False),
    sa.Column('occurrence', sa.String(length=24), nullable=False),
    sa.Column('occurs_on', sa.Date(), nullable=False),
    sa.Column('essential', sa.Boolean(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('digest_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['digest_id'], ['reminder_digest.id'], name=op.f('fk_reminder_item_digest_id_reminder_digest')),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], name=op.f('fk_reminder_item_matter_id_matter')),
    sa.ForeignKeyConstraint(['recipient_id'], ['user.id'], name=op.f('fk_reminder_item_recipient_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_item')),
    sa.UniqueConstraint('recipient_id', 'subject_type', 'subject_id', 'occurrence', name='uq_reminder_item_occurrence')
    )
    with op.batch_alter_table('reminder_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminder_item_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_item_occurs_on'), ['occurs_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_item_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_item_status'), ['status'], unique=False)

    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=64), nullable=False, server_default='manual'))
        batch_op.add_column(sa.Column('rule_due_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('overridden_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('overridden_by_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_deadline_overridden_by_id_user'), 'user', ['overridden_by_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_deadline_overridden_by_id_user'), type_='foreignkey')
        batch_op.drop_column('overridden_by_id')
        batch_op.drop_column('overridden_at')
        batch_op.drop_column('rule_due_date')
        batch_op.drop_column('source')

    with op.batch_alter_table('reminder_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_item_status'))
        batch_op.drop_index(batch_op.f('ix_reminder_item_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_reminder_item_occurs_on'))
        batch_op.drop_index(batch_op.f('ix_reminder_item_matter_id'))

    op.drop_table('reminder_item')
    with op.batch_alter_table('reminder_digest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_digest_user_id'))

    op.drop_table('reminder_digest')
    with op.batch_alter_table('receipt_status_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipt_status_event_receipt_id'))

    op.drop_table('receipt_status_event')
    with op.batch_alter_table('tracked_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracked_receipt_next_check_at'))
        batch_op.drop_index(batch_op.f('ix_tracked_receipt_matter_id'))

    op.drop_table('tracked_receipt')
    op.drop_table('notification_preference')
    op.drop_table('job_state')
    with op.batch_alter_table('job_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_run_status'))
        batch_op.drop_index(batch_op.f('ix_job_run_started_at'))
        batch_op.drop_index(batch_op.f('ix_job_run_job_name'))

    op.drop_table('job_run')
    op.drop_table('api_usage')
