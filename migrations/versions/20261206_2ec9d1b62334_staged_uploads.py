"""staged uploads: an import file waits on the server between its preview and confirmation

Revision ID: 2ec9d1b62334
Revises: 6b9c5dc4baba
Create Date: 2026-12-06 03:46:31.395272

The preview → confirm round trip posted the whole file back as base64 (an import over ~15 MB
could not be confirmed); the file is now kept in ``staged_uploads`` for its user, expiring.
"""
from alembic import op
import sqlalchemy as sa

from columns import foreign_key, primary_key, create_indexes, drop_indexes


revision = '2ec9d1b62334'
down_revision = '6b9c5dc4baba'


def upgrade():
    op.create_table('staged_uploads',
    sa.Column('id', sa.String(length=43), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    foreign_key('staged_uploads', 'user_id', 'users', ondelete='CASCADE'),
    primary_key('staged_uploads')
    )
    create_indexes('staged_uploads', 'expires_at', 'user_id')


def downgrade():
    drop_indexes('staged_uploads', 'user_id', 'expires_at')

    op.drop_table('staged_uploads')
