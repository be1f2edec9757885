"""monitoring: assessment results, approvals of the identified list, indicators, risk profiles

The ten federal risk factors of «500+» are reference data and are seeded here. The created_by
foreign keys are created inline (users exists already), not with use_alter, so that PostgreSQL
gets them too.

Revision ID: a7c3e5d91b20
Revises: dbf753247e5c
Create Date: 2026-11-23 11:36:33.092398

"""
from alembic import op
import sqlalchemy as sa

from columns import (
    id_column, record_columns, foreign_key, foreign_keys, primary_key, create_indexes,
    drop_indexes,
)


revision = 'a7c3e5d91b20'
down_revision = 'dbf753247e5c'


def upgrade():
    op.create_table('risk_factors',
    id_column(),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    *record_columns(),
    foreign_key('risk_factors', 'created_by_id', 'users'),
    primary_key('risk_factors'),
    sa.UniqueConstraint('code', name=op.f('uq_risk_factors_code'))
    )
    op.create_table('indicators',
    id_column(),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=60), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('scoring', sa.Enum('BANDS', 'DYNAMICS', name='indicatorscoring', native_enum=False, length=32), nullable=False),
    sa.Column('bands', sa.JSON(), nullable=False),
    sa.Column('dynamics', sa.JSON(), nullable=False),
    *record_columns(deleted=True),
    *foreign_keys('indicators', created_by_id='users', municipality_id='municipalities'),
    primary_key('indicators')
    )
    create_indexes('indicators', 'municipality_id')

    op.create_table('assessment_results',
    id_column(),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('procedure', sa.Enum('VPR', 'OGE', 'EGE', name='procedure', native_enum=False, length=32), nullable=False),
    sa.Column('subject', sa.String(length=100), nullable=False),
    sa.Column('grade', sa.Integer(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=True),
    sa.Column('share_2', sa.Float(), nullable=True),
    sa.Column('share_5', sa.Float(), nullable=True),
    sa.Column('mean_score', sa.Float(), nullable=True),
    *record_columns(),
    *foreign_keys('assessment_results', created_by_id='users', organization_id='organizations'),
    primary_key('assessment_results'),
    sa.UniqueConstraint('organization_id', 'year', 'procedure', 'subject', 'grade', name=op.f('uq_assessment_results_organization_id_year_procedure_subject_grade'))
    )
    create_indexes('assessment_results', 'organization_id', 'procedure', 'year')

    op.create_table('identification_approvals',
    id_column(),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status_year', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('order_kind', sa.Enum('ORDER', 'DIRECTIVE', 'RESOLUTION', name='orderkind', native_enum=False, length=32), nullable=False),
    sa.Column('order_number', sa.String(length=60), nullable=False),
    sa.Column('order_date', sa.Date(), nullable=False),
    sa.Column('org_ids', sa.JSON(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    *record_columns(),
    *foreign_keys('identification_approvals', approved_by_id='users', created_by_id='users',
                                              municipality_id='municipalities', region_id='regions'),
    primary_key('identification_approvals')
    )
    create_indexes('identification_approvals', 'municipality_id', 'region_id', 'year')

    op.create_table('school_risks',
    id_column(),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('risk_factor_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Enum('HIGH', 'MEDIUM', 'LOW', name='risklevel', native_enum=False, length=32), nullable=False),
    sa.Column('roadmap_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    *record_columns(deleted=True),
    *foreign_keys('school_risks', created_by_id='users', organization_id='organizations',
                                  risk_factor_id='risk_factors', roadmap_id='roadmaps'),
    primary_key('school_risks'),
    sa.UniqueConstraint('organization_id', 'year', 'risk_factor_id', name=op.f('uq_school_risks_organization_id_year_risk_factor_id'))
    )
    create_indexes('school_risks', 'organization_id', 'risk_factor_id', 'year')

    _seed_risk_factors()


FEDERAL_RISK_FACTORS = [  # as written then; shnor_app/reference_data.py RISK_FACTORS
    ("R01", "Низкий уровень оснащения школы"),
    ("R02", "Дефицит педагогических кадров"),
    ("R03", "Недостаточная предметная и методическая компетентность педагогических работников"),
    ("R04", "Риски низкой адаптивности учебного процесса"),
    ("R05", "Несформированность внутришкольной системы повышения квалификации"),
    ("R06", "Высокая доля обучающихся с рисками учебной неуспешности"),
    ("R07", "Низкое качество преодоления языковых и культурных барьеров"),
    ("R08", "Пониженный уровень качества школьной образовательной и воспитательной среды"),
    ("R09", "Высокая доля обучающихся с ОВЗ"),
    ("R10", "Низкая вовлечённость родителей"),
]


def _seed_risk_factors():
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc)
    table = sa.table("risk_factors", sa.column("code", sa.String), sa.column("name", sa.String),
                     sa.column("position", sa.Integer), sa.column("active", sa.Boolean),
                     sa.column("created_at", sa.DateTime(timezone=True)),
                     sa.column("updated_at", sa.DateTime(timezone=True)))
    op.bulk_insert(table, [{"code": code, "name": name, "position": i, "active": True,
                            "created_at": now, "updated_at": now}
                           for i, (code, name) in enumerate(FEDERAL_RISK_FACTORS, start=1)])


def downgrade():
    drop_indexes('school_risks', 'year', 'risk_factor_id', 'organization_id')

    op.drop_table('school_risks')
    drop_indexes('identification_approvals', 'year', 'region_id', 'municipality_id')

    op.drop_table('identification_approvals')
    drop_indexes('assessment_results', 'year', 'procedure', 'organization_id')

    op.drop_table('assessment_results')
    drop_indexes('indicators', 'municipality_id')

    op.drop_table('indicators')
    op.drop_table('risk_factors')
