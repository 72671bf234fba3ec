"""Following a course: the outline, steps done, quiz attempts, completion and version switching.

Functions flush but never commit: the view that calls them commits once. Object-level checks
(is this *my* attempt?) live here, so that no view can forget them.
"""

import random
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, defer, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from training.accounts.models import User
from training.catalog.models import Enrolment
from training.certificates import services as certificates
from training.content.models import Choice, CourseVersion, Module, Question, Step
from training.content.services import latest_version, without_version_texts
from training.events import enrolment_changed
from training.extensions import built_once, db, insert_with_conflicts
from training.learning.grading import (
    AnswerSheet,
    Grade,
    Judgement,
    QuestionKey,
    grade,
    judge_answer,
    read_answers,
)
from training.learning.grants import ExtraAttempt
from training.learning.models import QuizAttempt, StepCompletion
from training.learning.outline import Outline, outline_of
from training.learning.progress import Progress, progress_of
from training.published import kept
from training.timeutils import utcnow


class LearningError(Exception):
    """An action the rules refuse; the message is French and can be shown to the learner."""


class UnansweredQuestionsError(LearningError):
    def __init__(self, question_ids: tuple[int, ...]) -> None:
        super().__init__("Répondez à toutes les questions avant de valider.")
        self.question_ids = question_ids


def done_step_ids(enrolment: Enrolment) -> set[int]:
    return set(db.session.scalars(_done_step_ids(), {"enrolment_id": enrolment.id}))


@built_once
def _done_step_ids() -> sa.Select:
    return sa.select(StepCompletion.step_id).where(
        StepCompletion.enrolment_id == sa.bindparam("enrolment_id")
    )


def progress_for(outline: Outline, done: set[int]) -> Progress:
    return progress_of([step.id for step in outline.steps], done)


@dataclass(frozen=True)
class Resumable:
    """The course a learner was last busy with, and where `/formations/<slug>/reprendre` leads."""

    enrolment: Enrolment
    #: The first step not done, in course order (progress_of's next step).
    next_step: Step | None


def course_to_resume(user: User) -> Resumable | None:
    """The learner's unfinished enrolment with the most recent activity (enrolling, a step done,
    a quiz attempt started), and its next step; None when nothing is in progress.

    Two queries whatever the number of enrolments.
    """
    unfinished = sa.and_(Enrolment.user_id == user.id, Enrolment.completed_at.is_(None))
    activity = sa.union_all(
        sa.select(Enrolment.id.label("enrolment_id"), Enrolment.enrolled_at.label("at")).where(
            unfinished
        ),
        sa.select(StepCompletion.enrolment_id, StepCompletion.completed_at)
        .join(Enrolment, Enrolment.id == StepCompletion.enrolment_id)
        .where(unfinished),
        sa.select(QuizAttempt.enrolment_id, QuizAttempt.started_at)
        .join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id)
        .where(unfinished),
    ).subquery()
    latest = (
        sa.select(activity.c.enrolment_id, sa.func.max(activity.c.at).label("at"))
        .group_by(activity.c.enrolment_id)
        .subquery()
    )
    enrolment = db.session.scalar(
        sa.select(Enrolment)
        .join(latest, latest.c.enrolment_id == Enrolment.id)
        .options(joinedload(Enrolment.course), joinedload(Enrolment.version))
        .order_by(latest.c.at.desc(), Enrolment.id.desc())
        .limit(1)
    )
    if enrolment is None:
        return None
    done = sa.select(StepCompletion.id).where(
        StepCompletion.enrolment_id == enrolment.id, StepCompletion.step_id == Step.id
    )
    next_step = db.session.scalar(
        sa.select(Step)
        .join(Step.module)
        .where(Step.version_id == enrolment.version_id, ~done.exists())
        .order_by(Module.position, Step.position)
        .limit(1)
    )
    return Resumable(enrolment=enrolment, next_step=next_step)


def step_of(enrolment: Enrolment, key: str) -> Step | None:
    """A step of the learner's version, by key; None for a step of another course or version.
    Its Markdown source, which no learner's page shows, is left out."""
    return db.session.scalar(_step_by_key(), {"version_id": enrolment.version_id, "key": key})


@built_once
def _step_by_key() -> sa.Select:
    return (
        sa.select(Step)
        .options(defer(Step.body_md))
        .where(Step.version_id == sa.bindparam("version_id"), Step.key == sa.bindparam("key"))
    )


def record_done(enrolment: Enrolment, step: Step, carried_over: bool = False) -> bool:
    """Record the step done, once: a second completion of the same step (double click, replay,
    two requests at once) is ignored, by the unique constraint. True when this call recorded it.
    """
    recorded = db.session.scalar(
        insert_with_conflicts(StepCompletion.__table__)
        .values(
            enrolment_id=enrolment.id,
            step_id=step.id,
            carried_over=carried_over,
            completed_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["enrolment_id", "step_id"])
        .returning(StepCompletion.id)
    )
    if recorded is None:
        return False
    enrolment_changed(enrolment.id)
    return True


def complete_if_done(enrolment: Enrolment) -> bool:
    """Record the completion when every step of the version is done; True the one time it is.

    The conditional UPDATE makes the completion happen once, even when two requests finish the
    last step at the same moment: the one that changes the row does what follows completion,
    which is issuing the certificate, in the same transaction.
    """
    if enrolment.completed_at is not None:
        return False
    outline = outline_of(enrolment.version_id)
    if not progress_for(outline, done_step_ids(enrolment)).is_complete:
        return False
    now = utcnow()
    changed = db.session.execute(
        sa.update(Enrolment)
        .where(Enrolment.id == enrolment.id, Enrolment.completed_at.is_(None))
        .values(completed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(enrolment)
    if changed != 1:
        return False
    certificates.issue_certificate(enrolment)
    enrolment_changed(enrolment.id)
    return True


def mark_lesson_done(enrolment: Enrolment, step: Step) -> bool:
    """Mark a lesson finished; True when this completes the course."""
    if step.version_id != enrolment.version_id or step.kind != "lesson":
        raise LearningError("Cette étape ne peut pas être marquée comme terminée.")
    record_done(enrolment, step)
    return complete_if_done(enrolment)


# Quizzes ------------------------------------------------------------------------------------


def attempts_of(enrolment: Enrolment, step: Step) -> list[QuizAttempt]:
    """The learner's attempts at this quiz, in order, without their answers and choice orders
    (lists show numbers, scores and dates; a learner with unlimited attempts may have many)."""
    return list(db.session.scalars(_attempts(), {"enrolment_id": enrolment.id, "step_id": step.id}))


@built_once
def _attempts() -> sa.Select:
    return (
        sa.select(QuizAttempt)
        .options(
            defer(QuizAttempt.answers, raiseload=True),
            defer(QuizAttempt.choice_order, raiseload=True),
        )
        .where(
            QuizAttempt.enrolment_id == sa.bindparam("enrolment_id"),
            QuizAttempt.step_id == sa.bindparam("step_id"),
        )
        .order_by(QuizAttempt.number)
    )


def granted_attempts(enrolment_id: int, step_id: int) -> int:
    """Extra attempts a trainer granted for this quiz (see training/learning/grants.py)."""
    return db.session.scalar(
        sa.select(sa.func.count(ExtraAttempt.id)).where(
            ExtraAttempt.enrolment_id == enrolment_id, ExtraAttempt.step_id == step_id
        )
    )


def attempts_left(step: Step, enrolment_id: int, used: int) -> int | None:
    """None when unlimited. Extra attempts granted by a trainer count once attempts exist
    (they are only granted after the last one was used)."""
    if step.max_attempts is None:
        return None
    granted = granted_attempts(enrolment_id, step.id) if used else 0
    return max(step.max_attempts + granted - used, 0)


@dataclass(frozen=True)
class Tally:
    """A learner's attempts at one quiz, counted rather than loaded: a quiz without a limit of
    attempts may have been tried many times, and starting or grading one needs only this."""

    enrolment_id: int
    used: int
    passed: bool
    open_attempt_id: int | None


def tally_of(enrolment_id: int, step_id: int) -> Tally:
    used, passed, open_attempt_id = db.session.execute(
        _tally(), {"enrolment_id": enrolment_id, "step_id": step_id}
    ).one()
    return Tally(enrolment_id, used, bool(passed), open_attempt_id)


@built_once
def _tally() -> sa.Select:
    return sa.select(
        sa.func.count(QuizAttempt.id),
        sa.func.max(sa.case((QuizAttempt.passed.is_(True), 1), else_=0)),
        sa.func.min(QuizAttempt.id).filter(QuizAttempt.submitted_at.is_(None)),
    ).where(
        QuizAttempt.enrolment_id == sa.bindparam("enrolment_id"),
        QuizAttempt.step_id == sa.bindparam("step_id"),
    )


def answer_key(step_id: int) -> tuple[QuestionKey, ...]:
    """The quiz's questions with their choices and right answers, in order: what starting and
    grading an attempt need, kept by the process (see training.published)."""
    return kept("answer-keys", step_id, _load_answer_key)


def _load_answer_key(step_id: int) -> tuple[QuestionKey, ...]:
    rows = db.session.execute(
        sa.select(Question.id, Question.kind, Choice.id, Choice.is_correct)
        .join(Choice, Choice.question_id == Question.id)
        .where(Question.step_id == step_id)
        .order_by(Question.position, Choice.position)
    )
    questions: dict[int, tuple[str, list[int], set[int]]] = {}
    for question_id, kind, choice_id, is_correct in rows:
        _, choices, correct = questions.setdefault(question_id, (kind, [], set()))
        choices.append(choice_id)
        if is_correct:
            correct.add(choice_id)
    return tuple(
        QuestionKey(
            id=question_id,
            kind=kind,
            choice_ids=frozenset(choices),
            correct_choice_ids=frozenset(correct),
            ordered_choice_ids=tuple(choices),
        )
        for question_id, (kind, choices, correct) in questions.items()
    )


def quiz_questions(step: Step) -> list[Question]:
    return list(db.session.scalars(_questions(), {"step_id": step.id}))


@built_once
def _questions() -> sa.Select:
    return (
        sa.select(Question)
        .where(Question.step_id == sa.bindparam("step_id"))
        .options(selectinload(Question.choices))
        .order_by(Question.position)
    )


def start_attempt(
    enrolment: Enrolment, step: Step, rng: random.Random | None = None
) -> QuizAttempt:
    """The open attempt of this quiz, or a new one if attempts remain.

    Attempts are numbered 1, 2, 3… and (enrolment, quiz, number) is unique: two concurrent
    starts cannot both create attempt n, so the maximum can never be exceeded.
    """
    if step.version_id != enrolment.version_id or step.kind != "quiz":
        raise LearningError("Ce quiz ne fait pas partie de votre formation.")
    if enrolment.completed_at is not None:
        # Reading a finished course again records nothing: its results stay those of the end.
        raise LearningError("Vous avez terminé cette formation : ce quiz est déjà validé.")
    tally = tally_of(enrolment.id, step.id)
    if tally.open_attempt_id is not None:
        return db.session.get(QuizAttempt, tally.open_attempt_id)
    if tally.passed:
        raise LearningError("Vous avez déjà réussi ce quiz.")
    if attempts_left(step, enrolment.id, tally.used) == 0:
        raise LearningError("Vous avez utilisé toutes les tentatives de ce quiz.")
    rng = rng or random.SystemRandom()
    order = {}
    for question in answer_key(step.id):
        choice_ids = list(question.ordered_choice_ids)
        if step.shuffle and question.kind != "true_false":  # « Vrai » stays before « Faux »
            rng.shuffle(choice_ids)
        order[str(question.id)] = choice_ids
    attempt = db.session.scalar(
        insert_with_conflicts(QuizAttempt)
        .values(
            enrolment_id=enrolment.id,
            step_id=step.id,
            number=tally.used + 1,
            pass_mark=step.effective_pass_mark,
            choice_order=order,
            started_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["enrolment_id", "step_id", "number"])
        .returning(QuizAttempt)
    )
    if attempt is None:  # another request started attempt n first
        concurrent = tally_of(enrolment.id, step.id).open_attempt_id
        if concurrent is None:
            raise LearningError("Vous avez utilisé toutes les tentatives de ce quiz.")
        return db.session.get(QuizAttempt, concurrent)
    return attempt


def attempt_for(user: User, attempt_id: int) -> QuizAttempt | None:
    """The attempt if it is this learner's; None otherwise (the view answers 404)."""
    return db.session.scalar(_attempt_of_user(), {"attempt_id": attempt_id, "user_id": user.id})


@built_once
def _attempt_of_user() -> sa.Select:
    return (
        sa.select(QuizAttempt)
        .join(QuizAttempt.enrolment)
        .options(
            contains_eager(QuizAttempt.enrolment).options(
                joinedload(Enrolment.course),
                joinedload(Enrolment.version).options(*without_version_texts()),
            ),
            joinedload(QuizAttempt.step),
        )
        .where(
            QuizAttempt.id == sa.bindparam("attempt_id"),
            Enrolment.user_id == sa.bindparam("user_id"),
        )
    )


def question_keys(questions: list[Question]) -> list[QuestionKey]:
    return [
        QuestionKey(
            id=question.id,
            kind=question.kind,
            choice_ids=frozenset(choice.id for choice in question.choices),
            correct_choice_ids=frozenset(c.id for c in question.choices if c.is_correct),
        )
        for question in questions
    ]


@dataclass(frozen=True)
class Submission:
    attempt: QuizAttempt
    #: False when this submission arrived after another one had already been recorded.
    recorded: bool
    course_completed: bool


def submit_attempt(attempt: QuizAttempt, submitted: dict[int, list[int]]) -> Submission:
    """Grade and record an attempt, once.

    A forged answer raises ForgedAnswerError and an incomplete one UnansweredQuestionsError,
    recording nothing. The conditional UPDATE (… WHERE submitted_at IS NULL) lets exactly one
    of several simultaneous submissions of the same attempt count; the others get its result.
    """
    if attempt.submitted_at is not None:
        return Submission(attempt, recorded=False, course_completed=False)
    keys = answer_key(attempt.step_id)
    sheet = read_answers(keys, submitted)
    if sheet.unanswered:
        raise UnansweredQuestionsError(sheet.unanswered)
    result = grade(keys, sheet, attempt.pass_mark)
    recorded = {
        "submitted_at": utcnow(),
        "answers": _answers_json(sheet),
        "score": result.score,
        "passed": result.passed,
    }
    changed = db.session.execute(
        sa.update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.submitted_at.is_(None))
        .values(**recorded)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.refresh(attempt)
        return Submission(attempt, recorded=False, course_completed=False)
    for name, value in recorded.items():
        set_committed_value(attempt, name, value)
    enrolment_changed(attempt.enrolment_id)
    completed = False
    if result.passed:
        record_done(attempt.enrolment, attempt.step)
        completed = complete_if_done(attempt.enrolment)
    return Submission(attempt, recorded=True, course_completed=completed)


def _answers_json(sheet: AnswerSheet) -> dict[str, list[int]]:
    return {str(question_id): sorted(ids) for question_id, ids in sheet.chosen.items()}


def grade_of(attempt: QuizAttempt, questions: list[Question]) -> Grade:
    """Re-read a recorded attempt's per-question correctness, for the result page."""
    keys = question_keys(questions)
    chosen = {int(k): frozenset(v) for k, v in (attempt.answers or {}).items()}
    return grade(keys, AnswerSheet(chosen=chosen, unanswered=()), attempt.pass_mark)


def judgements_of(attempt: QuizAttempt, questions: list[Question]) -> dict[int, Judgement]:
    """Each question's recorded answer judged correct, incomplete or incorrect, by question id,
    for the result page (the score is grade_of's)."""
    chosen = {int(k): frozenset(v) for k, v in (attempt.answers or {}).items()}
    return {
        key.id: judge_answer(key, chosen.get(key.id, frozenset()))
        for key in question_keys(questions)
    }


def reveal_correct_answers(step: Step, tally: Tally) -> bool:
    """Right answers are shown once the quiz is passed or no attempt is left, so that a learner
    cannot pass by copying them; feedback on the chosen answers and explanations always are."""
    return tally.passed or attempts_left(step, tally.enrolment_id, tally.used) == 0


# Versions -----------------------------------------------------------------------------------


def newer_version(enrolment: Enrolment) -> CourseVersion | None:
    newest = latest_version(enrolment.course.slug)
    return newest if newest is not None and newest.id != enrolment.version_id else None


def switch_version(enrolment: Enrolment, version: CourseVersion) -> int:
    """Move an unfinished enrolment to a newer version; returns how many completed steps were
    kept (those whose content did not change, matched by content hash)."""
    if enrolment.completed_at is not None:
        raise LearningError("Cette formation est déjà terminée.")
    if version.course_id != enrolment.course_id or version.id == enrolment.version_id:
        raise LearningError("Cette version ne correspond pas à votre formation.")
    done_hashes = set(
        db.session.scalars(
            sa.select(Step.content_hash)
            .join(StepCompletion, StepCompletion.step_id == Step.id)
            .where(StepCompletion.enrolment_id == enrolment.id)
        )
    )
    enrolment.version_id = version.id
    db.session.flush()
    enrolment_changed(enrolment.id)
    kept = 0
    for step in db.session.scalars(sa.select(Step).where(Step.version_id == version.id)):
        if step.content_hash in done_hashes:
            record_done(enrolment, step, carried_over=True)
            kept += 1
    db.session.refresh(enrolment)
    complete_if_done(enrolment)
    return kept
