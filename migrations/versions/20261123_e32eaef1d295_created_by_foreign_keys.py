"""created_by foreign keys

Revision ID: e32eaef1d295
Revises: 19b87954406f
Create Date: 2026-11-23 11:21:00.594386

"""
from alembic import op


revision = 'e32eaef1d295'
down_revision = '19b87954406f'


# the tables whose created_by foreign key was a use_alter one, in the order they get it
TABLES = ('attachments', 'municipalities', 'organizations', 'regions', 'roadmap_item_reports',
          'roadmap_items', 'roadmap_sections', 'roadmaps', 'school_statuses', 'staff_members',
          'users')


def upgrade():
    # SQLite got these constraints inline when the tables were created; autogenerate left the
    # use_alter foreign keys out of create_table, so only other databases need them added.
    if op.get_bind().dialect.name == "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_created_by_id_users'), 'users',
                                        ['created_by_id'], ['id'], use_alter=True)


def downgrade():
    # SQLite keeps them inline in its tables: nothing was added there, so nothing is dropped
    if op.get_bind().dialect.name == "sqlite":
        return
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_created_by_id_users'),
                                     type_='foreignkey')
