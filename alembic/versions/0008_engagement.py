"""Engagement letters signed in the portal (the fee agreement per case type, one signature per
matter with the exact text shown and its SHA-256), the firm's "retainer waits for the signed letter"
setting, and wet-ink USCIS forms on checklists (print, sign in ink, upload; the firm holds the original).

Revision ID: 0008_engagement
Revises: 0007_identity
Create Date: 2026-12-01 16:07:44.093099
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0008_engagement'
down_revision: Union[str, None] = '0007_identity'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('engagement_template',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_type_id', sa.Uuid(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by_id', sa.Uuid(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_type_id'], ['case_type.id'], name=op.f('fk_engagement_template_case_type_id_case_type')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_engagement_template_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_template')),
    sa.UniqueConstraint('case_type_id', name=op.f('uq_engagement_template_case_type_id'))
    )
    op.create_table('engagement_letter',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('matter_id', sa.Uuid(), nullable=False),
    sa.Column('template_id', sa.Uuid(), nullable=False),
    sa.Column('template_version', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('text_sha256', sa.String(length=64), nullable=False),
    sa.Column('signer_id', sa.Uuid(), nullable=False),
    sa.Column('signed_name', sa.String(length=200), nullable=False),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('signed_ip', sa.String(length=64), nullable=False),
    sa.Column('signer_timezone', sa.String(length=64), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('pdf_version_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['matter_id'], ['matter.id'], name=op.f('fk_engagement_letter_matter_id_matter')),
    sa.ForeignKeyConstraint(['pdf_version_id'], ['document_version.id'], name=op.f('fk_engagement_letter_pdf_version_id_document_version')),
    sa.ForeignKeyConstraint(['signer_id'], ['user.id'], name=op.f('fk_engagement_letter_signer_id_user')),
    sa.ForeignKeyConstraint(['template_id'], ['engagement_template.id'], name=op.f('fk_engagement_letter_template_id_engagement_template')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_letter')),
    sa.UniqueConstraint('matter_id', name=op.f('uq_engagement_letter_matter_id'))
    )
    with op.batch_alter_table('billing_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retainer_needs_engagement', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('checklist_template_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signing', sa.String(length=16), server_default='', nullable=False))

    with op.batch_alter_table('document_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signing', sa.String(length=16), server_default='', nullable=False))
        batch_op.add_column(sa.Column('original_held_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('original_held_by_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_document_request_original_held_by_id_user'), 'user', ['original_held_by_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('document_request', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_document_request_original_held_by_id_user'), type_='foreignkey')
        batch_op.drop_column('original_held_by_id')
        batch_op.drop_column('original_held_at')
        batch_op.drop_column('signing')

    with op.batch_alter_table('checklist_template_item', schema=None) as batch_op:
        batch_op.drop_column('signing')

    with op.batch_alter_table('billing_settings', schema=None) as batch_op:
        batch_op.drop_column('retainer_needs_engagement')

    op.drop_table('engagement_letter')
    op.drop_table('engagement_template')
