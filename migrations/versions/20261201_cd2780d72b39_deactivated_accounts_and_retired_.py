"""Deactivated accounts and retired reference data.

- users.deactivated_at: set by an admin; the account can no longer log in and its open
  sessions end, while its enrolments and certificates stay. Null for every existing account.
- territories.retired_at, professions.retired_at: set by an admin; no longer offered in forms,
  kept by the accounts, enrolments and statistics that name them. Null for the seeded rows.

Revision ID: cd2780d72b39
Revises: 8fa7ac449115
Create Date: 2026-12-01 19:33:41.291988

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cd2780d72b39'
down_revision = '8fa7ac449115'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('territories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('professions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('professions', schema=None) as batch_op:
        batch_op.drop_column('retired_at')

    with op.batch_alter_table('territories', schema=None) as batch_op:
        batch_op.drop_column('retired_at')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('deactivated_at')
