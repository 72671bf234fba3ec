"""Course content: courses, their immutable versions, modules, steps, quizzes and images.

Revision ID: b0a7aac4dedf
Revises: 9a8cbe781419
Create Date: 2026-11-28 21:38:41.640140

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b0a7aac4dedf'
down_revision = '9a8cbe781419'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('courses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_courses')),
    sa.UniqueConstraint('slug', name=op.f('uq_courses_slug'))
    )
    op.create_table('course_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('audiences', sa.JSON(), nullable=False),
    sa.Column('estimated_minutes', sa.Integer(), nullable=False),
    sa.Column('pass_mark', sa.Integer(), nullable=False),
    sa.Column('certificate_validity_months', sa.Integer(), nullable=True),
    sa.Column('content_notice', sa.Text(), nullable=True),
    sa.Column('presentation_md', sa.Text(), nullable=False),
    sa.Column('presentation_html', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('certificate_validity_months IS NULL OR certificate_validity_months >= 1', name=op.f('ck_course_versions_certificate_validity_is_positive')),
    sa.CheckConstraint('estimated_minutes >= 0', name=op.f('ck_course_versions_estimated_minutes_not_negative')),
    sa.CheckConstraint('number >= 1', name=op.f('ck_course_versions_number_is_positive')),
    sa.CheckConstraint('pass_mark BETWEEN 0 AND 100', name=op.f('ck_course_versions_pass_mark_is_a_percentage')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_course_versions_course_id_courses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_versions')),
    sa.UniqueConstraint('course_id', 'number', name=op.f('uq_course_versions_course_id_number'))
    )
    op.create_table('course_assets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['course_versions.id'], name=op.f('fk_course_assets_version_id_course_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_assets')),
    sa.UniqueConstraint('version_id', 'path', name=op.f('uq_course_assets_version_id_path'))
    )
    op.create_table('course_modules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('intro_md', sa.Text(), nullable=False),
    sa.Column('intro_html', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['course_versions.id'], name=op.f('fk_course_modules_version_id_course_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_modules')),
    sa.UniqueConstraint('version_id', 'key', name=op.f('uq_course_modules_version_id_key')),
    sa.UniqueConstraint('version_id', 'position', name=op.f('uq_course_modules_version_id_position'))
    )
    op.create_table('course_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('estimated_minutes', sa.Integer(), nullable=True),
    sa.Column('body_md', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('pass_mark', sa.Integer(), nullable=True),
    sa.Column('max_attempts', sa.Integer(), nullable=True),
    sa.Column('shuffle', sa.Boolean(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint("kind IN ('lesson', 'quiz')", name=op.f('ck_course_steps_kind_is_known')),
    sa.CheckConstraint('max_attempts IS NULL OR max_attempts >= 1', name=op.f('ck_course_steps_max_attempts_is_positive')),
    sa.CheckConstraint('pass_mark IS NULL OR pass_mark BETWEEN 0 AND 100', name=op.f('ck_course_steps_pass_mark_is_a_percentage')),
    sa.ForeignKeyConstraint(['module_id'], ['course_modules.id'], name=op.f('fk_course_steps_module_id_course_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['course_versions.id'], name=op.f('fk_course_steps_version_id_course_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_steps')),
    sa.UniqueConstraint('module_id', 'position', name=op.f('uq_course_steps_module_id_position')),
    sa.UniqueConstraint('version_id', 'key', name=op.f('uq_course_steps_version_id_key'))
    )
    with op.batch_alter_table('course_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_steps_module_id'), ['module_id'], unique=False)

    op.create_table('quiz_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('prompt_md', sa.Text(), nullable=False),
    sa.Column('prompt_html', sa.Text(), nullable=False),
    sa.Column('context_md', sa.Text(), nullable=False),
    sa.Column('context_html', sa.Text(), nullable=False),
    sa.Column('explanation_md', sa.Text(), nullable=False),
    sa.Column('explanation_html', sa.Text(), nullable=False),
    sa.CheckConstraint("kind IN ('single', 'multiple', 'true_false')", name=op.f('ck_quiz_questions_kind_is_known')),
    sa.ForeignKeyConstraint(['step_id'], ['course_steps.id'], name=op.f('fk_quiz_questions_step_id_course_steps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_questions')),
    sa.UniqueConstraint('step_id', 'position', name=op.f('uq_quiz_questions_step_id_position'))
    )
    op.create_table('quiz_choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text_md', sa.Text(), nullable=False),
    sa.Column('text_html', sa.Text(), nullable=False),
    sa.Column('is_correct', sa.Boolean(), nullable=False),
    sa.Column('feedback_md', sa.Text(), nullable=False),
    sa.Column('feedback_html', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['quiz_questions.id'], name=op.f('fk_quiz_choices_question_id_quiz_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_choices')),
    sa.UniqueConstraint('question_id', 'position', name=op.f('uq_quiz_choices_question_id_position'))
    )


def downgrade():
    op.drop_table('quiz_choices')
    op.drop_table('quiz_questions')
    with op.batch_alter_table('course_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_steps_module_id'))

    op.drop_table('course_steps')
    op.drop_table('course_modules')
    op.drop_table('course_assets')
    op.drop_table('course_versions')
    op.drop_table('courses')
