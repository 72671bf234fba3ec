"""Simultaneous requests on PostgreSQL, from separate connections: the database keeps the rules."""

import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from tests.learning.conftest import EXAMPLE, QUIZ, quiz_answers
from training.catalog import services as catalog
from training.catalog.models import Enrolment
from training.content import services as content
from training.content.models import Course, Step
from training.extensions import db
from training.learning import services
from training.learning.models import QuizAttempt

pytestmark = pytest.mark.postgresql_only
THREADS = 20


def run_together(app, action: Callable[[], object]) -> list[object]:
    """Run `action` in THREADS threads, each in its own app context (its own connection),
    released at the same instant; returns what each returned or raised."""
    barrier = threading.Barrier(THREADS)
    results: list[object] = [None] * THREADS

    def worker(index: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                results[index] = action()
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - the test inspects every outcome
                db.session.rollback()
                results[index] = error

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def quiz_step() -> Step:
    return db.session.scalar(sa.select(Step).where(Step.key == QUIZ))


def test_twenty_simultaneous_enrolments_make_one(app, make_user):
    user = make_user()
    with app.app_context():
        content.import_courses([EXAMPLE])
        db.session.commit()

    def enrol():
        course = db.session.scalar(sa.select(Course).filter_by(slug="exemple-cours"))
        return catalog.enrol(db.session.merge(user), course).id

    results = run_together(app, enrol)
    assert all(isinstance(result, int) for result in results), results
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 1


def test_twenty_simultaneous_submissions_of_one_attempt_record_one(app, committed_enrolment):
    _, enrolment_id = committed_enrolment
    with app.app_context():
        attempt = services.start_attempt(db.session.get(Enrolment, enrolment_id), quiz_step())
        db.session.commit()
        attempt_id = attempt.id
    answers = {int(k[1:]): v for k, v in quiz_answers(app, True).items()}

    def submit():
        return services.submit_attempt(db.session.get(QuizAttempt, attempt_id), answers).recorded

    results = run_together(app, submit)
    assert results.count(True) == 1, results
    assert results.count(False) == THREADS - 1
    with app.app_context():
        attempts = db.session.scalars(sa.select(QuizAttempt)).all()
        assert len(attempts) == 1
        assert attempts[0].passed
        assert db.session.get(Enrolment, enrolment_id).completed_at is None  # lessons not done


def test_simultaneous_attempts_never_exceed_the_maximum(app, committed_enrolment):
    _, enrolment_id = committed_enrolment
    answers = {int(k[1:]): v for k, v in quiz_answers(app, False).items()}

    def start_and_fail():
        enrolment = db.session.get(Enrolment, enrolment_id)
        attempt = services.start_attempt(enrolment, quiz_step())
        db.session.commit()
        return services.submit_attempt(db.session.get(QuizAttempt, attempt.id), answers).recorded

    for _ in range(3):
        run_together(app, start_and_fail)
    with app.app_context():
        numbers = db.session.scalars(sa.select(QuizAttempt.number).order_by(QuizAttempt.number))
        assert list(numbers) == [1, 2, 3]
