"""Quiz statistics as trainers read them: which quizzes they may see, and the figures of one.

The maths is in quiz_statistics.py; this module gathers first attempts from the database.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from training.accounts.models import Role, User
from training.catalog.services import latest_versions
from training.content.models import CourseVersion, Module, Question, Step
from training.extensions import db
from training.learning.models import QuizAttempt
from training.learning.services import quiz_questions
from training.sessions.models import SessionMember, TrainingSession
from training.sessions.quiz_statistics import (
    AttemptAnswers,
    QuestionSpec,
    QuizStatistics,
    quiz_statistics,
)


@dataclass(frozen=True)
class TaughtCourse:
    version: CourseVersion
    quizzes: list[Step]


def taught_courses(user: User) -> list[TaughtCourse]:
    """The courses whose statistics `user` may read, newest version, with their quizzes.

    Until courses have owners, a trainer teaches the courses of their sessions; an admin
    reads every course.
    """
    versions = latest_versions()
    if not user.has_role(Role.ADMIN):
        taught = set(
            db.session.scalars(
                sa.select(TrainingSession.course_id).where(TrainingSession.trainer_id == user.id)
            )
        )
        versions = [version for version in versions if version.course_id in taught]
    quizzes: dict[int, list[Step]] = {}
    for step in db.session.scalars(
        sa.select(Step)
        .join(Module, Module.id == Step.module_id)
        .where(Step.version_id.in_([v.id for v in versions]), Step.kind == "quiz")
        .order_by(Module.position, Step.position)
    ):
        quizzes.setdefault(step.version_id, []).append(step)
    return [TaughtCourse(version, quizzes.get(version.id, [])) for version in versions]


def taught_quiz(user: User, slug: str, quiz_key: str) -> Step | None:
    """The quiz of the newest version of course `slug`, if `user` may read its statistics."""
    for course in taught_courses(user):
        if course.version.course.slug == slug:
            return next((step for step in course.quizzes if step.key == quiz_key), None)
    return None


def sessions_of_course(user: User, course_id: int) -> list[TrainingSession]:
    """The sessions of this course that `user` runs (every one for an admin), for the scope."""
    statement = (
        sa.select(TrainingSession)
        .where(TrainingSession.course_id == course_id)
        .order_by(TrainingSession.starts_on.desc(), TrainingSession.id.desc())
    )
    if not user.has_role(Role.ADMIN):
        statement = statement.where(TrainingSession.trainer_id == user.id)
    return list(db.session.scalars(statement))


@dataclass(frozen=True)
class QuizReport:
    step: Step
    questions: list[Question]
    #: None when fewer than MIN_ATTEMPTS first attempts were counted.
    statistics: QuizStatistics | None
    #: First attempts counted (also when too few to show anything).
    attempts: int


def quiz_report(step: Step, session: TrainingSession | None = None) -> QuizReport:
    """Statistics over the submitted first attempts of this quiz (of this version), by every
    learner of the course or only by the members of `session`.

    Attempts recorded without their answers (imported activity) cannot be analysed and are
    left out.
    """
    questions = quiz_questions(step)
    statement = sa.select(QuizAttempt.score, QuizAttempt.answers).where(
        QuizAttempt.step_id == step.id,
        QuizAttempt.number == 1,
        QuizAttempt.submitted_at.is_not(None),
    )
    if session is not None:
        statement = statement.where(
            QuizAttempt.enrolment_id.in_(
                sa.select(SessionMember.enrolment_id).where(SessionMember.session_id == session.id)
            )
        )
    wanted = {str(question.id) for question in questions}
    attempts = [
        AttemptAnswers(
            score=score,
            chosen={int(key): frozenset(ids) for key, ids in answers.items()},
        )
        for score, answers in db.session.execute(statement)
        if answers and wanted <= set(answers)
    ]
    specs = [
        QuestionSpec(
            id=question.id,
            choice_ids=tuple(choice.id for choice in question.choices),
            correct_choice_ids=frozenset(c.id for c in question.choices if c.is_correct),
        )
        for question in questions
    ]
    return QuizReport(step, questions, quiz_statistics(specs, attempts), len(attempts))
