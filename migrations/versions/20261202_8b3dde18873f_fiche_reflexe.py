"""Fiche réflexe: the one-page sheet of a course version (fiche-reflexe.md).

- course_versions.fiche_title, fiche_md, fiche_html: null for every existing version (and for
  any version without a sheet); a check keeps the three together.

Revision ID: 8b3dde18873f
Revises: 23f802ff03b5
Create Date: 2026-12-02 01:19:43.471277

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8b3dde18873f'
down_revision = '23f802ff03b5'
branch_labels = None
depends_on = None

WHOLE = (
    "(fiche_title IS NULL AND fiche_md IS NULL AND fiche_html IS NULL)"
    " OR (fiche_title IS NOT NULL AND fiche_md IS NOT NULL AND fiche_html IS NOT NULL)"
)


def upgrade():
    with op.batch_alter_table('course_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fiche_title', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('fiche_md', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('fiche_html', sa.Text(), nullable=True))
        batch_op.create_check_constraint('fiche_is_whole', WHOLE)


def downgrade():
    with op.batch_alter_table('course_versions', schema=None) as batch_op:
        batch_op.drop_constraint('fiche_is_whole', type_='check')
        batch_op.drop_column('fiche_html')
        batch_op.drop_column('fiche_md')
        batch_op.drop_column('fiche_title')
