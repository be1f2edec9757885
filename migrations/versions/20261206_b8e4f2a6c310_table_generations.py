"""table generations: what cached computed pages are checked against

A row per table holding a random token that the application replaces in the same transaction
as any change to that table's rows; every table of the schema starts with a token.

Revision ID: b8e4f2a6c310
Revises: a7c3e9d1f024
Create Date: 2026-12-06 23:20:00

"""
import secrets

import sqlalchemy as sa
from alembic import op


revision = 'b8e4f2a6c310'
down_revision = 'a7c3e9d1f024'


def upgrade():
    table = op.create_table(
        "table_generations",
        sa.Column("table_name", sa.String(63), primary_key=True),
        sa.Column("token", sa.BigInteger(), nullable=False),
    )
    names = sorted(sa.inspect(op.get_bind()).get_table_names())
    op.bulk_insert(table, [{"table_name": n, "token": secrets.randbits(62)} for n in names
                           if n not in ("alembic_version", "table_generations")])


def downgrade():
    op.drop_table("table_generations")
