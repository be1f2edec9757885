"""recommendations

Revision ID: ad7b8d102133
Revises: e32eaef1d295
Create Date: 2026-11-23 11:37:40.419968

"""
from alembic import op
import sqlalchemy as sa

from columns import id_column, record_columns, foreign_keys, primary_key


revision = 'ad7b8d102133'
down_revision = 'e32eaef1d295'


def upgrade():
    op.create_table('recommendations',
    id_column(),
    sa.Column('source_type', sa.String(length=40), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('responsible', sa.String(length=300), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('OPEN', 'REPORTED', 'ACCEPTED', 'RETURNED', name='recommendationstatus', native_enum=False, length=32), nullable=False),
    sa.Column('report_text', sa.Text(), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reported_by_id', sa.Integer(), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('roadmap_item_id', sa.Integer(), nullable=True),
    *record_columns(deleted=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    *foreign_keys('recommendations', created_by_id='users', organization_id='organizations',
                                     reported_by_id='users', reviewed_by_id='users',
                                     roadmap_item_id='roadmap_items'),
    primary_key('recommendations')
    )
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recommendations_due_date'), ['due_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_roadmap_item_id'), ['roadmap_item_id'], unique=False)
        batch_op.create_index('ix_recommendations_source', ['source_type', 'source_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_recommendations_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('recommendations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recommendations_status'))
        batch_op.drop_index('ix_recommendations_source')
        batch_op.drop_index(batch_op.f('ix_recommendations_roadmap_item_id'))
        batch_op.drop_index(batch_op.f('ix_recommendations_organization_id'))
        batch_op.drop_index(batch_op.f('ix_recommendations_due_date'))

    op.drop_table('recommendations')
