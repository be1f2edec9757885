"""roadmap life cycle: действует, завершена, в архиве

Revision ID: d1da91a1c5b3
Revises: fcabafafa9cf
Create Date: 2026-12-06 20:20:00

``roadmaps.state``: ACTIVE (действует), FINISHED (завершена), ARCHIVED (в архиве). The roadmaps
there are become FINISHED when their period has ended by the day of the upgrade — the period's
end, or 31 December of the roadmap's year when it has no period — and ACTIVE otherwise (a plan
with neither period nor year stays ACTIVE: nothing says it is over).
"""
from datetime import date

from alembic import op
import sqlalchemy as sa


revision = 'd1da91a1c5b3'
down_revision = 'fcabafafa9cf'


def upgrade():
    with op.batch_alter_table('roadmaps', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=32), server_default='ACTIVE',
                                      nullable=False))
        batch_op.create_index(batch_op.f('ix_roadmaps_state'), ['state'], unique=False)
    roadmaps = sa.table('roadmaps', sa.column('id', sa.Integer), sa.column('year', sa.Integer),
                        sa.column('period_end', sa.Date), sa.column('state', sa.String))
    today = date.today()
    op.get_bind().execute(roadmaps.update().where(sa.or_(
        roadmaps.c.period_end < today,
        sa.and_(roadmaps.c.period_end.is_(None), roadmaps.c.year < today.year),
    )).values(state='FINISHED'))


def downgrade():
    with op.batch_alter_table('roadmaps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roadmaps_state'))
        batch_op.drop_column('state')
