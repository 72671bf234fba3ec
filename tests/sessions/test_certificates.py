"""A trainer downloads the certificates of their own sessions' participants, nobody else's."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.conftest import log_in
from tests.sessions.conftest import LESSON_1, LESSON_2, finish_lesson, join, take_quiz
from training.accounts.models import Role
from training.certificates import services as certificates
from training.certificates.models import Certificate
from training.extensions import db


@pytest.fixture
def certified(app, trainer, make_user, make_session):
    """A participant of `trainer`'s session who earned the certificate; returns its code."""
    member = join(app, make_user(), make_session(trainer))
    finish_lesson(app, member.enrolment_id, LESSON_1)
    finish_lesson(app, member.enrolment_id, LESSON_2)
    take_quiz(app, member.enrolment_id, [True, True, True])
    with app.app_context():
        return db.session.scalar(
            sa.select(Certificate.code).filter_by(enrolment_id=member.enrolment_id)
        )


def client_of(app, user):
    client = app.test_client()
    log_in(client, user.email)
    return client


def test_owner_trainer_downloads_the_participants_certificate(app, trainer, certified):
    response = client_of(app, trainer).get(f"/attestations/{certified}.pdf")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF")
    page = client_of(app, trainer).get("/sessions").get_data(as_text=True)
    assert "/sessions/" in page


def test_another_trainer_is_refused_as_for_an_unknown_code(app, make_user, certified):
    other = make_user(role=Role.TRAINER)
    assert client_of(app, other).get(f"/attestations/{certified}.pdf").status_code == 404


def test_a_trainer_of_another_session_of_the_same_course_is_refused(
    app, make_user, make_session, certified
):
    other = make_user(role=Role.TRAINER)
    join(app, make_user(), make_session(other))
    assert client_of(app, other).get(f"/attestations/{certified}.pdf").status_code == 404


def test_a_participant_does_not_get_another_participants_certificate(
    app, trainer, make_user, certified
):
    with app.app_context():
        from training.sessions.models import TrainingSession

        session_id = db.session.scalar(sa.select(TrainingSession.id))
    fellow = make_user()
    join(app, fellow, session_id)
    assert client_of(app, fellow).get(f"/attestations/{certified}.pdf").status_code == 404


def test_a_former_trainer_who_became_a_learner_is_refused(app, trainer, certified):
    with app.app_context():
        user = db.session.merge(trainer)
        user.role = Role.LEARNER.value
        db.session.commit()
        assert certificates.certificate_to_download(user, certified) is None


def test_a_revoked_certificate_is_refused_to_the_trainer_too(app, trainer, certified):
    with app.app_context():
        certificate = certificates.find_by_code(certified)
        certificate.revoked_at, certificate.revocation_reason = datetime.now(UTC), "Erreur"
        db.session.commit()
    response = client_of(app, trainer).get(f"/attestations/{certified}.pdf")
    assert response.status_code == 410
