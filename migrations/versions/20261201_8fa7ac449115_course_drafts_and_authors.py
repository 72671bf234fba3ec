"""Course drafts and authors.

- course_drafts: the open working copy of a course edited in the browser (its Markdown files as
  JSON, a revision for optimistic locking, the version it started from); unique course (one open
  draft per course) and unique slug (a new course's draft has no course yet).
- draft_assets: the images of a draft; unique (draft, path).
- course_authors: who may edit a course besides admins; unique (course, user), `is_owner`.
- course_versions.change_note and published_by_id: the publisher's note and who published from
  the editor; null for the versions imported from files, before and after this migration.

Revision ID: 8fa7ac449115
Revises: c5f51e132c2f
Create Date: 2026-12-01 19:20:57.243584

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8fa7ac449115'
down_revision = 'c5f51e132c2f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('course_authors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('is_owner', sa.Boolean(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_course_authors_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_course_authors_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_authors')),
    sa.UniqueConstraint('course_id', 'user_id', name=op.f('uq_course_authors_course_id_user_id'))
    )
    with op.batch_alter_table('course_authors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_authors_user_id'), ['user_id'], unique=False)

    op.create_table('course_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('base_version_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('revision >= 1', name=op.f('ck_course_drafts_revision_is_positive')),
    sa.ForeignKeyConstraint(['base_version_id'], ['course_versions.id'], name=op.f('fk_course_drafts_base_version_id_course_versions'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_course_drafts_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_course_drafts_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_course_drafts_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_drafts')),
    sa.UniqueConstraint('course_id', name=op.f('uq_course_drafts_course_id')),
    sa.UniqueConstraint('slug', name=op.f('uq_course_drafts_slug'))
    )
    with op.batch_alter_table('course_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_drafts_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_course_drafts_updated_by_id'), ['updated_by_id'], unique=False)

    op.create_table('draft_assets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('draft_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['draft_id'], ['course_drafts.id'], name=op.f('fk_draft_assets_draft_id_course_drafts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_draft_assets')),
    sa.UniqueConstraint('draft_id', 'path', name=op.f('uq_draft_assets_draft_id_path'))
    )
    with op.batch_alter_table('course_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('change_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('published_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_course_versions_published_by_id'), ['published_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_course_versions_published_by_id_users'), 'users', ['published_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('course_versions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_course_versions_published_by_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_course_versions_published_by_id'))
        batch_op.drop_column('published_by_id')
        batch_op.drop_column('change_note')

    op.drop_table('draft_assets')
    with op.batch_alter_table('course_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_drafts_updated_by_id'))
        batch_op.drop_index(batch_op.f('ix_course_drafts_created_by_id'))

    op.drop_table('course_drafts')
    with op.batch_alter_table('course_authors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_authors_user_id'))

    op.drop_table('course_authors')