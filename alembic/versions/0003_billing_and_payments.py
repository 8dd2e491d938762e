"""billing and payments: firm billing settings, fee schedule, invoice templates and periodic
schedules, journals (unique posting keys), trust reconciliations, processor customers, the sandbox
processor's intents and test cards, outbound webhook attempts; new columns on invoice,
invoice_line, payment and webhook_endpoint.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-25 19:12:13.189793
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0003'
down_revision: Union[str, None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('sandbox_intent',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('account', sa.String(length=16), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('client_secret', sa.String(length=120), nullable=False),
    sa.Column('customer', sa.String(length=40), nullable=True),
    sa.Column('payment_method', sa.String(length=40), nullable=True),
    sa.Column('method_type', sa.String(length=24), nullable=False),
    sa.Column('charge_id', sa.String(length=40), nullable=True),
    sa.Column('amount_refunded', sa.Integer(), nullable=False),
    sa.Column('fee', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.JSON(), nullable=False),
    sa.Column('settle_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('settle_outcome', sa.String(length=16), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sandbox_intent'))
    )
    with op.batch_alter_table('sandbox_intent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sandbox_intent_settle_at'), ['settle_at'], unique=False)

    op.create_table('sandbox_payment_method',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('customer', sa.String(length=40), nullable=False),
    sa.Column('test_number_key', sa.String(length=16), nullable=False),
    sa.Column('brand', sa.String(length=16), nullable=False),
    sa.Column('last4', sa.String(length=4), nullable=False),
    sa.Column('exp_month', sa.Integer(), nullable=False),
    sa.Column('exp_year', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sandbox_payment_method'))
    )
    with op.batch_alter_table('sandbox_payment_method', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sandbox_payment_method_customer'), ['customer'], unique=False)

    op.create_table('billing_settings',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('approval_threshold_cents', sa.Integer(), nullable=False),
    sa.Column('card_payments_to_trust', sa.Boolean(), nullable=False),
    sa.Column('partial_payments_allowed', sa.Boolean(), nullable=False),
    sa.Column('minimum_partial_cents', sa.Integer(), nullable=False),
    sa.Column('default_due_days', sa.Integer(), nullable=False),
    sa.Column('default_terms', sa.String(length=500), nullable=False),
    sa.Column('invoice_prefix', sa.String(length=12), nullable=False),
    sa.Column('next_invoice_seq', sa.Integer(), nullable=False),
    sa.Column('trust_instructions', sa.String(length=500), nullable=False),
    sa.Column('updated_by_id', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_billing_settings_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_settings'))
    )
    op.create_table('fee_schedule_item',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('form', sa.String(length=40), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=True),
    sa.Column('source_note', sa.String(length=300), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('updated_by_id', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_fee_schedule_item_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_schedule_item')),
    sa.UniqueConstraint('code', name=op.f('uq_fee_schedule_item_code'))
    )
    op.create_table('invoice_template',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('lines', sa.JSON(), nullable=False),
    sa.Column('terms', sa.String(length=500), nullable=False),
    sa.Column('due_days', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('updated_by_id', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_invoice_template_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_template')),
    sa.UniqueConstraint('name', name=op.f('uq_invoice_template_name'))
    )
    op.create_table('trust_reconciliation',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('bank_balance_cents', sa.Integer(), nullable=False),
    sa.Column('journal_balance_cents', sa.Integer(), nullable=False),
    sa.Column('client_ledgers_cents', sa.Integer(), nullable=False),
    sa.Column('differences', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_trust_reconciliation_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trust_reconciliation'))
    )
    with op.batch_alter_table('trust_reconciliation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trust_reconciliation_period_end'), ['period_end'], unique=False)

    op.create_table('payment_customer',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('account', sa.String(length=16), nullable=False),
    sa.Column('customer_ref', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_payment_customer_client_id_client')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_customer')),
    sa.UniqueConstraint('client_id', 'provider', 'account', name=op.f('uq_payment_customer_client_id'))
    )
    with op.batch_alter_table('payment_customer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_customer_client_id'), ['client_id'], unique=False)

    op.create_table('webhook_attempt',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('delivery_id', sa.Uuid(), nullable=False),
    sa.Column('attempt_no', sa.Integer(), nullable=False),
    sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('duration_ms', sa.Integer(), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=False),
    sa.Column('response_snippet', sa.String(length=300), nullable=False),
    sa.Column('replay', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['webhook_delivery.id'], name=op.f('fk_webhook_attempt_delivery_id_webhook_delivery')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_attempt'))
    )
    with op.batch_alter_table('webhook_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhook_attempt_delivery_id'), ['delivery_id'], unique=False)

    op.create_table('billing_schedule',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('matter_id', sa.Uuid(), nullable=False),
    sa.Column('template_id', sa.Uuid(), nullable=False),
    sa.Column('interval_months', sa.Integer(), nullable=False),
    sa.Column('next_run_on', sa.Date(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('last_invoice_id', sa.Uuid(), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_billing_schedule_created_by_id_user')),
    sa.ForeignKeyConstraint(['last_invoice_id'], ['invoice.id'], name=op.f('fk_billing_schedule_last_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], name=op.f('fk_billing_schedule_matter_id_matter')),
    sa.ForeignKeyConstraint(['template_id'], ['invoice_template.id'], name=op.f('fk_billing_schedule_template_id_invoice_template')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_billing_schedule')),
    sa.UniqueConstraint('matter_id', 'template_id', name=op.f('uq_billing_schedule_matter_id'))
    )
    with op.batch_alter_table('billing_schedule', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_billing_schedule_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_billing_schedule_next_run_on'), ['next_run_on'], unique=False)

    op.create_table('journal',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('posting_key', sa.String(length=160), nullable=False),
    sa.Column('book', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('memo', sa.String(length=300), nullable=False),
    sa.Column('client_id', sa.Uuid(), nullable=True),
    sa.Column('matter_id', sa.Uuid(), nullable=True),
    sa.Column('invoice_id', sa.Uuid(), nullable=True),
    sa.Column('payment_id', sa.Uuid(), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['client.id'], name=op.f('fk_journal_client_id_client')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_journal_created_by_id_user')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoice.id'], name=op.f('fk_journal_invoice_id_invoice')),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], name=op.f('fk_journal_matter_id_matter')),
    sa.ForeignKeyConstraint(['payment_id'], ['payment.id'], name=op.f('fk_journal_payment_id_payment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journal')),
    sa.UniqueConstraint('posting_key', name=op.f('uq_journal_posting_key'))
    )
    with op.batch_alter_table('journal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journal_book'), ['book'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journal_created_at'), ['created_at'], unique=False)

    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('allow_partial', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('approval_requested_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('void_reason', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('pdf_version_id', sa.Uuid(), nullable=True))

    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fee_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('tax_cents', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('client_declined_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('client_decided_by_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_invoice_line_client_decided_by_id_user'), 'user', ['client_decided_by_id'], ['id'])

    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account', sa.String(length=16), server_default='operating', nullable=False))
        batch_op.add_column(sa.Column('attempt_no', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('idempotency_key', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('payer_user_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('reference', sa.String(length=80), server_default='', nullable=False))
        batch_op.add_column(sa.Column('failure_message', sa.String(length=300), server_default='', nullable=False))
        batch_op.add_column(sa.Column('status_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('disputed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('receipt_version_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_payment_payer_user_id_user'), 'user', ['payer_user_id'], ['id'])

    with op.batch_alter_table('webhook_endpoint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disabled_reason', sa.String(length=200), server_default='', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('webhook_endpoint', schema=None) as batch_op:
        batch_op.drop_column('disabled_reason')

    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payment_payer_user_id_user'), type_='foreignkey')
        batch_op.drop_column('receipt_version_id')
        batch_op.drop_column('disputed_at')
        batch_op.drop_column('posted_at')
        batch_op.drop_column('status_at')
        batch_op.drop_column('failure_message')
        batch_op.drop_column('reference')
        batch_op.drop_column('payer_user_id')
        batch_op.drop_column('idempotency_key')
        batch_op.drop_column('attempt_no')
        batch_op.drop_column('account')

    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invoice_line_client_decided_by_id_user'), type_='foreignkey')
        batch_op.drop_column('client_decided_by_id')
        batch_op.drop_column('client_declined_at')
        batch_op.drop_column('tax_cents')
        batch_op.drop_column('fee_code')

    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_column('pdf_version_id')
        batch_op.drop_column('void_reason')
        batch_op.drop_column('voided_at')
        batch_op.drop_column('paid_at')
        batch_op.drop_column('sent_at')
        batch_op.drop_column('approved_at')
        batch_op.drop_column('approval_requested_at')
        batch_op.drop_column('allow_partial')
        batch_op.drop_column('title')

    with op.batch_alter_table('journal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journal_created_at'))
        batch_op.drop_index(batch_op.f('ix_journal_client_id'))
        batch_op.drop_index(batch_op.f('ix_journal_book'))

    op.drop_table('journal')
    with op.batch_alter_table('billing_schedule', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_billing_schedule_next_run_on'))
        batch_op.drop_index(batch_op.f('ix_billing_schedule_matter_id'))

    op.drop_table('billing_schedule')
    with op.batch_alter_table('webhook_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_attempt_delivery_id'))

    op.drop_table('webhook_attempt')
    with op.batch_alter_table('payment_customer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_customer_client_id'))

    op.drop_table('payment_customer')
    with op.batch_alter_table('trust_reconciliation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trust_reconciliation_period_end'))

    op.drop_table('trust_reconciliation')
    op.drop_table('invoice_template')
    op.drop_table('fee_schedule_item')
    op.drop_table('billing_settings')
    with op.batch_alter_table('sandbox_payment_method', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sandbox_payment_method_customer'))

    op.drop_table('sandbox_payment_method')
    with op.batch_alter_table('sandbox_intent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sandbox_intent_settle_at'))

    op.drop_table('sandbox_intent')
