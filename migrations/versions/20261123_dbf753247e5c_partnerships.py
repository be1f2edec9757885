"""partnerships

Revision ID: dbf753247e5c
Revises: ad7b8d102133
Create Date: 2026-11-23 11:42:42.533311

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dbf753247e5c'
down_revision = 'ad7b8d102133'
branch_labels = None
depends_on = None


def upgrade():
    # The created_by foreign keys are inline (users exists already): a use_alter constraint in
    # create_table is left out on PostgreSQL.
    op.create_table('school_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('academic_year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_school_terms_created_by_id_users')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_school_terms_region_id_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_terms')),
    sa.UniqueConstraint('region_id', 'academic_year', 'number', name=op.f('uq_school_terms_region_id_academic_year_number'))
    )
    with op.batch_alter_table('school_terms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_school_terms_region_id'), ['region_id'], unique=False)

    op.create_table('partnerships',
    sa.Column('id', sa.Integer(), nullable=False),
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
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_partnerships_created_by_id_users')),
    sa.ForeignKeyConstraint(['partner_id'], ['organizations.id'], name=op.f('fk_partnerships_partner_id_organizations')),
    sa.ForeignKeyConstraint(['school_id'], ['organizations.id'], name=op.f('fk_partnerships_school_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnerships'))
    )
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnerships_end_date'), ['end_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_partner_id'), ['partner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_partner_kind'), ['partner_kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_start_date'), ['start_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnerships_status'), ['status'], unique=False)

    op.create_table('practices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('author_org_id', sa.Integer(), nullable=False),
    sa.Column('authors', sa.Text(), nullable=False),
    sa.Column('topic', sa.String(length=300), nullable=False),
    sa.Column('problem', sa.Enum('LOW_MOTIVATION', 'WEAK_READING', 'EXAM_PREPARATION', 'LOW_ACHIEVERS', 'FUNCTIONAL_LITERACY', 'TEACHER_SKILLS', 'MANAGEMENT', 'PARENTS', 'SOCIAL_CONDITIONS', 'SPECIAL_NEEDS', 'CAREER_GUIDANCE', 'OTHER', name='practiceproblem', native_enum=False, length=32), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('results', sa.Text(), nullable=True),
    sa.Column('org_name', sa.String(length=200), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_org_id'], ['organizations.id'], name=op.f('fk_practices_author_org_id_organizations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_practices_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practices'))
    )
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practices_author_org_id'), ['author_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practices_problem'), ['problem'], unique=False)

    op.create_table('joint_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('SEMINAR', 'OPEN_LESSON', 'MASTER_CLASS', 'CONSULTATION', 'TEACHERS_COUNCIL', 'OPEN_DAY', 'OTHER', name='eventkind', native_enum=False, length=32), nullable=False),
    sa.Column('venue', sa.Enum('SCHOOL', 'PARTNER', 'ONLINE', 'OTHER', name='eventvenue', native_enum=False, length=32), nullable=False),
    sa.Column('topic', sa.Text(), nullable=False),
    sa.Column('school_participants', sa.Integer(), nullable=False),
    sa.Column('partner_participants', sa.Integer(), nullable=False),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_joint_events_created_by_id_users')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_joint_events_partnership_id_partnerships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_joint_events'))
    )
    with op.batch_alter_table('joint_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_joint_events_event_date'), ['event_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_joint_events_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_joint_events_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('partnership_people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('SCHOOL', 'PARTNER', name='partnershipside', native_enum=False, length=32), nullable=False),
    sa.Column('position_no', sa.Integer(), nullable=False),
    sa.Column('staff_member_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('job_title', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_partnership_people_created_by_id_users')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_partnership_people_partnership_id_partnerships')),
    sa.ForeignKeyConstraint(['staff_member_id'], ['staff_members.id'], name=op.f('fk_partnership_people_staff_member_id_staff_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_people'))
    )
    with op.batch_alter_table('partnership_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_people_partnership_id'), ['partnership_id'], unique=False)

    op.create_table('practice_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('object_type', sa.String(length=60), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_practice_links_created_by_id_users')),
    sa.ForeignKeyConstraint(['practice_id'], ['practices.id'], name=op.f('fk_practice_links_practice_id_practices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_links')),
    sa.UniqueConstraint('practice_id', 'object_type', 'object_id', name=op.f('uq_practice_links_practice_id_object_type_object_id'))
    )
    with op.batch_alter_table('practice_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_links_object_id'), ['object_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_links_object_type'), ['object_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_practice_links_practice_id'), ['practice_id'], unique=False)

    op.create_table('joint_event_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('staff_member_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['joint_events.id'], name=op.f('fk_joint_event_participants_event_id_joint_events')),
    sa.ForeignKeyConstraint(['staff_member_id'], ['staff_members.id'], name=op.f('fk_joint_event_participants_staff_member_id_staff_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_joint_event_participants')),
    sa.UniqueConstraint('event_id', 'staff_member_id', name=op.f('uq_joint_event_participants_event_id_staff_member_id'))
    )
    with op.batch_alter_table('joint_event_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_joint_event_participants_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_joint_event_participants_staff_member_id'), ['staff_member_id'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('joint_event_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_joint_event_participants_staff_member_id'))
        batch_op.drop_index(batch_op.f('ix_joint_event_participants_event_id'))

    op.drop_table('joint_event_participants')
    with op.batch_alter_table('practice_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_links_practice_id'))
        batch_op.drop_index(batch_op.f('ix_practice_links_object_type'))
        batch_op.drop_index(batch_op.f('ix_practice_links_object_id'))

    op.drop_table('practice_links')
    with op.batch_alter_table('partnership_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_people_partnership_id'))

    op.drop_table('partnership_people')
    with op.batch_alter_table('joint_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_joint_events_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_joint_events_kind'))
        batch_op.drop_index(batch_op.f('ix_joint_events_event_date'))

    op.drop_table('joint_events')
    with op.batch_alter_table('practices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practices_problem'))
        batch_op.drop_index(batch_op.f('ix_practices_author_org_id'))

    op.drop_table('practices')
    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnerships_status'))
        batch_op.drop_index(batch_op.f('ix_partnerships_start_date'))
        batch_op.drop_index(batch_op.f('ix_partnerships_school_id'))
        batch_op.drop_index(batch_op.f('ix_partnerships_partner_kind'))
        batch_op.drop_index(batch_op.f('ix_partnerships_partner_id'))
        batch_op.drop_index(batch_op.f('ix_partnerships_end_date'))

    op.drop_table('partnerships')
    with op.batch_alter_table('school_terms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_school_terms_region_id'))

    op.drop_table('school_terms')
    # ### end Alembic commands ###
