"""the roadmaps' family token: what a kept roadmap table is checked against besides its own

Each roadmap's table is kept against a token of its own (``roadmap#<id>``, written when the
roadmap first changes) and the family's token ``roadmap#*``, renewed by bulk changes of the
roadmap tables and by ``flask cache reset``. An existing database gets the family token here.

Revision ID: c2f9d4e6a815
Revises: b8e4f2a6c310
Create Date: 2026-12-07 03:00:00

"""
import secrets

import sqlalchemy as sa
from alembic import op


revision = 'c2f9d4e6a815'
down_revision = 'b8e4f2a6c310'

generations = sa.table("table_generations", sa.column("table_name", sa.String),
                       sa.column("token", sa.BigInteger))


def upgrade():
    op.bulk_insert(generations, [{"table_name": "roadmap#*", "token": secrets.randbits(62)}])


def downgrade():
    op.execute(generations.delete().where(generations.c.table_name.like("roadmap#%")))
