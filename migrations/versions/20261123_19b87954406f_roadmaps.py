"""roadmaps

Revision ID: 19b87954406f
Revises: 5b4d3c24fd68
Create Date: 2026-11-23 09:57:24.549634

"""
from alembic import op
import sqlalchemy as sa

from columns import (
    id_column, record_columns, foreign_key, foreign_keys, primary_key, create_indexes,
    drop_indexes,
)


revision = '19b87954406f'
down_revision = '5b4d3c24fd68'


def upgrade():
    op.create_table('roadmaps',
    id_column(),
    sa.Column('level', sa.Enum('REGIONAL', 'MUNICIPAL', 'SCHOOL', name='roadmaplevel', native_enum=False, length=32), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('order_kind', sa.Enum('ORDER', 'DIRECTIVE', 'RESOLUTION', name='orderkind', native_enum=False, length=32), nullable=True),
    sa.Column('order_number', sa.String(length=60), nullable=True),
    sa.Column('order_date', sa.Date(), nullable=True),
    sa.Column('source_name', sa.String(length=255), nullable=True),
    *record_columns(deleted=True),
    foreign_key('roadmaps', 'created_by_id', 'users', use_alter=True),
    foreign_key('roadmaps', 'owner_id', 'organizations'),
    primary_key('roadmaps')
    )
    create_indexes('roadmaps', 'level', 'owner_id', 'year')

    op.create_table('roadmap_sections',
    id_column(),
    sa.Column('roadmap_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    *record_columns(),
    foreign_key('roadmap_sections', 'created_by_id', 'users', use_alter=True),
    foreign_key('roadmap_sections', 'roadmap_id', 'roadmaps'),
    primary_key('roadmap_sections')
    )
    create_indexes('roadmap_sections', 'roadmap_id')

    op.create_table('roadmap_items',
    id_column(),
    sa.Column('roadmap_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('period_text', sa.Text(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('recurrence', sa.JSON(), nullable=True),
    sa.Column('period_understood', sa.Boolean(), nullable=False),
    sa.Column('executors', sa.Text(), nullable=False),
    sa.Column('expected_result', sa.Text(), nullable=False),
    sa.Column('indicator', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('NOT_STARTED', 'IN_PROGRESS', 'DONE', 'PARTIALLY_DONE', 'NOT_DONE', 'CANCELLED', name='itemstatus', native_enum=False, length=32), nullable=False),
    sa.Column('actual_result', sa.Text(), nullable=True),
    sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status_changed_by_id', sa.Integer(), nullable=True),
    *record_columns(deleted=True),
    foreign_key('roadmap_items', 'created_by_id', 'users', use_alter=True),
    *foreign_keys('roadmap_items', roadmap_id='roadmaps', section_id='roadmap_sections',
                                   status_changed_by_id='users'),
    primary_key('roadmap_items')
    )
    create_indexes('roadmap_items', 'period_end', 'period_start', 'roadmap_id', 'section_id',
                                    'status')

    op.create_table('roadmap_item_executors',
    id_column(),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    *foreign_keys('roadmap_item_executors', item_id='roadmap_items', organization_id='organizations'),
    primary_key('roadmap_item_executors'),
    sa.UniqueConstraint('item_id', 'organization_id', name=op.f('uq_roadmap_item_executors_item_id_organization_id'))
    )
    create_indexes('roadmap_item_executors', 'item_id', 'organization_id')

    op.create_table('roadmap_item_reports',
    id_column(),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('report_date', sa.Date(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    *record_columns(deleted=True),
    foreign_key('roadmap_item_reports', 'author_id', 'users'),
    foreign_key('roadmap_item_reports', 'created_by_id', 'users', use_alter=True),
    *foreign_keys('roadmap_item_reports', item_id='roadmap_items', organization_id='organizations'),
    primary_key('roadmap_item_reports')
    )
    create_indexes('roadmap_item_reports', 'item_id')


def downgrade():
    drop_indexes('roadmap_item_reports', 'item_id')

    op.drop_table('roadmap_item_reports')
    drop_indexes('roadmap_item_executors', 'organization_id', 'item_id')

    op.drop_table('roadmap_item_executors')
    drop_indexes('roadmap_items', 'status', 'section_id', 'roadmap_id', 'period_start', 'period_end')

    op.drop_table('roadmap_items')
    drop_indexes('roadmap_sections', 'roadmap_id')

    op.drop_table('roadmap_sections')
    drop_indexes('roadmaps', 'year', 'owner_id', 'level')

    op.drop_table('roadmaps')
