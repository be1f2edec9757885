"""mentoring pairs and plans, visits with visitors and lessons

Revision ID: 9c4f1da3872d
Revises: 7c1e5a9d2b40
Create Date: 2026-11-23 11:37:43.087361

"""
from alembic import op
import sqlalchemy as sa

from columns import (
    id_column, record_columns, foreign_keys, primary_key, create_indexes, drop_indexes,
)


revision = '9c4f1da3872d'
down_revision = '7c1e5a9d2b40'


def upgrade():
    # The users table exists already: created_by_id gets a plain inline foreign key (no use_alter).
    op.create_table('mentoring_pairs',
    id_column(),
    sa.Column('kind', sa.Enum('TEACHER', 'SCHOOL', 'MANAGEMENT', name='pairkind', native_enum=False, length=32), nullable=False),
    sa.Column('mentor_org_id', sa.Integer(), nullable=True),
    sa.Column('mentee_org_id', sa.Integer(), nullable=False),
    sa.Column('mentor_staff_id', sa.Integer(), nullable=True),
    sa.Column('mentee_staff_id', sa.Integer(), nullable=True),
    sa.Column('curator_id', sa.Integer(), nullable=True),
    sa.Column('goals', sa.Text(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('PLANNED', 'ACTIVE', 'COMPLETED', 'TERMINATED', name='pairstatus', native_enum=False, length=32), nullable=False),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    *record_columns(deleted=True),
    *foreign_keys('mentoring_pairs', created_by_id='users', curator_id='users',
                                     mentee_org_id='organizations', mentee_staff_id='staff_members',
                                     mentor_org_id='organizations', mentor_staff_id='staff_members'),
    primary_key('mentoring_pairs')
    )
    create_indexes('mentoring_pairs', 'curator_id', 'kind', 'mentee_org_id', 'mentor_org_id',
                                      'status')

    op.create_table('mentoring_steps',
    id_column(),
    sa.Column('pair_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    *record_columns(deleted=True),
    *foreign_keys('mentoring_steps', created_by_id='users', pair_id='mentoring_pairs'),
    primary_key('mentoring_steps')
    )
    create_indexes('mentoring_steps', 'pair_id')

    op.create_table('visits',
    id_column(),
    sa.Column('kind', sa.Enum('METHODICAL', 'LANDING', 'LESSONS', 'MONITORING', name='visitkind', native_enum=False, length=32), nullable=False),
    sa.Column('visit_date', sa.Date(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('visiting_org_id', sa.Integer(), nullable=False),
    sa.Column('pair_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('consultations', sa.Text(), nullable=False),
    sa.Column('documents_reviewed', sa.Text(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('printed_at', sa.DateTime(timezone=True), nullable=True),
    *record_columns(deleted=True),
    *foreign_keys('visits', created_by_id='users', pair_id='mentoring_pairs',
                            school_id='organizations', visiting_org_id='organizations'),
    primary_key('visits')
    )
    create_indexes('visits', 'pair_id', 'school_id', 'visit_date', 'visiting_org_id')

    op.create_table('visit_lessons',
    id_column(),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('teacher_name', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('grade', sa.String(length=30), nullable=False),
    sa.Column('focus', sa.Text(), nullable=False),
    sa.Column('assessment', sa.Text(), nullable=False),
    *foreign_keys('visit_lessons', staff_id='staff_members', visit_id='visits'),
    primary_key('visit_lessons')
    )
    create_indexes('visit_lessons', 'visit_id')

    op.create_table('visit_visitors',
    id_column(),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('job_title', sa.String(length=200), nullable=False),
    *foreign_keys('visit_visitors', user_id='users', visit_id='visits'),
    primary_key('visit_visitors')
    )
    create_indexes('visit_visitors', 'visit_id')


def downgrade():
    drop_indexes('visit_visitors', 'visit_id')

    op.drop_table('visit_visitors')
    drop_indexes('visit_lessons', 'visit_id')

    op.drop_table('visit_lessons')
    drop_indexes('visits', 'visiting_org_id', 'visit_date', 'school_id', 'pair_id')

    op.drop_table('visits')
    drop_indexes('mentoring_steps', 'pair_id')

    op.drop_table('mentoring_steps')
    drop_indexes('mentoring_pairs', 'status', 'mentor_org_id', 'mentee_org_id', 'kind', 'curator_id')

    op.drop_table('mentoring_pairs')
