"""courses: catalogue, topics (with the default list), enrollments, development plans (ИОМ)

Revision ID: 34356a551cdd
Revises: 9c4f1da3872d
Create Date: 2026-11-23 11:36:43.233763

"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

from columns import (
    id_column, record_columns, foreign_keys, primary_key, create_indexes, drop_indexes,
)


revision = '34356a551cdd'
down_revision = '9c4f1da3872d'


def upgrade():
    topics = op.create_table('course_topics',
    id_column(),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('low_achievers', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    *record_columns(),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_course_topics_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_topics')),
    sa.UniqueConstraint('name', name=op.f('uq_course_topics_name'))
    )
    op.create_table('courses',
    id_column(),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('provider_kind', sa.Enum('INSTITUTE', 'CNPPM', 'OTHER', name='providerkind', native_enum=False, length=32), nullable=False),
    sa.Column('provider_name', sa.String(length=300), nullable=False),
    sa.Column('provider_org_id', sa.Integer(), nullable=True),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.Enum('IN_PERSON', 'DISTANCE', 'BLENDED', name='courseformat', native_enum=False, length=32), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('archived', sa.Boolean(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    *record_columns(deleted=True),
    *foreign_keys('courses', created_by_id='users', municipality_id='municipalities',
                             provider_org_id='organizations', region_id='regions',
                             topic_id='course_topics'),
    primary_key('courses')
    )
    create_indexes('courses', 'municipality_id', 'provider_org_id', 'region_id', 'topic_id')

    op.create_table('development_plans',
    id_column(),
    sa.Column('kind', sa.Enum('TEACHER', 'TEAM', name='plankind', native_enum=False, length=32), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('staff_member_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=True),
    sa.Column('goal', sa.Text(), nullable=True),
    *record_columns(deleted=True),
    *foreign_keys('development_plans', created_by_id='users', organization_id='organizations',
                                       staff_member_id='staff_members'),
    primary_key('development_plans')
    )
    create_indexes('development_plans', 'organization_id', 'staff_member_id')

    op.create_table('enrollments',
    id_column(),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('staff_member_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('APPLIED', 'STUDYING', 'COMPLETED', 'NOT_COMPLETED', name='enrollmentstatus', native_enum=False, length=32), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('certificate_number', sa.String(length=60), nullable=True),
    sa.Column('provider_key', sa.String(length=200), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    *record_columns(deleted=True),
    *foreign_keys('enrollments', course_id='courses', created_by_id='users',
                                 organization_id='organizations', staff_member_id='staff_members'),
    primary_key('enrollments'),
    sa.UniqueConstraint('provider_key', 'certificate_number', name=op.f('uq_enrollments_provider_key_certificate_number'))
    )
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrollments_course_id'), ['course_id'], unique=False)
        batch_op.create_index('ix_enrollments_report', ['organization_id', 'status', 'completed_on'], unique=False)
        batch_op.create_index('ix_enrollments_staff_completed', ['staff_member_id', 'status', 'completed_on'], unique=False)

    op.create_table('plan_activities',
    id_column(),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('COURSE', 'MENTORING', 'SEMINAR', 'SELF_STUDY', name='activitykind', native_enum=False, length=32), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('staff_member_id', sa.Integer(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('closed_by_enrollment_id', sa.Integer(), nullable=True),
    *record_columns(),
    *foreign_keys('plan_activities', closed_by_enrollment_id='enrollments', course_id='courses',
                                     created_by_id='users', plan_id='development_plans',
                                     staff_member_id='staff_members'),
    primary_key('plan_activities')
    )
    create_indexes('plan_activities', 'course_id', 'plan_id')

    op.create_table('plan_deficits',
    id_column(),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('SUBJECT', 'METHODICAL', 'PSYCHOLOGICAL', 'COMMUNICATIVE', 'MANAGERIAL', name='deficitkind', native_enum=False, length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    *record_columns(),
    *foreign_keys('plan_deficits', created_by_id='users', plan_id='development_plans'),
    primary_key('plan_deficits')
    )
    create_indexes('plan_deficits', 'plan_id')

    # Reference data: the topic areas users start with (an admin extends the list).
    now = datetime.now(timezone.utc)
    op.bulk_insert(topics, [
        {"name": name, "low_achievers": low, "position": i * 10, "active": True,
         "created_at": now, "updated_at": now}
        for i, (name, low) in enumerate(DEFAULT_TOPICS, start=1)])


DEFAULT_TOPICS = [  # as written then; shnor_app/reference_data.py COURSE_TOPICS
    ("Оценивание ЕГЭ/ОГЭ/ВПР", False),
    ("Управленческие команды ШНОР", False),
    ("Работа со слабоуспевающими и неуспевающими обучающимися", True),
    ("Предметная методика", False),
    ("Функциональная грамотность", False),
    ("Психолого-педагогическое сопровождение", False),
    ("Другое", False),
]


def downgrade():
    drop_indexes('plan_deficits', 'plan_id')

    op.drop_table('plan_deficits')
    drop_indexes('plan_activities', 'plan_id', 'course_id')

    op.drop_table('plan_activities')
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_index('ix_enrollments_staff_completed')
        batch_op.drop_index('ix_enrollments_report')
        batch_op.drop_index(batch_op.f('ix_enrollments_course_id'))

    op.drop_table('enrollments')
    drop_indexes('development_plans', 'staff_member_id', 'organization_id')

    op.drop_table('development_plans')
    drop_indexes('courses', 'topic_id', 'region_id', 'provider_org_id', 'municipality_id')

    op.drop_table('courses')
    op.drop_table('course_topics')
