"""mentoring pairs and plans, visits with visitors and lessons

Revision ID: 9c4f1da3872d
Revises: 7c1e5a9d2b40
Create Date: 2026-11-23 11:37:43.087361

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c4f1da3872d'
down_revision = '7c1e5a9d2b40'
branch_labels = None
depends_on = None


def upgrade():
    # The users table exists already: created_by_id gets a plain inline foreign key (no use_alter).
    op.create_table('mentoring_pairs',
    sa.Column('id', sa.Integer(), nullable=False),
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
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_mentoring_pairs_created_by_id_users')),
    sa.ForeignKeyConstraint(['curator_id'], ['users.id'], name=op.f('fk_mentoring_pairs_curator_id_users')),
    sa.ForeignKeyConstraint(['mentee_org_id'], ['organizations.id'], name=op.f('fk_mentoring_pairs_mentee_org_id_organizations')),
    sa.ForeignKeyConstraint(['mentee_staff_id'], ['staff_members.id'], name=op.f('fk_mentoring_pairs_mentee_staff_id_staff_members')),
    sa.ForeignKeyConstraint(['mentor_org_id'], ['organizations.id'], name=op.f('fk_mentoring_pairs_mentor_org_id_organizations')),
    sa.ForeignKeyConstraint(['mentor_staff_id'], ['staff_members.id'], name=op.f('fk_mentoring_pairs_mentor_staff_id_staff_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentoring_pairs'))
    )
    with op.batch_alter_table('mentoring_pairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentoring_pairs_curator_id'), ['curator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentoring_pairs_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentoring_pairs_mentee_org_id'), ['mentee_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentoring_pairs_mentor_org_id'), ['mentor_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentoring_pairs_status'), ['status'], unique=False)

    op.create_table('mentoring_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pair_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_mentoring_steps_created_by_id_users')),
    sa.ForeignKeyConstraint(['pair_id'], ['mentoring_pairs.id'], name=op.f('fk_mentoring_steps_pair_id_mentoring_pairs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mentoring_steps'))
    )
    with op.batch_alter_table('mentoring_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentoring_steps_pair_id'), ['pair_id'], unique=False)

    op.create_table('visits',
    sa.Column('id', sa.Integer(), nullable=False),
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
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_visits_created_by_id_users')),
    sa.ForeignKeyConstraint(['pair_id'], ['mentoring_pairs.id'], name=op.f('fk_visits_pair_id_mentoring_pairs')),
    sa.ForeignKeyConstraint(['school_id'], ['organizations.id'], name=op.f('fk_visits_school_id_organizations')),
    sa.ForeignKeyConstraint(['visiting_org_id'], ['organizations.id'], name=op.f('fk_visits_visiting_org_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visits'))
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_pair_id'), ['pair_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_visit_date'), ['visit_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_visits_visiting_org_id'), ['visiting_org_id'], unique=False)

    op.create_table('visit_lessons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('teacher_name', sa.String(length=200), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('grade', sa.String(length=30), nullable=False),
    sa.Column('focus', sa.Text(), nullable=False),
    sa.Column('assessment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_members.id'], name=op.f('fk_visit_lessons_staff_id_staff_members')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_lessons_visit_id_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_lessons'))
    )
    with op.batch_alter_table('visit_lessons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_lessons_visit_id'), ['visit_id'], unique=False)

    op.create_table('visit_visitors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('job_title', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_visit_visitors_user_id_users')),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], name=op.f('fk_visit_visitors_visit_id_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_visitors'))
    )
    with op.batch_alter_table('visit_visitors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_visitors_visit_id'), ['visit_id'], unique=False)

    # ### end Alembic commands ###


def downgrade():
    with op.batch_alter_table('visit_visitors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_visitors_visit_id'))

    op.drop_table('visit_visitors')
    with op.batch_alter_table('visit_lessons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_lessons_visit_id'))

    op.drop_table('visit_lessons')
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visits_visiting_org_id'))
        batch_op.drop_index(batch_op.f('ix_visits_visit_date'))
        batch_op.drop_index(batch_op.f('ix_visits_school_id'))
        batch_op.drop_index(batch_op.f('ix_visits_pair_id'))

    op.drop_table('visits')
    with op.batch_alter_table('mentoring_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentoring_steps_pair_id'))

    op.drop_table('mentoring_steps')
    with op.batch_alter_table('mentoring_pairs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mentoring_pairs_status'))
        batch_op.drop_index(batch_op.f('ix_mentoring_pairs_mentor_org_id'))
        batch_op.drop_index(batch_op.f('ix_mentoring_pairs_mentee_org_id'))
        batch_op.drop_index(batch_op.f('ix_mentoring_pairs_kind'))
        batch_op.drop_index(batch_op.f('ix_mentoring_pairs_curator_id'))

    op.drop_table('mentoring_pairs')
    # ### end Alembic commands ###
