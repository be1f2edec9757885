"""registry keys of organisations (ОГРН, КПП, ФИС ОКО login, ГИА code, accreditation registry
Id, head of a branch) and the personal data of staff (СНИЛС, date of birth)

Revision ID: c4e7a1b2d903
Revises: 2f53282f82f4
Create Date: 2026-12-06 20:20:00

Imports of the registry and of staff lists match organisations and people by these keys.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e7a1b2d903'
down_revision = '2f53282f82f4'


def upgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ogrn', sa.String(length=15), nullable=True))
        batch_op.add_column(sa.Column('kpp', sa.String(length=9), nullable=True))
        batch_op.add_column(sa.Column('fis_oko_login', sa.String(length=9), nullable=True))
        batch_op.add_column(sa.Column('gia_code', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('registry_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('head_organization_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_organizations_fis_oko_login'), ['fis_oko_login'], unique=False)
        batch_op.create_index(batch_op.f('ix_organizations_gia_code'), ['gia_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_organizations_registry_key'), ['registry_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_organizations_head_organization_id'), ['head_organization_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_organizations_head_organization_id_organizations'),
                                    'organizations', ['head_organization_id'], ['id'])
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('snils', sa.String(length=11), nullable=True))
        batch_op.add_column(sa.Column('birth_date', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_staff_members_snils'), ['snils'], unique=False)


def downgrade():
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_members_snils'))
        batch_op.drop_column('birth_date')
        batch_op.drop_column('snils')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_organizations_head_organization_id_organizations'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_organizations_head_organization_id'))
        batch_op.drop_index(batch_op.f('ix_organizations_registry_key'))
        batch_op.drop_index(batch_op.f('ix_organizations_gia_code'))
        batch_op.drop_index(batch_op.f('ix_organizations_fis_oko_login'))
        batch_op.drop_column('head_organization_id')
        batch_op.drop_column('registry_key')
        batch_op.drop_column('gia_code')
        batch_op.drop_column('fis_oko_login')
        batch_op.drop_column('kpp')
        batch_op.drop_column('ogrn')
