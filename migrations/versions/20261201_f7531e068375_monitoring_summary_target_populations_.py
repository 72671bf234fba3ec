"""Monitoring: the summary tables, target populations and the monitors' API tokens.

The summary starts empty: on a database that already holds enrolments, run
`flask monitoring rebuild` once after this upgrade to count them.

Revision ID: f7531e068375
Revises: dc76fade2472
Create Date: 2026-12-01 15:46:55.316941

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f7531e068375'
down_revision = 'dc76fade2472'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('monitoring_facts',
    sa.Column('subject', sa.String(length=10), nullable=False),
    sa.Column('subject_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('subject', 'subject_id', name=op.f('pk_monitoring_facts'))
    )
    op.create_table('monitoring_activity',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('enrolments', sa.Integer(), server_default='0', nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=False),
    sa.Column('profession_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('enrolments >= 0', name=op.f('ck_monitoring_activity_counts_not_negative')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_monitoring_activity_course_id_courses')),
    sa.ForeignKeyConstraint(['profession_id'], ['professions.id'], name=op.f('fk_monitoring_activity_profession_id_professions')),
    sa.ForeignKeyConstraint(['territory_id'], ['territories.id'], name=op.f('fk_monitoring_activity_territory_id_territories')),
    sa.PrimaryKeyConstraint('day', 'territory_id', 'profession_id', 'course_id', name=op.f('pk_monitoring_activity'))
    )
    op.create_table('monitoring_certificates',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('gained', sa.Integer(), server_default='0', nullable=False),
    sa.Column('lost', sa.Integer(), server_default='0', nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=False),
    sa.Column('profession_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('gained >= 0 AND lost >= 0', name=op.f('ck_monitoring_certificates_counts_not_negative')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_monitoring_certificates_course_id_courses')),
    sa.ForeignKeyConstraint(['profession_id'], ['professions.id'], name=op.f('fk_monitoring_certificates_profession_id_professions')),
    sa.ForeignKeyConstraint(['territory_id'], ['territories.id'], name=op.f('fk_monitoring_certificates_territory_id_territories')),
    sa.PrimaryKeyConstraint('month', 'territory_id', 'profession_id', 'course_id', name=op.f('pk_monitoring_certificates'))
    )
    op.create_table('monitoring_cohorts',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('enrolled', sa.Integer(), server_default='0', nullable=False),
    sa.Column('started', sa.Integer(), server_default='0', nullable=False),
    sa.Column('completed', sa.Integer(), server_default='0', nullable=False),
    sa.Column('scored', sa.Integer(), server_default='0', nullable=False),
    sa.Column('score_sum', sa.Integer(), server_default='0', nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=False),
    sa.Column('profession_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('enrolled >= 0 AND started >= 0 AND completed >= 0 AND scored >= 0 AND score_sum >= 0', name=op.f('ck_monitoring_cohorts_counts_not_negative')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_monitoring_cohorts_course_id_courses')),
    sa.ForeignKeyConstraint(['profession_id'], ['professions.id'], name=op.f('fk_monitoring_cohorts_profession_id_professions')),
    sa.ForeignKeyConstraint(['territory_id'], ['territories.id'], name=op.f('fk_monitoring_cohorts_territory_id_territories')),
    sa.PrimaryKeyConstraint('month', 'territory_id', 'profession_id', 'course_id', name=op.f('pk_monitoring_cohorts'))
    )
    op.create_table('monitoring_registrations',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=False),
    sa.Column('profession_id', sa.Integer(), nullable=False),
    sa.Column('registered', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint('registered >= 0', name=op.f('ck_monitoring_registrations_counts_not_negative')),
    sa.ForeignKeyConstraint(['profession_id'], ['professions.id'], name=op.f('fk_monitoring_registrations_profession_id_professions')),
    sa.ForeignKeyConstraint(['territory_id'], ['territories.id'], name=op.f('fk_monitoring_registrations_territory_id_territories')),
    sa.PrimaryKeyConstraint('month', 'territory_id', 'profession_id', name=op.f('pk_monitoring_registrations'))
    )
    op.create_table('monitoring_stages',
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('reached', sa.Integer(), server_default='0', nullable=False),
    sa.Column('days_0', sa.Integer(), server_default='0', nullable=False),
    sa.Column('days_1', sa.Integer(), server_default='0', nullable=False),
    sa.Column('days_2', sa.Integer(), server_default='0', nullable=False),
    sa.Column('days_4', sa.Integer(), server_default='0', nullable=False),
    sa.Column('days_8', sa.Integer(), server_default='0', nullable=False),
    sa.Column('days_15', sa.Integer(), server_default='0', nullable=False),
    sa.Column('days_31', sa.Integer(), server_default='0', nullable=False),
    sa.Column('days_61', sa.Integer(), server_default='0', nullable=False),
    sa.Column('days_91', sa.Integer(), server_default='0', nullable=False),
    sa.Column('days_181', sa.Integer(), server_default='0', nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=False),
    sa.Column('profession_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('reached >= 0', name=op.f('ck_monitoring_stages_reached_not_negative')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_monitoring_stages_course_id_courses')),
    sa.ForeignKeyConstraint(['profession_id'], ['professions.id'], name=op.f('fk_monitoring_stages_profession_id_professions')),
    sa.ForeignKeyConstraint(['territory_id'], ['territories.id'], name=op.f('fk_monitoring_stages_territory_id_territories')),
    sa.PrimaryKeyConstraint('stage', 'month', 'territory_id', 'profession_id', 'course_id', name=op.f('pk_monitoring_stages'))
    )
    op.create_table('target_populations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('territory_id', sa.Integer(), nullable=False),
    sa.Column('profession_id', sa.Integer(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('population > 0', name=op.f('ck_target_populations_population_is_positive')),
    sa.CheckConstraint('year BETWEEN 1990 AND 2100', name=op.f('ck_target_populations_year_is_plausible')),
    sa.ForeignKeyConstraint(['profession_id'], ['professions.id'], name=op.f('fk_target_populations_profession_id_professions')),
    sa.ForeignKeyConstraint(['territory_id'], ['territories.id'], name=op.f('fk_target_populations_territory_id_territories')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_populations')),
    sa.UniqueConstraint('territory_id', 'profession_id', name=op.f('uq_target_populations_territory_id_profession_id'))
    )
    with op.batch_alter_table('target_populations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_populations_profession_id'), ['profession_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_target_populations_territory_id'), ['territory_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('target_populations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_populations_territory_id'))
        batch_op.drop_index(batch_op.f('ix_target_populations_profession_id'))

    op.drop_table('target_populations')
    op.drop_table('monitoring_stages')
    op.drop_table('monitoring_registrations')
    op.drop_table('monitoring_cohorts')
    op.drop_table('monitoring_certificates')
    op.drop_table('monitoring_activity')
    op.drop_table('monitoring_facts')
