"""reminders: the outbox of e-mail messages, each user's reminder settings and calendar feed
token, the region's time zone

Revision ID: 2846b41e9153
Revises: d1da91a1c5b3
Create Date: 2026-12-06 20:17:00

Existing rows: every region keeps Moscow time until the administrator changes it; nobody has
settings (the defaults apply) or a calendar token yet.
"""
from alembic import op
import sqlalchemy as sa

from columns import id_column


revision = '2846b41e9153'
down_revision = 'd1da91a1c5b3'


def upgrade():
    with op.batch_alter_table('regions') as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=False,
                                      server_default='Europe/Moscow'))
    op.create_table('notification_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('disabled_kinds', sa.String(length=300), server_default='', nullable=False),
    sa.Column('digest', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('days_before', sa.String(length=60), server_default='7,1', nullable=False),
    sa.Column('calendar_token_hash', sa.String(length=64), nullable=True),
    sa.Column('calendar_token_enc', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id'),
    sa.UniqueConstraint('calendar_token_hash')
    )
    op.create_table('outbox_messages',
    id_column(),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('to_address', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('dedup_key', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('ics', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('digest_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dedup_key')
    )
    with op.batch_alter_table('outbox_messages') as batch_op:
        batch_op.create_index('ix_outbox_messages_created_at', ['created_at'])
        batch_op.create_index('ix_outbox_messages_user_id', ['user_id'])
        batch_op.create_index('ix_outbox_messages_digest_id', ['digest_id'])
        batch_op.create_index('ix_outbox_messages_due', ['status', 'next_attempt_at'])


def downgrade():
    op.drop_table('outbox_messages')
    op.drop_table('notification_settings')
    with op.batch_alter_table('regions') as batch_op:
        batch_op.drop_column('time_zone')
