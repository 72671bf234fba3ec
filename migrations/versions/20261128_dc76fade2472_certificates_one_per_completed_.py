"""Certificates: one per completed enrolment (unique enrolment_id), frozen at issue, revocable.

The code and the enrolment are unique; the check constraints keep a revocation with its reason
and an expiry after the completion.

Revision ID: dc76fade2472
Revises: 2e621a72deee
Create Date: 2026-11-28 21:55:42.699898

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'dc76fade2472'
down_revision = '2e621a72deee'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('holder_name', sa.String(length=200), nullable=False),
    sa.Column('course_slug', sa.String(length=80), nullable=False),
    sa.Column('course_title', sa.Text(), nullable=False),
    sa.Column('course_version', sa.Integer(), nullable=False),
    sa.Column('course_minutes', sa.Integer(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('issuer', sa.String(length=200), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revocation_reason', sa.Text(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(revoked_at IS NULL AND revocation_reason IS NULL) OR (revoked_at IS NOT NULL AND revocation_reason IS NOT NULL)', name=op.f('ck_certificates_revocation_has_a_reason')),
    sa.CheckConstraint('course_minutes >= 0', name=op.f('ck_certificates_course_minutes_not_negative')),
    sa.CheckConstraint('course_version >= 1', name=op.f('ck_certificates_course_version_is_positive')),
    sa.CheckConstraint('expires_on IS NULL OR expires_on >= completed_on', name=op.f('ck_certificates_expires_after_completion')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_certificates_enrolment_id_enrolments')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_certificates_revoked_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('code', name=op.f('uq_certificates_code')),
    sa.UniqueConstraint('enrolment_id', name=op.f('uq_certificates_enrolment_id'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_issued_at'), ['issued_at'], unique=False)



def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_issued_at'))

    op.drop_table('certificates')
