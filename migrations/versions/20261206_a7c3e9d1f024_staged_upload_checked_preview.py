"""the checked preview kept with a staged upload

The preview of an import is checked once per staged file and set of choices; its result is
kept (compressed JSON) with the staged file so that each page of the preview reads it instead
of checking the whole file again.

Revision ID: a7c3e9d1f024
Revises: 5e1f0a7c9b24
Create Date: 2026-12-06 22:05:00

"""
import sqlalchemy as sa
from alembic import op


revision = 'a7c3e9d1f024'
down_revision = '5e1f0a7c9b24'


def upgrade():
    with op.batch_alter_table("staged_uploads") as batch:
        batch.add_column(sa.Column("checked_for", sa.String(64), nullable=True))
        batch.add_column(sa.Column("checked", sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table("staged_uploads") as batch:
        batch.drop_column("checked")
        batch.drop_column("checked_for")
