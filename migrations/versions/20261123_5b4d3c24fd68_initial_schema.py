"""initial schema

Revision ID: 5b4d3c24fd68
Revises: 
Create Date: 2026-11-23 09:40:56.487547

"""
from alembic import op
import sqlalchemy as sa

from columns import (
    id_column, record_columns, foreign_key, foreign_keys, primary_key, create_indexes,
    drop_indexes,
)


revision = '5b4d3c24fd68'
down_revision = None


def upgrade():
    op.create_table('login_attempts',
    id_column(),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('login', sa.String(length=80), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('success', sa.Boolean(), nullable=False),
    primary_key('login_attempts')
    )
    create_indexes('login_attempts', 'address', 'at', 'login')

    op.create_table('regions',
    id_column(),
    sa.Column('name', sa.String(length=200), nullable=False),
    *record_columns(),
    foreign_key('regions', 'created_by_id', 'users', use_alter=True),
    primary_key('regions'),
    sa.UniqueConstraint('name', name=op.f('uq_regions_name'))
    )
    op.create_table('municipalities',
    id_column(),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    *record_columns(),
    foreign_key('municipalities', 'created_by_id', 'users', use_alter=True),
    foreign_key('municipalities', 'region_id', 'regions'),
    primary_key('municipalities'),
    sa.UniqueConstraint('region_id', 'name', name=op.f('uq_municipalities_region_id_name'))
    )
    create_indexes('municipalities', 'region_id')

    op.create_table('organizations',
    id_column(),
    sa.Column('kind', sa.Enum('SCHOOL', 'MUNICIPAL_AUTHORITY', 'REGIONAL_AUTHORITY', 'INSTITUTE', 'ASSESSMENT_CENTRE', 'COLLEGE', 'OTHER', name='orgkind', native_enum=False, length=32), nullable=False),
    sa.Column('full_name', sa.String(length=500), nullable=False),
    sa.Column('short_name', sa.String(length=200), nullable=False),
    sa.Column('inn', sa.String(length=12), nullable=True),
    sa.Column('code', sa.String(length=40), nullable=True),
    sa.Column('address', sa.String(length=500), nullable=True),
    sa.Column('director_name', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=60), nullable=True),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    *record_columns(deleted=True),
    foreign_key('organizations', 'created_by_id', 'users', use_alter=True),
    *foreign_keys('organizations', municipality_id='municipalities', region_id='regions'),
    primary_key('organizations')
    )
    create_indexes('organizations', 'code', 'kind', 'municipality_id', 'region_id', 'short_name')

    op.create_table('school_statuses',
    id_column(),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('LOW_RESULTS', 'SOCIAL_RISK', 'RISK_ZONE', 'TUTOR', 'PROJECT_500', name='schoolstatus', native_enum=False, length=32), nullable=False),
    sa.Column('order_kind', sa.Enum('ORDER', 'DIRECTIVE', 'RESOLUTION', name='orderkind', native_enum=False, length=32), nullable=True),
    sa.Column('order_number', sa.String(length=60), nullable=True),
    sa.Column('order_date', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    *record_columns(deleted=True),
    foreign_key('school_statuses', 'created_by_id', 'users', use_alter=True),
    foreign_key('school_statuses', 'organization_id', 'organizations'),
    primary_key('school_statuses')
    )
    create_indexes('school_statuses', 'organization_id', 'status', 'year')

    op.create_table('staff_members',
    id_column(),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('subjects', sa.String(length=300), nullable=True),
    sa.Column('category', sa.Enum('HIGHEST', 'FIRST', 'CONFORMITY', 'NONE', name='qualificationcategory', native_enum=False, length=32), nullable=False),
    sa.Column('teaching_since', sa.Integer(), nullable=True),
    sa.Column('young_specialist', sa.Boolean(), nullable=False),
    sa.Column('management', sa.Boolean(), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('hired_on', sa.Date(), nullable=True),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    *record_columns(deleted=True),
    foreign_key('staff_members', 'created_by_id', 'users', use_alter=True),
    foreign_key('staff_members', 'organization_id', 'organizations'),
    primary_key('staff_members')
    )
    create_indexes('staff_members', 'organization_id')

    op.create_table('users',
    id_column(),
    sa.Column('login', sa.String(length=80), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('position', sa.String(length=200), nullable=True),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('ADMIN', 'REGION', 'METHODIST', 'TUTOR', 'SCHOOL', 'VIEWER', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('session_version', sa.Integer(), nullable=False),
    sa.Column('must_change_password', sa.Boolean(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    *record_columns(),
    foreign_key('users', 'created_by_id', 'users', use_alter=True),
    *foreign_keys('users', municipality_id='municipalities', organization_id='organizations',
                           region_id='regions'),
    primary_key('users'),
    sa.UniqueConstraint('login', name=op.f('uq_users_login'))
    )
    create_indexes('users', 'municipality_id', 'organization_id')

    op.create_table('attachments',
    id_column(),
    sa.Column('object_type', sa.String(length=60), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    *record_columns(deleted=True),
    foreign_key('attachments', 'created_by_id', 'users', use_alter=True),
    foreign_key('attachments', 'uploaded_by_id', 'users'),
    primary_key('attachments'),
    sa.UniqueConstraint('stored_name', name=op.f('uq_attachments_stored_name'))
    )
    create_indexes('attachments', 'object_id', 'object_type')

    op.create_table('audit_entries',
    id_column(),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('user_name', sa.String(length=200), nullable=True),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.Column('action', sa.Enum('CREATE', 'UPDATE', 'DELETE', 'LOGIN', 'LOGIN_FAILED', 'LOGOUT', 'ACCESS_DENIED', 'DOWNLOAD', name='auditaction', native_enum=False, length=32), nullable=False),
    sa.Column('object_type', sa.String(length=60), nullable=True),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('object_label', sa.String(length=300), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=True),
    sa.Column('message', sa.Text(), nullable=True),
    foreign_key('audit_entries', 'user_id', 'users'),
    primary_key('audit_entries')
    )
    create_indexes('audit_entries', 'action', 'at', 'object_id', 'object_type', 'user_id')


def downgrade():
    drop_indexes('audit_entries', 'user_id', 'object_type', 'object_id', 'at', 'action')

    op.drop_table('audit_entries')
    drop_indexes('attachments', 'object_type', 'object_id')

    op.drop_table('attachments')
    drop_indexes('users', 'organization_id', 'municipality_id')

    op.drop_table('users')
    drop_indexes('staff_members', 'organization_id')

    op.drop_table('staff_members')
    drop_indexes('school_statuses', 'year', 'status', 'organization_id')

    op.drop_table('school_statuses')
    drop_indexes('organizations', 'short_name', 'region_id', 'municipality_id', 'kind', 'code')

    op.drop_table('organizations')
    drop_indexes('municipalities', 'region_id')

    op.drop_table('municipalities')
    op.drop_table('regions')
    drop_indexes('login_attempts', 'login', 'at', 'address')

    op.drop_table('login_attempts')
