"""Enrolment: a learner on one course version, with the profession and territory of that moment."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import Profession, Territory, User
from training.content.models import Course, CourseVersion
from training.extensions import db
from training.timeutils import utcnow


class Enrolment(db.Model):
    __tablename__ = "enrolments"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "course_id", "cycle"),
        sa.CheckConstraint("cycle >= 1", name="cycle_is_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Null once the account is deleted: the enrolment stays in the statistics, anonymously.
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id"), index=True)
    #: The version the learner follows; changes only when the learner chooses to switch.
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("course_versions.id"), index=True)
    #: 1 for the first training; 2, 3… for recertifications after expiry.
    cycle: Mapped[int] = mapped_column(default=1)
    #: Profession and territory when enrolling, so that statistics do not move with the learner.
    profession_id: Mapped[int] = mapped_column(sa.ForeignKey("professions.id"), index=True)
    territory_id: Mapped[int] = mapped_column(sa.ForeignKey("territories.id"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True), index=True)

    user: Mapped[User | None] = relationship()
    course: Mapped[Course] = relationship()
    version: Mapped[CourseVersion] = relationship()
    profession: Mapped[Profession] = relationship()
    territory: Mapped[Territory] = relationship()

    def __repr__(self) -> str:
        return f"<Enrolment {self.id} user={self.user_id} version={self.version_id}>"
