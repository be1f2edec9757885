"""interviews

Revision ID: 7c1e5a9d2b40
Revises: a7c3e5d91b20
Create Date: 2026-11-23 11:37:41.694076

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e5a9d2b40'
down_revision = 'a7c3e5d91b20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('interview_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.Text(), nullable=False),
    sa.Column('agenda_template', sa.Text(), nullable=False),
    sa.Column('default_place', sa.String(length=500), nullable=True),
    sa.Column('default_link', sa.String(length=500), nullable=True),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['authority_id'], ['organizations.id'], name=op.f('fk_interview_series_authority_id_organizations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_interview_series_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interview_series'))
    )
    with op.batch_alter_table('interview_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_series_authority_id'), ['authority_id'], unique=False)

    op.create_table('protocol_counters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['organizations.id'], name=op.f('fk_protocol_counters_authority_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_protocol_counters')),
    sa.UniqueConstraint('authority_id', 'year', name=op.f('uq_protocol_counters_authority_id_year'))
    )
    op.create_table('interview_commission_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('CHAIR', 'SECRETARY', 'MEMBER', name='commissionrole', native_enum=False, length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('job_title', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_interview_commission_members_created_by_id_users')),
    sa.ForeignKeyConstraint(['series_id'], ['interview_series.id'], name=op.f('fk_interview_commission_members_series_id_interview_series')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_interview_commission_members_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interview_commission_members'))
    )
    with op.batch_alter_table('interview_commission_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interview_commission_members_series_id'), ['series_id'], unique=False)

    op.create_table('meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('INTERVIEW', 'DIRECTORS_MEETING', 'COORDINATION_COUNCIL', 'OTHER', name='meetingkind', native_enum=False, length=32), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('director_name', sa.String(length=200), nullable=True),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.Column('end_time', sa.Time(), nullable=True),
    sa.Column('place', sa.String(length=500), nullable=True),
    sa.Column('video_link', sa.String(length=500), nullable=True),
    sa.Column('heading', sa.Text(), nullable=False),
    sa.Column('secretary_user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('PLANNED', 'HELD', name='meetingstatus', native_enum=False, length=32), nullable=False),
    sa.Column('held_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('held_by_id', sa.Integer(), nullable=True),
    sa.Column('protocol_year', sa.Integer(), nullable=True),
    sa.Column('protocol_number', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['authority_id'], ['organizations.id'], name=op.f('fk_meetings_authority_id_organizations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meetings_created_by_id_users')),
    sa.ForeignKeyConstraint(['held_by_id'], ['users.id'], name=op.f('fk_meetings_held_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_meetings_organization_id_organizations')),
    sa.ForeignKeyConstraint(['secretary_user_id'], ['users.id'], name=op.f('fk_meetings_secretary_user_id_users')),
    sa.ForeignKeyConstraint(['series_id'], ['interview_series.id'], name=op.f('fk_meetings_series_id_interview_series')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meetings')),
    sa.UniqueConstraint('authority_id', 'protocol_year', 'protocol_number', name=op.f('uq_meetings_authority_id_protocol_year_protocol_number'))
    )
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meetings_authority_id'), ['authority_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_meeting_date'), ['meeting_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_series_id'), ['series_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meetings_status'), ['status'], unique=False)

    op.create_table('meeting_agenda_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('heard_who', sa.Text(), nullable=False),
    sa.Column('heard_summary', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meeting_agenda_items_created_by_id_users')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_agenda_items_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_agenda_items'))
    )
    with op.batch_alter_table('meeting_agenda_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_agenda_items_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('CHAIR', 'SECRETARY', 'MEMBER', 'PARTICIPANT', 'INVITED', name='participantrole', native_enum=False, length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('job_title', sa.String(length=300), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meeting_participants_created_by_id_users')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_meeting_participants_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_meeting_participants_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_participants'))
    )
    with op.batch_alter_table('meeting_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_participants_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_participants_user_id'), ['user_id'], unique=False)

    op.create_table('protocol_amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('amended_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_protocol_amendments_author_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_protocol_amendments_created_by_id_users')),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_protocol_amendments_meeting_id_meetings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_protocol_amendments'))
    )
    with op.batch_alter_table('protocol_amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_protocol_amendments_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('meeting_agenda_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('responsible', sa.String(length=300), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meeting_agenda_decisions_created_by_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['meeting_agenda_items.id'], name=op.f('fk_meeting_agenda_decisions_item_id_meeting_agenda_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_agenda_decisions'))
    )
    with op.batch_alter_table('meeting_agenda_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_agenda_decisions_item_id'), ['item_id'], unique=False)

    op.create_table('meeting_agenda_speeches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('who', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_meeting_agenda_speeches_created_by_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['meeting_agenda_items.id'], name=op.f('fk_meeting_agenda_speeches_item_id_meeting_agenda_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_agenda_speeches'))
    )
    with op.batch_alter_table('meeting_agenda_speeches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_agenda_speeches_item_id'), ['item_id'], unique=False)



def downgrade():
    with op.batch_alter_table('meeting_agenda_speeches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_agenda_speeches_item_id'))

    op.drop_table('meeting_agenda_speeches')
    with op.batch_alter_table('meeting_agenda_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_agenda_decisions_item_id'))

    op.drop_table('meeting_agenda_decisions')
    with op.batch_alter_table('protocol_amendments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_protocol_amendments_meeting_id'))

    op.drop_table('protocol_amendments')
    with op.batch_alter_table('meeting_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_participants_user_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_participants_meeting_id'))

    op.drop_table('meeting_participants')
    with op.batch_alter_table('meeting_agenda_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_agenda_items_meeting_id'))

    op.drop_table('meeting_agenda_items')
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meetings_status'))
        batch_op.drop_index(batch_op.f('ix_meetings_series_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_organization_id'))
        batch_op.drop_index(batch_op.f('ix_meetings_meeting_date'))
        batch_op.drop_index(batch_op.f('ix_meetings_kind'))
        batch_op.drop_index(batch_op.f('ix_meetings_authority_id'))

    op.drop_table('meetings')
    with op.batch_alter_table('interview_commission_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_commission_members_series_id'))

    op.drop_table('interview_commission_members')
    op.drop_table('protocol_counters')
    with op.batch_alter_table('interview_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interview_series_authority_id'))

    op.drop_table('interview_series')
