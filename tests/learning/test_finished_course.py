"""A finished course stays open for reading: every step, the quiz's result and attempts; reading
it again records nothing (no new attempt, completion and certificate unchanged)."""

import sqlalchemy as sa

from tests.conftest import csrf_token
from tests.learning.conftest import (
    LESSON_1,
    LESSON_2,
    QUIZ,
    SLUG,
    enrol,
    finish_lesson,
    quiz_answers,
    start_attempt,
    submit,
)
from training.catalog.models import Enrolment
from training.certificates.models import Certificate
from training.extensions import db
from training.learning import services as learning
from training.learning.models import QuizAttempt, StepCompletion


def state(app, user_id: int) -> tuple:
    """What reading must not change: completion, steps done, attempts, certificates."""
    with app.app_context():
        enrolment = db.session.scalar(sa.select(Enrolment).filter_by(user_id=user_id))
        return (
            enrolment.completed_at,
            db.session.scalar(sa.select(sa.func.count(StepCompletion.id))),
            db.session.scalar(sa.select(sa.func.count(QuizAttempt.id))),
            db.session.scalar(sa.select(sa.func.count(Certificate.id))),
        )


def test_every_step_of_a_finished_course_can_be_read_again(app, login_as, example_course):
    client = login_as()
    enrol(client)
    finish_lesson(client, LESSON_1)
    finish_lesson(client, LESSON_2)
    attempt_id = start_attempt(client)
    submit(client, attempt_id, quiz_answers(app, True))
    before = state(app, client.user.id)
    assert before[0] is not None

    for key in (LESSON_1, LESSON_2):
        page = client.get(f"/formations/{SLUG}/{key}").get_data(as_text=True)
        assert "Étape terminée" in page
        assert "J'ai terminé cette étape" not in page
    quiz = client.get(f"/formations/{SLUG}/{QUIZ}")
    page = quiz.get_data(as_text=True)
    assert quiz.status_code == 200
    assert "Quiz réussi" in page
    assert f'<a href="/tentatives/{attempt_id}">Tentative 1</a> : 100 % — réussie' in page
    assert "Commencer le quiz" not in page
    assert "Nouvelle tentative" not in page
    assert "Quiz réussi : 100 %" in client.get(f"/tentatives/{attempt_id}").get_data(as_text=True)

    finish_lesson(client, LESSON_1)  # a replayed form changes nothing
    assert state(app, client.user.id) == before


def test_a_finished_course_starts_no_new_attempt(app, login_as, example_course):
    """Even at a quiz done without an attempt of this version (carried over from an older
    version with the same quiz), a finished course records no attempt."""
    client = login_as()
    enrol(client)
    finish_lesson(client, LESSON_1)
    finish_lesson(client, LESSON_2)
    with app.app_context():
        enrolment = db.session.scalar(sa.select(Enrolment).filter_by(user_id=client.user.id))
        db.session.add(
            StepCompletion(
                enrolment_id=enrolment.id,
                step_id=learning.step_of(enrolment, QUIZ).id,
                carried_over=True,
            )
        )
        db.session.flush()
        assert learning.complete_if_done(enrolment)
        db.session.commit()
    before = state(app, client.user.id)

    page = client.get(f"/formations/{SLUG}/{QUIZ}").get_data(as_text=True)
    assert "Commencer le quiz" not in page
    response = client.post(
        f"/formations/{SLUG}/{QUIZ}/tentative", data={"csrf_token": csrf_token(client)}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/formations/{SLUG}/{QUIZ}"
    assert "Vous avez terminé cette formation" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert state(app, client.user.id) == before
