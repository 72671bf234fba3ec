"""Account erasure and retention of inactive accounts.

- users.erased_at: when the account's personal data were erased (at its holder's request or by
  the retention purge); such an account can never be reactivated.
- users.inactivity_warned_at: when `flask privacy purge` warned the owner that the unused
  account would be erased.

Revision ID: 3b9e2a4f71c5
Revises: c0e14d0659bb
Create Date: 2026-12-01 23:05:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b9e2a4f71c5'
down_revision = 'c0e14d0659bb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column('inactivity_warned_at', sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('inactivity_warned_at')
        batch_op.drop_column('erased_at')
