"""interviews

Revision ID: 7c1e5a9d2b40
Revises: a7c3e5d91b20
Create Date: 2026-11-23 11:37:41.694076

"""
from alembic import op
import sqlalchemy as sa

from columns import (
    id_column, record_columns, foreign_key, foreign_keys, primary_key, create_indexes,
    drop_indexes,
)


revision = '7c1e5a9d2b40'
down_revision = 'a7c3e5d91b20'


def upgrade():
    op.create_table('interview_series',
    id_column(),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.Text(), nullable=False),
    sa.Column('agenda_template', sa.Text(), nullable=False),
    sa.Column('default_place', sa.String(length=500), nullable=True),
    sa.Column('default_link', sa.String(length=500), nullable=True),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    *record_columns(deleted=True),
    *foreign_keys('interview_series', authority_id='organizations', created_by_id='users'),
    primary_key('interview_series')
    )
    create_indexes('interview_series', 'authority_id')

    op.create_table('protocol_counters',
    id_column(),
    sa.Column('authority_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    foreign_key('protocol_counters', 'authority_id', 'organizations'),
    primary_key('protocol_counters'),
    sa.UniqueConstraint('authority_id', 'year', name=op.f('uq_protocol_counters_authority_id_year'))
    )
    op.create_table('interview_commission_members',
    id_column(),
    sa.Column('series_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('CHAIR', 'SECRETARY', 'MEMBER', name='commissionrole', native_enum=False, length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('job_title', sa.String(length=300), nullable=False),
    *record_columns(),
    *foreign_keys('interview_commission_members', created_by_id='users',
                                                  series_id='interview_series', user_id='users'),
    primary_key('interview_commission_members')
    )
    create_indexes('interview_commission_members', 'series_id')

    op.create_table('meetings',
    id_column(),
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
    *record_columns(deleted=True),
    *foreign_keys('meetings', authority_id='organizations', created_by_id='users',
                              held_by_id='users', organization_id='organizations',
                              secretary_user_id='users', series_id='interview_series'),
    primary_key('meetings'),
    sa.UniqueConstraint('authority_id', 'protocol_year', 'protocol_number', name=op.f('uq_meetings_authority_id_protocol_year_protocol_number'))
    )
    create_indexes('meetings', 'authority_id', 'kind', 'meeting_date', 'organization_id',
                               'series_id', 'status')

    op.create_table('meeting_agenda_items',
    id_column(),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('heard_who', sa.Text(), nullable=False),
    sa.Column('heard_summary', sa.Text(), nullable=False),
    *record_columns(),
    *foreign_keys('meeting_agenda_items', created_by_id='users', meeting_id='meetings'),
    primary_key('meeting_agenda_items')
    )
    create_indexes('meeting_agenda_items', 'meeting_id')

    op.create_table('meeting_participants',
    id_column(),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('CHAIR', 'SECRETARY', 'MEMBER', 'PARTICIPANT', 'INVITED', name='participantrole', native_enum=False, length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('job_title', sa.String(length=300), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    *record_columns(),
    *foreign_keys('meeting_participants', created_by_id='users', meeting_id='meetings',
                                          user_id='users'),
    primary_key('meeting_participants')
    )
    create_indexes('meeting_participants', 'meeting_id', 'user_id')

    op.create_table('protocol_amendments',
    id_column(),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('amended_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    *record_columns(),
    *foreign_keys('protocol_amendments', author_id='users', created_by_id='users',
                                         meeting_id='meetings'),
    primary_key('protocol_amendments')
    )
    create_indexes('protocol_amendments', 'meeting_id')

    op.create_table('meeting_agenda_decisions',
    id_column(),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('responsible', sa.String(length=300), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    *record_columns(),
    *foreign_keys('meeting_agenda_decisions', created_by_id='users', item_id='meeting_agenda_items'),
    primary_key('meeting_agenda_decisions')
    )
    create_indexes('meeting_agenda_decisions', 'item_id')

    op.create_table('meeting_agenda_speeches',
    id_column(),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('who', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    *record_columns(),
    *foreign_keys('meeting_agenda_speeches', created_by_id='users', item_id='meeting_agenda_items'),
    primary_key('meeting_agenda_speeches')
    )
    create_indexes('meeting_agenda_speeches', 'item_id')


def downgrade():
    drop_indexes('meeting_agenda_speeches', 'item_id')

    op.drop_table('meeting_agenda_speeches')
    drop_indexes('meeting_agenda_decisions', 'item_id')

    op.drop_table('meeting_agenda_decisions')
    drop_indexes('protocol_amendments', 'meeting_id')

    op.drop_table('protocol_amendments')
    drop_indexes('meeting_participants', 'user_id', 'meeting_id')

    op.drop_table('meeting_participants')
    drop_indexes('meeting_agenda_items', 'meeting_id')

    op.drop_table('meeting_agenda_items')
    drop_indexes('meetings', 'status', 'series_id', 'organization_id', 'meeting_date', 'kind',
                             'authority_id')

    op.drop_table('meetings')
    drop_indexes('interview_commission_members', 'series_id')

    op.drop_table('interview_commission_members')
    op.drop_table('protocol_counters')
    drop_indexes('interview_series', 'authority_id')

    op.drop_table('interview_series')
