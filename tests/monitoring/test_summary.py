"""The summary kept in each transaction equals a recomputation from the raw data.

Random sequences of what learners and admins do (enrol, finish lessons, pass or fail quizzes,
certificates revoked or expired, profiles moved, roles changed, dates moved back) are played
through the real services; after each sequence the stored summary must equal
`recomputed_summary()`, on SQLite and on PostgreSQL.
"""

from datetime import timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT
from tests.learning.test_queries import counted, executed_statements
from training.accounts import services as accounts
from training.accounts.models import Profession, Role, Territory, User
from training.catalog import services as catalog
from training.catalog.models import Enrolment
from training.certificates import services as certificates
from training.certificates.models import Certificate
from training.content.models import Course, Question, Step
from training.content.services import import_courses
from training.events import enrolment_changed
from training.extensions import db
from training.learning import services as learning
from training.learning.models import QuizAttempt, StepCompletion
from training.monitoring import summary
from training.monitoring.models import SummaryFacts

LEARNERS = 4
ACTIONS = ("enrol", "lesson", "lesson", "quiz", "quiz", "revoke", "expire", "backdate", "move")
action = st.tuples(
    st.sampled_from(ACTIONS + ("promote",)),
    st.integers(0, LEARNERS - 1),
    st.integers(0, 1),
    st.integers(0, 400),
)


def _enrolment(user: User) -> Enrolment | None:
    course = db.session.scalar(sa.select(Course).filter_by(slug="exemple-cours"))
    return catalog.current_enrolment(user, course)


def _steps(enrolment: Enrolment, kind: str) -> list[Step]:
    return list(
        db.session.scalars(
            sa.select(Step)
            .where(Step.version_id == enrolment.version_id, Step.kind == kind)
            .order_by(Step.id)
        )
    )


def _play(name: str, user: User, choice: int, days: int) -> None:
    enrolment = _enrolment(user)
    if name == "enrol" and user.is_confirmed:
        course = db.session.scalar(sa.select(Course).filter_by(slug="exemple-cours"))
        catalog.enrol(user, course)
    elif name == "move":
        territories = db.session.scalars(sa.select(Territory).order_by(Territory.id)).all()
        professions = db.session.scalars(sa.select(Profession).order_by(Profession.id)).all()
        accounts.update_profile(
            user,
            full_name=user.full_name,
            profession=professions[days % len(professions)],
            territory=territories[days % len(territories)],
            organisation=None,
        )
    elif name == "promote":
        accounts.change_role(None, user, Role.TRAINER if choice else Role.LEARNER)
    elif enrolment is None:
        return
    elif name == "lesson":
        lessons = _steps(enrolment, "lesson")
        learning.mark_lesson_done(enrolment, lessons[choice % len(lessons)])
    elif name == "quiz":
        step = _steps(enrolment, "quiz")[0]
        try:
            attempt = learning.start_attempt(enrolment, step)
        except learning.LearningError:
            return
        answers = {}
        for question in db.session.scalars(sa.select(Question).filter_by(step_id=step.id)):
            right = [c.id for c in question.choices if c.is_correct]
            wrong = [next(c.id for c in question.choices if not c.is_correct)]
            answers[question.id] = right if choice or days % 3 == 0 else wrong
        learning.submit_attempt(attempt, answers)
    elif name == "revoke":
        certificate = certificates.certificate_of(enrolment)
        if certificate is not None and not certificate.is_revoked:
            certificates.revoke_certificate(certificate, None, "Erreur de saisie.")
    elif name in {"expire", "backdate"}:
        # Raw changes a real event would bring (time passing): dates move back, the change is
        # noted as the services note theirs.
        shift = timedelta(days=days)
        enrolment.enrolled_at -= shift
        for completion in db.session.scalars(
            sa.select(StepCompletion).filter_by(enrolment_id=enrolment.id)
        ):
            completion.completed_at -= shift if name == "backdate" else timedelta(0)
        certificate = certificates.certificate_of(enrolment)
        if name == "expire" and certificate is not None:
            certificate.expires_on = certificate.completed_on + timedelta(days=days % 40)
        enrolment_changed(enrolment.id)


def _reset_enrolments() -> None:
    for model in (Certificate, QuizAttempt, StepCompletion, Enrolment):
        db.session.execute(sa.delete(model))
    db.session.execute(sa.delete(SummaryFacts))
    for model in summary.SUMMARY_MODELS:
        db.session.execute(sa.delete(model))
    for user in db.session.scalars(sa.select(User)):
        user.role = Role.LEARNER.value
    db.session.flush()
    summary.rebuild()
    db.session.commit()


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(action, min_size=1, max_size=25))
def test_summary_equals_a_recomputation_after_any_sequence(app, make_user, actions):
    with app.app_context():
        if db.session.scalar(sa.select(Course).filter_by(slug="exemple-cours")) is None:
            import_courses([ROOT / "docs" / "exemple-cours"])
            db.session.commit()
    while len(_learner_ids(app)) < LEARNERS:
        make_user(confirmed=len(_learner_ids(app)) != LEARNERS - 1, territory="bordeaux")
    with app.app_context():
        _reset_enrolments()
        learners = [db.session.get(User, user_id) for user_id in _learner_ids(app)]
        for name, learner, choice, days in actions:
            _play(name, learners[learner], choice, days)
            db.session.commit()
        assert summary.stored_summary() == summary.recomputed_summary(batch_size=2)


def _learner_ids(app) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(User.id).order_by(User.id)))


def test_rebuild_command_recomputes_a_damaged_summary(app, make_user, example_course):
    user = make_user()
    with app.app_context():
        course = db.session.scalar(sa.select(Course).filter_by(slug=example_course))
        enrolment = catalog.enrol(db.session.merge(user), course)
        lesson = _steps(enrolment, "lesson")[0]
        learning.mark_lesson_done(enrolment, lesson)
        db.session.commit()
        expected = summary.stored_summary()
        assert expected == summary.recomputed_summary()
        for model in summary.SUMMARY_MODELS:
            db.session.execute(sa.delete(model))
        db.session.commit()
        assert summary.stored_summary() == {}
    result = app.test_cli_runner().invoke(args=["monitoring", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "monitoring_cohorts: 1 lignes" in result.output
    with app.app_context():
        assert summary.stored_summary() == expected


def test_a_change_that_leaves_the_facts_as_they_were_writes_nothing(app, make_user, example_course):
    """A lesson read again, a quiz failed again the same day: the facts are compared with those
    stored, and nothing is written; the course's shape comes from its outline."""
    user = make_user()
    with app.app_context():
        course = db.session.scalar(sa.select(Course).filter_by(slug=example_course))
        enrolment = catalog.enrol(db.session.merge(user), course)
        learning.mark_lesson_done(enrolment, _steps(enrolment, "lesson")[0])
        db.session.commit()
        enrolment_id = enrolment.id
        with counted(app) as statements, executed_statements() as first:
            enrolment_changed(enrolment_id)
            db.session.commit()
        assert [s for s in statements if "FROM monitoring_facts" in s]
        # Built once: the next change runs the very same statements.
        with executed_statements() as again:
            enrolment_changed(enrolment_id)
            db.session.commit()
        assert len(again) == len(first) >= 5
        assert all(s is seen for s, seen in zip(again, first, strict=True))
        writes = ("INSERT", "UPDATE", "DELETE")
        assert not [s for s in statements if s.lstrip().upper().startswith(writes)]
        assert not [s for s in statements if "course_steps" in s]
        assert summary.stored_summary() == summary.recomputed_summary()
