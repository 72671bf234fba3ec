"""Drafts (working copies of a course's files, edited in the browser) and who may edit a course."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import User
from training.content.models import Course, CourseVersion
from training.extensions import db
from training.timeutils import utcnow


class CourseDraft(db.Model):
    """The open working copy of a course: its Markdown files as text, its images as rows.

    Nothing here is content yet: publishing reads these files with the course parser, like a
    folder, and imports them as a new immutable version (authoring/drafts.py).
    """

    __tablename__ = "course_drafts"
    __table_args__ = (sa.CheckConstraint("revision >= 1", name="revision_is_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Null for a course never published yet; unique: one open draft per course.
    course_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("courses.id", ondelete="CASCADE"), unique=True
    )
    #: The course folder's name: the course's slug, or the one a new course will have. Unique, so
    #: that a new course's draft cannot take the slug of another draft.
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    #: Text of each Markdown file by its path in the course folder ("course.md",
    #: "01-module/module.md", "01-module/01-step.md"). Replaced as a whole at every save.
    files: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    #: Bumped at every change of the draft: a save that names an older revision is refused
    #: (optimistic locking), so that two authors never overwrite each other unknowingly.
    revision: Mapped[int] = mapped_column(default=1)
    #: The version the draft was copied from; null for a new course.
    base_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("course_versions.id", ondelete="SET NULL")
    )
    #: Who opened the draft; for a new course, its owner once published.
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    course: Mapped[Course | None] = relationship()
    base_version: Mapped[CourseVersion | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    assets: Mapped[list["DraftAsset"]] = relationship(
        back_populates="draft",
        order_by="DraftAsset.path",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<CourseDraft {self.slug} r{self.revision}>"


class DraftAsset(db.Model):
    """An image of a draft, checked as the parser checks a course's images."""

    __tablename__ = "draft_assets"
    __table_args__ = (sa.UniqueConstraint("draft_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(sa.ForeignKey("course_drafts.id", ondelete="CASCADE"))
    #: Path inside the course folder, e.g. "images/schema.png".
    path: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(40))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)

    draft: Mapped[CourseDraft] = relationship(back_populates="assets")

    def __repr__(self) -> str:
        return f"<DraftAsset {self.path} of draft {self.draft_id}>"


class CourseAuthor(db.Model):
    """A trainer who may edit a course: an owner, or a co-author added by an admin."""

    __tablename__ = "course_authors"
    __table_args__ = (sa.UniqueConstraint("course_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Not indexed on its own: the unique (course_id, user_id) index serves it.
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: Owners answer for the course; a course keeps at least one once it has one (drafts.py).
    is_owner: Mapped[bool] = mapped_column(default=False)
    added_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    course: Mapped[Course] = relationship()
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        role = "owner" if self.is_owner else "co-author"
        return f"<CourseAuthor {role} user={self.user_id} course={self.course_id}>"
