"""Extra quiz attempts granted to a learner by a trainer, counted by `services.attempts_left`."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from training.extensions import db
from training.timeutils import utcnow


class ExtraAttempt(db.Model):
    """One more attempt at a quiz for one enrolment, granted once its attempts were used up.

    Unique (enrolment, quiz, attempts used): one grant per exhausted state, so that two
    trainers clicking at the same moment grant one attempt, not two.
    """

    __tablename__ = "extra_attempts"
    __table_args__ = (
        sa.UniqueConstraint("enrolment_id", "step_id", "after_attempts"),
        sa.CheckConstraint("after_attempts >= 1", name="after_attempts_is_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Not indexed on its own: the unique (enrolment_id, step_id, after_attempts) index serves it.
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolments.id", ondelete="CASCADE"))
    step_id: Mapped[int] = mapped_column(sa.ForeignKey("course_steps.id"), index=True)
    #: How many attempts the learner had used when this one was granted.
    after_attempts: Mapped[int]
    #: The trainer (or admin) who granted it; null once their account is deleted.
    granted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    granted_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<ExtraAttempt enrolment={self.enrolment_id} step={self.step_id}>"
