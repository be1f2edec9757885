"""an index the per-school counts of recommendations are read from alone

The partnership map and the dashboards count open / overdue / reported / accepted
recommendations per school; with (organization_id, status, source_type, deleted_at, due_date)
in one index those counts never read the table.

Revision ID: 5e1f0a7c9b24
Revises: 2846b41e9153
Create Date: 2026-12-06 21:40:00

"""
from alembic import op


revision = '5e1f0a7c9b24'
down_revision = '2846b41e9153'


def upgrade():
    op.create_index("ix_recommendations_org_counts", "recommendations",
                    ["organization_id", "status", "source_type", "deleted_at", "due_date"])


def downgrade():
    op.drop_index("ix_recommendations_org_counts", table_name="recommendations")
