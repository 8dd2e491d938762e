"""staff second factor (TOTP secrets encrypted with the master keys, hashed one-time recovery
codes, the half-done sign-in between password and code), the browsers a person signed in from
(new-device mail, and exempting a known browser from an attacker's lockout), and the account
back-off count on the sign-in throttle.

Revision ID: 0007_identity
Revises: 0007_conversations
Create Date: 2026-12-01 13:00:00
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa



revision: str = '0007_identity'
down_revision: Union[str, None] = '0007_conversations'  # chained after issue 12a's migration at the merge
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column('login_throttle', sa.Column('lockouts', sa.Integer(), nullable=False, server_default='0'))
    op.create_table('second_factor',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('secret_enc', sa.String(length=400), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_step', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_second_factor_user_id_user')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_second_factor'))
    )
    op.create_table('recovery_code',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_recovery_code_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_recovery_code_code_hash'))
    )
    op.create_index(op.f('ix_recovery_code_user_id'), 'recovery_code', ['user_id'], unique=False)
    op.create_table('sign_in_challenge',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('pending_secret_enc', sa.String(length=400), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('known_device', sa.Boolean(), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_sign_in_challenge_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_challenge')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_challenge_token_hash'))
    )
    op.create_index(op.f('ix_sign_in_challenge_user_id'), 'sign_in_challenge', ['user_id'], unique=False)
    op.create_table('known_device',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('device_hash', sa.String(length=64), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_known_device_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_known_device'))
    )
    op.create_index(op.f('ix_known_device_user_id'), 'known_device', ['user_id'], unique=False)
    op.create_index(op.f('ix_known_device_device_hash'), 'known_device', ['device_hash'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_known_device_device_hash'), table_name='known_device')
    op.drop_index(op.f('ix_known_device_user_id'), table_name='known_device')
    op.drop_table('known_device')
    op.drop_index(op.f('ix_sign_in_challenge_user_id'), table_name='sign_in_challenge')
    op.drop_table('sign_in_challenge')
    op.drop_index(op.f('ix_recovery_code_user_id'), table_name='recovery_code')
    op.drop_table('recovery_code')
    op.drop_table('second_factor')
    with op.batch_alter_table('login_throttle') as batch:
        batch.drop_column('lockouts')
