"""files and generated documents every server sees: attachments kept in the database, cached PDFs

Revision ID: 5a1f3c9e8d20
Revises: 2ec9d1b62334
Create Date: 2026-12-06 07:00:00

``attachments.storage`` says where a file's bytes are ("disk": ``UPLOAD_DIR``; "database":
``attachment_chunks``); ``cached_documents`` keeps generated PDFs under the hash of what they
show. Existing files stay on disk until ``flask files migrate`` moves them.
"""
from alembic import op
import sqlalchemy as sa

from columns import drop_indexes


revision = '5a1f3c9e8d20'
down_revision = '2ec9d1b62334'


def upgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('storage', sa.String(length=10), server_default='disk',
                                      nullable=False))
    op.create_table('attachment_chunks',
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('stored_name', 'seq', name=op.f('pk_attachment_chunks'))
    )
    op.create_table('cached_documents',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_cached_documents'))
    )
    with op.batch_alter_table('cached_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cached_documents_created_at'), ['created_at'],
                              unique=False)


def downgrade():
    kept = op.get_bind().execute(
        sa.text("SELECT count(*) FROM attachments WHERE storage = 'database'")).scalar()
    if kept:
        raise RuntimeError(f"{kept} attached files are kept in the database: move them first "
                           "with `flask --app wsgi files migrate --to disk`.")
    drop_indexes('cached_documents', 'created_at')
    op.drop_table('cached_documents')
    op.drop_table('attachment_chunks')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_column('storage')
