"""coverage indexes: enrollments and staff read from the index alone by the coverage probes

Revision ID: b5e2c7a4d913
Revises: 34356a551cdd
Create Date: 2026-11-23 15:00:00

The course coverage (services/coverage.py) asks, per teacher employed on a date, whether a
counted enrollment exists. ``ix_enrollments_staff_coverage`` widens
``ix_enrollments_staff_completed`` (its prefix) with ``deleted_at`` and ``course_id``;
``ix_staff_members_employed`` widens ``ix_staff_members_organization_id`` (its prefix) with the
employment columns.
"""
from columns import replace_index


revision = 'b5e2c7a4d913'
down_revision = '34356a551cdd'


def upgrade():
    replace_index('enrollments', 'ix_enrollments_staff_completed', 'ix_enrollments_staff_coverage',
                  ['staff_member_id', 'status', 'completed_on', 'deleted_at', 'course_id'])

    replace_index('staff_members', 'ix_staff_members_organization_id', 'ix_staff_members_employed',
                  ['organization_id', 'deleted_at', 'hired_on', 'left_on', 'id'])


def downgrade():
    replace_index('staff_members', 'ix_staff_members_employed', 'ix_staff_members_organization_id',
                  ['organization_id'])

    replace_index('enrollments', 'ix_enrollments_staff_coverage', 'ix_enrollments_staff_completed',
                  ['staff_member_id', 'status', 'completed_on'])
