"""partnerships

Revision ID: dbf753247e5c
Revises: ad7b8d102133
Create Date: 2026-11-23 11:42:42.533311

"""
from alembic import op
import sqlalchemy as sa

from columns import (
    id_column, record_columns, foreign_keys, primary_key, create_indexes, drop_indexes,
)


revision = 'dbf753247e5c'
down_revision = 'ad7b8d102133'


def upgrade():
    # The created_by foreign keys are inline (users exists already): a use_alter constraint in
    # create_table is left out on PostgreSQL.
    op.create_table('school_terms',
    id_column(),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    *record_columns(),
    *foreign_keys('school_terms', created_by_id='users', region_id='regions'),
    primary_key('school_terms'),
    sa.UniqueConstraint('region_id', 'academic_year', 'number', name=op.f('uq_school_terms_region_id_academic_year_number'))
    )
    create_indexes('school_terms', 'region_id')

    op.create_table('partnerships',
    id_column(),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=False),
    sa.Column('partner_kind', sa.Enum('SCHOOL', 'COLLEGE', 'INSTITUTE', 'OTHER', name='partnerkind', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('ACTIVE', 'SUSPENDED', 'FINISHED', name='partnershipstatus', native_enum=False, length=32), nullable=False),
    sa.Column('agreement_number', sa.String(length=60), nullable=True),
    sa.Column('agreement_date', sa.Date(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('plan', sa.Text(), nullable=True),
    sa.Column('school_name', sa.String(length=200), nullable=False),
    sa.Column('partner_name', sa.String(length=200), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    *record_columns(deleted=True),
    *foreign_keys('partnerships', created_by_id='users', partner_id='organizations',
                                  school_id='organizations'),
    primary_key('partnerships')
    )
    create_indexes('partnerships', 'end_date', 'partner_id', 'partner_kind', 'school_id',
                                   'start_date', 'status')

    op.create_table('practices',
    id_column(),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('author_org_id', sa.Integer(), nullable=False),
    sa.Column('authors', sa.Text(), nullable=False),
    sa.Column('topic', sa.String(length=300), nullable=False),
    sa.Column('problem', sa.Enum('LOW_MOTIVATION', 'WEAK_READING', 'EXAM_PREPARATION', 'LOW_ACHIEVERS', 'FUNCTIONAL_LITERACY', 'TEACHER_SKILLS', 'MANAGEMENT', 'PARENTS', 'SOCIAL_CONDITIONS', 'SPECIAL_NEEDS', 'CAREER_GUIDANCE', 'OTHER', name='practiceproblem', native_enum=False, length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('results', sa.Text(), nullable=True),
    sa.Column('org_name', sa.String(length=200), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    *record_columns(deleted=True),
    *foreign_keys('practices', author_org_id='organizations', created_by_id='users'),
    primary_key('practices')
    )
    create_indexes('practices', 'author_org_id', 'problem')

    op.create_table('joint_events',
    id_column(),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('SEMINAR', 'OPEN_LESSON', 'MASTER_CLASS', 'CONSULTATION', 'TEACHERS_COUNCIL', 'OPEN_DAY', 'OTHER', name='eventkind', native_enum=False, length=32), nullable=False),
    sa.Column('venue', sa.Enum('SCHOOL', 'PARTNER', 'ONLINE', 'OTHER', name='eventvenue', native_enum=False, length=32), nullable=False),
    sa.Column('topic', sa.Text(), nullable=False),
    sa.Column('school_participants', sa.Integer(), nullable=False),
    sa.Column('partner_participants', sa.Integer(), nullable=False),
    sa.Column('result', sa.Text(), nullable=True),
    *record_columns(deleted=True),
    *foreign_keys('joint_events', created_by_id='users', partnership_id='partnerships'),
    primary_key('joint_events')
    )
    create_indexes('joint_events', 'event_date', 'kind', 'partnership_id')

    op.create_table('partnership_people',
    id_column(),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('SCHOOL', 'PARTNER', name='partnershipside', native_enum=False, length=32), nullable=False),
    sa.Column('position_no', sa.Integer(), nullable=False),
    sa.Column('staff_member_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('job_title', sa.String(length=200), nullable=True),
    *record_columns(),
    *foreign_keys('partnership_people', created_by_id='users', partnership_id='partnerships',
                                        staff_member_id='staff_members'),
    primary_key('partnership_people')
    )
    create_indexes('partnership_people', 'partnership_id')

    op.create_table('practice_links',
    id_column(),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('object_type', sa.String(length=60), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    *record_columns(),
    *foreign_keys('practice_links', created_by_id='users', practice_id='practices'),
    primary_key('practice_links'),
    sa.UniqueConstraint('practice_id', 'object_type', 'object_id', name=op.f('uq_practice_links_practice_id_object_type_object_id'))
    )
    create_indexes('practice_links', 'object_id', 'object_type', 'practice_id')

    op.create_table('joint_event_participants',
    id_column(),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('staff_member_id', sa.Integer(), nullable=False),
    *foreign_keys('joint_event_participants', event_id='joint_events',
                                              staff_member_id='staff_members'),
    primary_key('joint_event_participants'),
    sa.UniqueConstraint('event_id', 'staff_member_id', name=op.f('uq_joint_event_participants_event_id_staff_member_id'))
    )
    create_indexes('joint_event_participants', 'event_id', 'staff_member_id')


def downgrade():
    drop_indexes('joint_event_participants', 'staff_member_id', 'event_id')

    op.drop_table('joint_event_participants')
    drop_indexes('practice_links', 'practice_id', 'object_type', 'object_id')

    op.drop_table('practice_links')
    drop_indexes('partnership_people', 'partnership_id')

    op.drop_table('partnership_people')
    drop_indexes('joint_events', 'partnership_id', 'kind', 'event_date')

    op.drop_table('joint_events')
    drop_indexes('practices', 'problem', 'author_org_id')

    op.drop_table('practices')
    drop_indexes('partnerships', 'status', 'start_date', 'school_id', 'partner_kind', 'partner_id',
                                 'end_date')

    op.drop_table('partnerships')
    drop_indexes('school_terms', 'region_id')

    op.drop_table('school_terms')
