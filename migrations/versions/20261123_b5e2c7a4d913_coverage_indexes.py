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
from alembic import op


revision = 'b5e2c7a4d913'
down_revision = '34356a551cdd'


def upgrade():
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_index('ix_enrollments_staff_completed')
        batch_op.create_index('ix_enrollments_staff_coverage', ['staff_member_id', 'status', 'completed_on', 'deleted_at', 'course_id'], unique=False)

    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_members_organization_id')
        batch_op.create_index('ix_staff_members_employed', ['organization_id', 'deleted_at', 'hired_on', 'left_on', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_members_employed')
        batch_op.create_index('ix_staff_members_organization_id', ['organization_id'], unique=False)

    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_index('ix_enrollments_staff_coverage')
        batch_op.create_index('ix_enrollments_staff_completed', ['staff_member_id', 'status', 'completed_on'], unique=False)
