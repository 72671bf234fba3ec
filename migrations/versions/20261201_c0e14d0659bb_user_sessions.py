"""Login sessions kept in the database.

- user_sessions: one row per log-in on a browser; the session cookie holds a random secret, the
  row only its SHA-256. Log-out, « Mes sessions actives », a password change or reset and a
  deactivation delete rows; idle time and lifetime are the application's settings. Neither the
  IP address nor the full User-Agent is kept: only a device label (« Firefox sur Windows »).
- users.session_token: dropped; it only served to end every session at once, which deleting
  the user's rows now does. Everyone logs in again once after the upgrade (the old cookies
  point to no row).

Revision ID: c0e14d0659bb
Revises: cd2780d72b39
Create Date: 2026-12-01 22:39:15.347922

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0e14d0659bb'
down_revision = 'cd2780d72b39'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('device', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_user_sessions_secret_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_token')


def downgrade():
    # Every account gets a random token of its own: the old code ends sessions by changing it.
    random_token = (
        "lower(hex(randomblob(24)))"
        if op.get_bind().dialect.name == "sqlite"
        else "md5(random()::text || id::text)"
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
    op.execute(f"UPDATE users SET session_token = {random_token}")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64), nullable=False)

    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))

    op.drop_table('user_sessions')
