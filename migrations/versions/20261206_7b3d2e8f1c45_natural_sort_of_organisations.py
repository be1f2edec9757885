"""organisations sorted as people read them: «СОШ № 3» before «СОШ № 12»

Revision ID: 7b3d2e8f1c45
Revises: 5a1f3c9e8d20
Create Date: 2026-12-06 07:20:00

``organizations.sort_name`` is the short name normalised with its numbers zero-padded
(``text.natural_key``); the flush keeps it from now on, this fills it for the rows there are.
"""
import re
import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '7b3d2e8f1c45'
down_revision = '5a1f3c9e8d20'

# text.natural_key as it was when this migration was written (a migration must not change
# with the code)
_QUOTES = re.compile("[\"'«»„“”‘’`]")
_NUMBER_SIGN = re.compile(r"№\s*")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def _key(value):
    value = unicodedata.normalize("NFC", value or "").lower().replace("ё", "е")
    value = _NUMBER_SIGN.sub("№", _QUOTES.sub(" ", value)).replace("\u00a0", " ")
    value = _SPACES.sub(" ", value).strip()
    return _DIGITS.sub(lambda m: m.group().lstrip("0").rjust(10, "0"), value)[:300]


def upgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sort_name', sa.String(length=300), server_default='',
                                      nullable=False))
        batch_op.create_index(batch_op.f('ix_organizations_sort_name'), ['sort_name'],
                              unique=False)
    conn = op.get_bind()
    orgs = sa.table('organizations', sa.column('id', sa.Integer),
                    sa.column('short_name', sa.String), sa.column('sort_name', sa.String))
    rows = conn.execute(sa.select(orgs.c.id, orgs.c.short_name)).all()
    for org_id, short_name in rows:
        conn.execute(orgs.update().where(orgs.c.id == org_id).values(sort_name=_key(short_name)))


def downgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organizations_sort_name'))
        batch_op.drop_column('sort_name')
