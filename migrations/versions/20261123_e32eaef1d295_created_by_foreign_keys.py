"""created_by foreign keys

Revision ID: e32eaef1d295
Revises: 19b87954406f
Create Date: 2026-11-23 11:21:00.594386

"""
from alembic import op
import sqlalchemy as sa


revision = 'e32eaef1d295'
down_revision = '19b87954406f'


def upgrade():
    # SQLite got these constraints inline when the tables were created; autogenerate left the
    # use_alter foreign keys out of create_table, so only other databases need them added.
    if op.get_bind().dialect.name == "sqlite":
        return
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_attachments_created_by_id_users'), 'users', ['created_by_id'], ['id'], use_alter=True)

    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_municipalities_created_by_id_users'), 'users', ['created_by_id'], ['id'], use_alter=True)

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_organizations_created_by_id_users'), 'users', ['created_by_id'], ['id'], use_alter=True)

    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_regions_created_by_id_users'), 'users', ['created_by_id'], ['id'], use_alter=True)

    with op.batch_alter_table('roadmap_item_reports', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_roadmap_item_reports_created_by_id_users'), 'users', ['created_by_id'], ['id'], use_alter=True)

    with op.batch_alter_table('roadmap_items', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_roadmap_items_created_by_id_users'), 'users', ['created_by_id'], ['id'], use_alter=True)

    with op.batch_alter_table('roadmap_sections', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_roadmap_sections_created_by_id_users'), 'users', ['created_by_id'], ['id'], use_alter=True)

    with op.batch_alter_table('roadmaps', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_roadmaps_created_by_id_users'), 'users', ['created_by_id'], ['id'], use_alter=True)

    with op.batch_alter_table('school_statuses', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_school_statuses_created_by_id_users'), 'users', ['created_by_id'], ['id'], use_alter=True)

    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_staff_members_created_by_id_users'), 'users', ['created_by_id'], ['id'], use_alter=True)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_users_created_by_id_users'), 'users', ['created_by_id'], ['id'], use_alter=True)


def downgrade():
    # SQLite got these constraints inline when the tables were created; autogenerate left the
    # use_alter foreign keys out of create_table, so only other databases need them added.
    if op.get_bind().dialect.name == "sqlite":
        return
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_users_created_by_id_users'), type_='foreignkey')

    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_staff_members_created_by_id_users'), type_='foreignkey')

    with op.batch_alter_table('school_statuses', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_school_statuses_created_by_id_users'), type_='foreignkey')

    with op.batch_alter_table('roadmaps', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_roadmaps_created_by_id_users'), type_='foreignkey')

    with op.batch_alter_table('roadmap_sections', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_roadmap_sections_created_by_id_users'), type_='foreignkey')

    with op.batch_alter_table('roadmap_items', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_roadmap_items_created_by_id_users'), type_='foreignkey')

    with op.batch_alter_table('roadmap_item_reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_roadmap_item_reports_created_by_id_users'), type_='foreignkey')

    with op.batch_alter_table('regions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_regions_created_by_id_users'), type_='foreignkey')

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_organizations_created_by_id_users'), type_='foreignkey')

    with op.batch_alter_table('municipalities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_municipalities_created_by_id_users'), type_='foreignkey')

    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attachments_created_by_id_users'), type_='foreignkey')
