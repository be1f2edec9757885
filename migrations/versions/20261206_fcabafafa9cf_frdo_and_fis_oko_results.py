"""ФРДО certificates and ФИС ОКО per-pupil results: registration numbers, mark scales, sources

Revision ID: fcabafafa9cf
Revises: c4e7a1b2d903
Create Date: 2026-12-06 20:25:00

* ``enrollments.registration_number`` — the certificate's registration number (ФИС ФРДО);
* ``mark_scales`` — the minimum primary points for «3», «4», «5» per year, procedure, subject
  and grade;
* ``assessment_results.source_file`` and ``.points`` — the file a result came from and, for
  per-pupil downloads without marks, how many pupils scored each total (recomputed when the
  scale is replaced).
"""
from alembic import op
import sqlalchemy as sa

from columns import (
    id_column, record_columns, foreign_key, primary_key, create_indexes, drop_indexes,
)


revision = 'fcabafafa9cf'
down_revision = 'c4e7a1b2d903'


def upgrade():
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_number', sa.String(length=60), nullable=True))
    with op.batch_alter_table('assessment_results', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_file', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('points', sa.JSON(), nullable=True))
    op.create_table('mark_scales',
    id_column(),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('procedure', sa.Enum('VPR', 'OGE', 'EGE', name='procedure', native_enum=False, length=32), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=False),
    sa.Column('subject_key', sa.String(length=100), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('min_3', sa.Integer(), nullable=False),
    sa.Column('min_4', sa.Integer(), nullable=False),
    sa.Column('min_5', sa.Integer(), nullable=False),
    sa.Column('tasks', sa.Integer(), nullable=True),
    *record_columns(),
    foreign_key('mark_scales', 'created_by_id', 'users'),
    primary_key('mark_scales'),
    sa.UniqueConstraint('year', 'procedure', 'subject_key', 'grade', name=op.f('uq_mark_scales_year_procedure_subject_key_grade'))
    )
    create_indexes('mark_scales', 'year')


def downgrade():
    drop_indexes('mark_scales', 'year')
    op.drop_table('mark_scales')
    with op.batch_alter_table('assessment_results', schema=None) as batch_op:
        batch_op.drop_column('points')
        batch_op.drop_column('source_file')
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_column('registration_number')
