"""Scenarios: a step kind where the learner takes decisions in a branching situation.

- course_steps.kind admits 'scenario'.
- scenario_stages, scenario_choices: the stages and choices of a published scenario (immutable,
  like quiz questions).
- scenario_attempts: a learner's plays, with the choices taken in order.

Revision ID: 4f759510145a
Revises: 8b3dde18873f
Create Date: 2026-12-02 04:15:06.219602

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4f759510145a'
down_revision = '8b3dde18873f'
branch_labels = None
depends_on = None

KINDS = "kind IN ({})"


def upgrade():
    with op.batch_alter_table('course_steps', schema=None) as batch_op:
        batch_op.drop_constraint('kind_is_known', type_='check')
        batch_op.create_check_constraint('kind_is_known', KINDS.format("'lesson', 'quiz', 'scenario'"))
    op.create_table('scenario_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('pass_mark', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stage_key', sa.String(length=40), nullable=False),
    sa.Column('path', sa.JSON(), nullable=False),
    sa.Column('decisions', sa.Integer(), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.CheckConstraint('number >= 1', name=op.f('ck_scenario_attempts_number_is_positive')),
    sa.CheckConstraint('pass_mark BETWEEN 0 AND 100', name=op.f('ck_scenario_attempts_pass_mark_is_a_percentage')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_scenario_attempts_enrolment_id_enrolments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['step_id'], ['course_steps.id'], name=op.f('fk_scenario_attempts_step_id_course_steps')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario_attempts')),
    sa.UniqueConstraint('enrolment_id', 'step_id', 'number', name=op.f('uq_scenario_attempts_enrolment_id_step_id_number'))
    )
    with op.batch_alter_table('scenario_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scenario_attempts_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scenario_attempts_step_id'), ['step_id'], unique=False)

    op.create_table('scenario_stages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('is_ending', sa.Boolean(), nullable=False),
    sa.Column('text_html', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['step_id'], ['course_steps.id'], name=op.f('fk_scenario_stages_step_id_course_steps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario_stages')),
    sa.UniqueConstraint('step_id', 'key', name=op.f('uq_scenario_stages_step_id_key')),
    sa.UniqueConstraint('step_id', 'position', name=op.f('uq_scenario_stages_step_id_position'))
    )
    op.create_table('scenario_choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text_html', sa.Text(), nullable=False),
    sa.Column('consequence_html', sa.Text(), nullable=False),
    sa.Column('rating', sa.String(length=20), nullable=False),
    sa.Column('next_stage', sa.String(length=40), nullable=False),
    sa.CheckConstraint("rating IN ('best', 'acceptable', 'harmful')", name=op.f('ck_scenario_choices_rating_is_known')),
    sa.ForeignKeyConstraint(['stage_id'], ['scenario_stages.id'], name=op.f('fk_scenario_choices_stage_id_scenario_stages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scenario_choices')),
    sa.UniqueConstraint('stage_id', 'position', name=op.f('uq_scenario_choices_stage_id_position'))
    )
    with op.batch_alter_table('scenario_choices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scenario_choices_stage_id'), ['stage_id'], unique=False)



def downgrade():
    with op.batch_alter_table('scenario_choices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scenario_choices_stage_id'))

    op.drop_table('scenario_choices')
    op.drop_table('scenario_stages')
    with op.batch_alter_table('scenario_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scenario_attempts_step_id'))
        batch_op.drop_index(batch_op.f('ix_scenario_attempts_enrolment_id'))

    op.drop_table('scenario_attempts')
    with op.batch_alter_table('course_steps', schema=None) as batch_op:
        batch_op.drop_constraint('kind_is_known', type_='check')
        batch_op.create_check_constraint('kind_is_known', KINDS.format("'lesson', 'quiz'"))
