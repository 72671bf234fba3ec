"""Training sessions: sessions run by trainers (join code, dates, capacity), their in-person
days, their members (each tied to the enrolment joining made or found) and attendance.

Capacity and ends-after-start are CHECK constraints; one membership per person and session,
one attendance per member and day, and one session per join code are unique constraints.

Revision ID: 5d8a6855fbfa
Revises: f7531e068375
Create Date: 2026-12-01 16:20:45.156060

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d8a6855fbfa'
down_revision = 'f7531e068375'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('training_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=False),
    sa.Column('trainer_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('join_code', sa.String(length=8), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity IS NULL OR capacity > 0', name=op.f('ck_training_sessions_capacity_is_positive')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_training_sessions_ends_after_start')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_training_sessions_course_id_courses')),
    sa.ForeignKeyConstraint(['territory_id'], ['territories.id'], name=op.f('fk_training_sessions_territory_id_territories')),
    sa.ForeignKeyConstraint(['trainer_id'], ['users.id'], name=op.f('fk_training_sessions_trainer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_sessions')),
    sa.UniqueConstraint('join_code', name=op.f('uq_training_sessions_join_code'))
    )
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_sessions_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_sessions_territory_id'), ['territory_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_training_sessions_trainer_id'), ['trainer_id'], unique=False)

    op.create_table('session_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], name=op.f('fk_session_days_session_id_training_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_days')),
    sa.UniqueConstraint('session_id', 'held_on', name=op.f('uq_session_days_session_id_held_on'))
    )
    op.create_table('session_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_session_members_enrolment_id_enrolments')),
    sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], name=op.f('fk_session_members_session_id_training_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_session_members_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_members')),
    sa.UniqueConstraint('session_id', 'user_id', name=op.f('uq_session_members_session_id_user_id'))
    )
    with op.batch_alter_table('session_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_members_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_session_members_user_id'), ['user_id'], unique=False)

    op.create_table('session_attendances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['day_id'], ['session_days.id'], name=op.f('fk_session_attendances_day_id_session_days'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['session_members.id'], name=op.f('fk_session_attendances_member_id_session_members'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_attendances')),
    sa.UniqueConstraint('day_id', 'member_id', name=op.f('uq_session_attendances_day_id_member_id'))
    )
    with op.batch_alter_table('session_attendances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_attendances_member_id'), ['member_id'], unique=False)



def downgrade():
    with op.batch_alter_table('session_attendances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_attendances_member_id'))

    op.drop_table('session_attendances')
    with op.batch_alter_table('session_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_members_user_id'))
        batch_op.drop_index(batch_op.f('ix_session_members_enrolment_id'))

    op.drop_table('session_members')
    op.drop_table('session_days')
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_sessions_trainer_id'))
        batch_op.drop_index(batch_op.f('ix_training_sessions_territory_id'))
        batch_op.drop_index(batch_op.f('ix_training_sessions_course_id'))

    op.drop_table('training_sessions')
