"""issued reports: roadmap execution reports, analytical notes and quarterly monitorings kept
as issued

Revision ID: 2f53282f82f4
Revises: 7b3d2e8f1c45
Create Date: 2026-12-06 06:36:50.921737

A report issued upward is stored with its number (serial within the year for the territory that
issues it; a new version keeps the number), date, author, the texts and figures it printed and
its three files (.docx, PDF, .xlsx annex). Nothing here is changed after it is written.
"""
from alembic import op
import sqlalchemy as sa

from columns import (
    id_column, record_columns, foreign_keys, primary_key, create_indexes, drop_indexes,
)


revision = '2f53282f82f4'
down_revision = '7b3d2e8f1c45'


def upgrade():
    op.create_table('issued_reports',
    id_column(),
    sa.Column('kind', sa.Enum('ROADMAP', 'ANALYTICAL', 'QUARTERLY', name='reportkind', native_enum=False, length=32), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('issuer_key', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('territory_title', sa.String(length=500), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('period_label', sa.String(length=100), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('docx', sa.LargeBinary(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('xlsx', sa.LargeBinary(), nullable=False),
    *record_columns(),
    # users exists already: the created_by foreign key is inline (a use_alter constraint in
    # create_table is left out on PostgreSQL)
    *foreign_keys('issued_reports', created_by_id='users', municipality_id='municipalities',
                                    organization_id='organizations', previous_id='issued_reports',
                                    region_id='regions'),
    primary_key('issued_reports'),
    sa.UniqueConstraint('issuer_key', 'year', 'number', 'version', name=op.f('uq_issued_reports_issuer_key_year_number_version'))
    )
    create_indexes('issued_reports', 'kind', 'municipality_id', 'organization_id', 'region_id')


def downgrade():
    drop_indexes('issued_reports', 'region_id', 'organization_id', 'municipality_id', 'kind')

    op.drop_table('issued_reports')
