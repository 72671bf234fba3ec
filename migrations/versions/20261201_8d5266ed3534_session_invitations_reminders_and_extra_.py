"""Session invitations, reminders and extra quiz attempts.

- session_invitations: an e-mail invited to a session from the trainer's CSV file, until it
  joins; unique (session, e-mail); the link's token stored as its SHA-256 (unique).
- session_reminders: a reminder e-mail sent to a member; unique (member, day) makes « at most
  one a day » the database's rule.
- extra_attempts: one more quiz attempt granted by a trainer; unique (enrolment, quiz, attempts
  used) so that one used-up state earns one grant, however many clicks.

Revision ID: 8d5266ed3534
Revises: 5d8a6855fbfa
Create Date: 2026-12-01 16:53:25.974501

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8d5266ed3534'
down_revision = '5d8a6855fbfa'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('session_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('profession_id', sa.Integer(), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_session_invitations_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['profession_id'], ['professions.id'], name=op.f('fk_session_invitations_profession_id_professions')),
    sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], name=op.f('fk_session_invitations_session_id_training_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_invitations')),
    sa.UniqueConstraint('session_id', 'email', name=op.f('uq_session_invitations_session_id_email')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_session_invitations_token_hash'))
    )
    with op.batch_alter_table('session_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_invitations_invited_by_id'), ['invited_by_id'], unique=False)

    op.create_table('extra_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('after_attempts', sa.Integer(), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('after_attempts >= 1', name=op.f('ck_extra_attempts_after_attempts_is_positive')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_extra_attempts_enrolment_id_enrolments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['granted_by_id'], ['users.id'], name=op.f('fk_extra_attempts_granted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['step_id'], ['course_steps.id'], name=op.f('fk_extra_attempts_step_id_course_steps')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extra_attempts')),
    sa.UniqueConstraint('enrolment_id', 'step_id', 'after_attempts', name=op.f('uq_extra_attempts_enrolment_id_step_id_after_attempts'))
    )
    with op.batch_alter_table('extra_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extra_attempts_granted_by_id'), ['granted_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_extra_attempts_step_id'), ['step_id'], unique=False)

    op.create_table('session_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['session_members.id'], name=op.f('fk_session_reminders_member_id_session_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_session_reminders_sent_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_reminders')),
    sa.UniqueConstraint('member_id', 'sent_on', name=op.f('uq_session_reminders_member_id_sent_on'))
    )
    with op.batch_alter_table('session_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_reminders_sent_by_id'), ['sent_by_id'], unique=False)



def downgrade():
    with op.batch_alter_table('session_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_reminders_sent_by_id'))

    op.drop_table('session_reminders')
    with op.batch_alter_table('extra_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_extra_attempts_step_id'))
        batch_op.drop_index(batch_op.f('ix_extra_attempts_granted_by_id'))

    op.drop_table('extra_attempts')
    with op.batch_alter_table('session_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_invitations_invited_by_id'))

    op.drop_table('session_invitations')
