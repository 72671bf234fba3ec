"""Quiz and scenario statistics as trainers read them: which steps they may see, and the
figures of one.

The maths of quizzes is in quiz_statistics.py; this module gathers first attempts (first plays
of a scenario) from the database.
"""

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from training.accounts.models import Role, User
from training.catalog.services import latest_versions
from training.content.models import (
    CourseVersion,
    Module,
    Question,
    ScenarioChoice,
    ScenarioStage,
    Step,
)
from training.extensions import db
from training.learning.models import QuizAttempt, ScenarioAttempt
from training.learning.scenarios import scenario_of
from training.learning.services import quiz_questions
from training.sessions.models import SessionMember, TrainingSession
from training.sessions.quiz_statistics import (
    MIN_ATTEMPTS,
    AttemptAnswers,
    QuestionSpec,
    QuizStatistics,
    quiz_statistics,
)


@dataclass(frozen=True)
class TaughtCourse:
    version: CourseVersion
    quizzes: list[Step]
    scenarios: list[Step]


def taught_courses(user: User) -> list[TaughtCourse]:
    """The courses whose statistics `user` may read, newest version, with their quizzes and
    scenarios.

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
    steps: dict[tuple[int, str], list[Step]] = {}
    for step in db.session.scalars(
        sa.select(Step)
        .join(Module, Module.id == Step.module_id)
        .where(
            Step.version_id.in_([v.id for v in versions]),
            Step.kind.in_(("quiz", "scenario")),
        )
        .order_by(Module.position, Step.position)
    ):
        steps.setdefault((step.version_id, step.kind), []).append(step)
    return [
        TaughtCourse(
            version, steps.get((version.id, "quiz"), []), steps.get((version.id, "scenario"), [])
        )
        for version in versions
    ]


def taught_step(user: User, slug: str, key: str) -> Step | None:
    """The quiz or scenario of the newest version of course `slug`, if `user` may read its
    statistics."""
    for course in taught_courses(user):
        if course.version.course.slug == slug:
            return next((s for s in course.quizzes + course.scenarios if s.key == key), None)
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


@dataclass(frozen=True)
class StageCounts:
    stage: ScenarioStage
    #: Decisions taken at this stage in the plays counted (a stage played twice counts twice).
    decisions: int
    #: Each choice and how often it was taken; None under MIN_ATTEMPTS decisions.
    choices: list[tuple[ScenarioChoice, int]] | None


@dataclass(frozen=True)
class ScenarioReport:
    step: Step
    #: First plays counted, finished or not.
    plays: int
    stages: list[StageCounts]


def scenario_report(step: Step, session: TrainingSession | None = None) -> ScenarioReport:
    """How often each choice of each stage was taken in learners' first plays of this scenario
    (of this version), by every learner of the course or only by the members of `session`.

    Counts under MIN_ATTEMPTS are hidden, as for quizzes: with fewer, one person's decisions
    could be read from them.
    """
    statement = sa.select(ScenarioAttempt.path).where(
        ScenarioAttempt.step_id == step.id, ScenarioAttempt.number == 1
    )
    if session is not None:
        statement = statement.where(
            ScenarioAttempt.enrolment_id.in_(
                sa.select(SessionMember.enrolment_id).where(SessionMember.session_id == session.id)
            )
        )
    paths = db.session.scalars(statement).all()
    taken = Counter(choice_id for path in paths for choice_id in path)
    stages = []
    for stage in scenario_of(step).stages.values():
        if stage.is_ending:
            continue
        counts = [(choice, taken[choice.id]) for choice in stage.choices]
        decisions = sum(count for _, count in counts)
        stages.append(StageCounts(stage, decisions, counts if decisions >= MIN_ATTEMPTS else None))
    return ScenarioReport(step, len(paths), stages)
