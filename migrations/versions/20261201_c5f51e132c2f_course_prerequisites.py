"""Course prerequisites.

- course_versions.prerequisites: slugs of the courses a learner completes before enrolling from
  the catalogue (course.md `prerequisites`); an empty list for the versions published before.

Revision ID: c5f51e132c2f
Revises: 8d5266ed3534
Create Date: 2026-12-01 19:19:03.919772

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c5f51e132c2f'
down_revision = '8d5266ed3534'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course_versions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('prerequisites', sa.JSON(), server_default='[]', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('course_versions', schema=None) as batch_op:
        batch_op.drop_column('prerequisites')
