"""Progress of an enrolment: steps done and quiz attempts."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.catalog.models import Enrolment
from training.content.models import Step
from training.extensions import db
from training.timeutils import utcnow


class StepCompletion(db.Model):
    """A lesson marked finished, or a quiz passed. At most one per step and enrolment."""

    __tablename__ = "step_completions"
    __table_args__ = (sa.UniqueConstraint("enrolment_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enrolments.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[int] = mapped_column(sa.ForeignKey("course_steps.id"), index=True)
    completed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: True when carried over from an older version whose step had the same content.
    carried_over: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<StepCompletion enrolment={self.enrolment_id} step={self.step_id}>"


class QuizAttempt(db.Model):
    """One try at a quiz. Numbered per enrolment and quiz: the unique number is what keeps
    concurrent starts from exceeding the maximum number of attempts."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        sa.UniqueConstraint("enrolment_id", "step_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_is_positive"),
        sa.CheckConstraint("pass_mark BETWEEN 0 AND 100", name="pass_mark_is_a_percentage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enrolments.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[int] = mapped_column(sa.ForeignKey("course_steps.id"), index=True)
    number: Mapped[int]
    #: The pass mark in force when the attempt started.
    pass_mark: Mapped[int]
    #: Question id -> choice ids in the order shown, fixed for the whole attempt.
    choice_order: Mapped[dict[str, list[int]]] = mapped_column(sa.JSON)
    started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: Set once, by the single submission that counts (see services.submit_attempt).
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: Question id -> chosen choice ids.
    answers: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    score: Mapped[int | None]
    passed: Mapped[bool | None]

    enrolment: Mapped[Enrolment] = relationship()
    step: Mapped[Step] = relationship()

    def __repr__(self) -> str:
        return f"<QuizAttempt {self.id} #{self.number} step={self.step_id}>"


class ScenarioAttempt(db.Model):
    """One play of a scenario: the decisions taken, in order, until an ending.

    `decisions` counts the choices recorded; a decision is recorded by a conditional UPDATE on
    that count (see services.decide), so that a reload, a second tab or the back button never
    records one twice.
    """

    __tablename__ = "scenario_attempts"
    __table_args__ = (
        sa.UniqueConstraint("enrolment_id", "step_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_is_positive"),
        sa.CheckConstraint("pass_mark BETWEEN 0 AND 100", name="pass_mark_is_a_percentage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enrolments.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[int] = mapped_column(sa.ForeignKey("course_steps.id"), index=True)
    number: Mapped[int]
    #: The pass mark in force when the play started.
    pass_mark: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: Key of the stage shown now; the ending's once finished.
    stage_key: Mapped[str] = mapped_column(sa.String(40))
    #: Ids of the choices taken (ScenarioChoice), in order.
    path: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    decisions: Mapped[int] = mapped_column(default=0)
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    score: Mapped[int | None]
    passed: Mapped[bool | None]

    enrolment: Mapped[Enrolment] = relationship()
    step: Mapped[Step] = relationship()

    def __repr__(self) -> str:
        return f"<ScenarioAttempt {self.id} #{self.number} step={self.step_id}>"
