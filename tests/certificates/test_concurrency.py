"""Exactly one certificate, and one revocation, under simultaneous requests on PostgreSQL."""

import pytest
import sqlalchemy as sa

from tests.learning.conftest import LESSON_1, LESSON_2, QUIZ, quiz_answers
from tests.learning.test_concurrency import THREADS, run_together
from training.audit.models import AuditEvent
from training.catalog.models import Enrolment
from training.certificates import services as certificates
from training.certificates.models import Certificate
from training.content.models import Step
from training.extensions import db
from training.learning import services
from training.learning.models import QuizAttempt, StepCompletion

pytestmark = pytest.mark.postgresql_only


def step(key: str) -> Step:
    return db.session.scalar(sa.select(Step).where(Step.key == key))


def test_twenty_learners_finishing_the_last_lesson_at_once_get_one_certificate(
    app, committed_enrolment
):
    """The quiz is passed and the first lesson done: 20 requests finish the last lesson."""
    _, enrolment_id = committed_enrolment
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        services.mark_lesson_done(enrolment, step(LESSON_1))
        attempt = services.start_attempt(enrolment, step(QUIZ))
        answers = {int(k[1:]): v for k, v in quiz_answers(app, True).items()}
        assert not services.submit_attempt(attempt, answers).course_completed
        db.session.commit()

    def finish_last_lesson():
        enrolment = db.session.get(Enrolment, enrolment_id)
        return services.mark_lesson_done(enrolment, step(LESSON_2))

    results = run_together(app, finish_last_lesson)
    assert results.count(True) == 1, results
    assert results.count(False) == THREADS - 1, results
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(StepCompletion.id))) == 3
        (certificate,) = db.session.scalars(sa.select(Certificate)).all()
        assert certificate.enrolment_id == enrolment_id


def test_twenty_simultaneous_completion_checks_issue_one_certificate(app, committed_enrolment):
    """Every step is done; 20 callers then ask complete_if_done at the same instant."""
    _, enrolment_id = committed_enrolment
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        for key in (LESSON_1, LESSON_2, QUIZ):
            db.session.add(StepCompletion(enrolment_id=enrolment_id, step_id=step(key).id))
        db.session.commit()
        assert enrolment.completed_at is None

    def complete():
        return services.complete_if_done(db.session.get(Enrolment, enrolment_id))

    results = run_together(app, complete)
    assert results.count(True) == 1, results
    assert results.count(False) == THREADS - 1, results
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(QuizAttempt.id))) == 0


def test_issuing_directly_from_twenty_connections_still_makes_one(app, committed_enrolment):
    """Even bypassing complete_if_done, the unique enrolment_id keeps a single certificate."""
    _, enrolment_id = committed_enrolment
    with app.app_context():
        db.session.execute(
            sa.update(Enrolment)
            .where(Enrolment.id == enrolment_id)
            .values(completed_at=sa.func.now())
        )
        db.session.commit()

    def issue():
        return certificates.issue_certificate(db.session.get(Enrolment, enrolment_id)).code

    results = run_together(app, issue)
    assert all(isinstance(result, str) for result in results), results
    with app.app_context():
        codes = set(db.session.scalars(sa.select(Certificate.code)))
    assert len(codes) == 1
    assert set(results) == codes


def test_twenty_simultaneous_revocations_record_one(app, committed_enrolment, make_user):
    _, enrolment_id = committed_enrolment
    admin = make_user(email="admin@exemple.fr")
    with app.app_context():
        db.session.execute(
            sa.update(Enrolment)
            .where(Enrolment.id == enrolment_id)
            .values(completed_at=sa.func.now())
        )
        code = certificates.issue_certificate(db.session.get(Enrolment, enrolment_id)).code
        db.session.commit()

    def revoke():
        certificate = certificates.find_by_code(code)
        certificates.revoke_certificate(certificate, db.session.merge(admin), "Fraude.")
        return True

    results = run_together(app, revoke)
    assert results.count(True) == 1, results
    assert all(isinstance(r, certificates.CertificateError) for r in results if r is not True)
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count(AuditEvent.id)).filter_by(action="certificate.revoked")
            )
            == 1
        )
