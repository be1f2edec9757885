"""second factor: the TOTP secret (encrypted), its set-up time and last step; recovery codes

Revision ID: 6b9c5dc4baba
Revises: c7d1e9f2a350
Create Date: 2026-12-06 03:03:14

Administrators and regional users have no second factor after the upgrade: they are asked to
set one up at their next login (their open sessions, too, see only the set-up page).
"""
from alembic import op
import sqlalchemy as sa

from columns import id_column, foreign_key, primary_key, create_indexes, drop_indexes


revision = '6b9c5dc4baba'
down_revision = 'c7d1e9f2a350'


def upgrade():
    op.create_table('recovery_codes',
    id_column(),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    foreign_key('recovery_codes', 'user_id', 'users', ondelete='CASCADE'),
    primary_key('recovery_codes')
    )
    create_indexes('recovery_codes', 'user_id')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')

    drop_indexes('recovery_codes', 'user_id')

    op.drop_table('recovery_codes')
