"""The learner's journey through the example course: enrol, lessons, resume, quiz, completion."""

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
from training.accounts.models import Role, Territory, User
from training.catalog.models import Enrolment
from training.extensions import db
from training.learning.models import QuizAttempt, StepCompletion


def enrolment_of(app, user_id):
    """The learner's enrolment, with the territory code it recorded (None if not enrolled)."""
    with app.app_context():
        enrolment = db.session.scalar(sa.select(Enrolment).filter_by(user_id=user_id))
        if enrolment is not None:
            enrolment.territory_code = enrolment.territory.code
        return enrolment


def test_enrolment_needs_a_confirmed_email(app, login_as, example_course):
    client = login_as(confirmed=False)
    response = enrol(client)
    assert response.status_code == 403
    assert "Confirmez d&#39;abord votre adresse électronique" in response.get_data(as_text=True)
    assert enrolment_of(app, client.user.id) is None


def test_enrolment_pins_the_version_profession_and_territory_and_is_idempotent(
    app, login_as, example_course
):
    client = login_as(profession="sante", territory="bordeaux")
    assert enrol(client).status_code == 302
    assert enrol(client).status_code == 302
    with app.app_context():
        enrolments = db.session.scalars(
            sa.select(Enrolment).filter_by(user_id=client.user.id)
        ).all()
        assert len(enrolments) == 1
        assert enrolments[0].version.number == 1
        assert (enrolments[0].profession.code, enrolments[0].territory.code) == (
            "sante",
            "bordeaux",
        )
        user = db.session.get(User, client.user.id)
        user.territory = db.session.scalar(sa.select(Territory).filter_by(code="paris"))
        db.session.commit()
    assert enrolment_of(app, client.user.id).territory_code == "bordeaux"


def test_lessons_progress_and_resume(app, login_as, example_course):
    client = login_as()
    response = enrol(client)
    assert response.headers["Location"] == f"/formations/{SLUG}/reprendre"
    first = client.get(response.headers["Location"])
    assert first.headers["Location"] == f"/formations/{SLUG}/{LESSON_1}"

    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Étape 1 sur 3" in page
    assert "J'ai terminé cette étape" in page
    assert "Avant de commencer" in page  # the course's content notice, before the first lesson

    assert finish_lesson(client, LESSON_1).status_code == 302
    assert finish_lesson(client, LESSON_1).status_code == 302  # a double click changes nothing
    resumed = client.get(f"/formations/{SLUG}/reprendre")
    assert resumed.headers["Location"] == f"/formations/{SLUG}/{LESSON_2}"
    page = client.get(f"/formations/{SLUG}/{LESSON_2}").get_data(as_text=True)
    assert "Étape 2 sur 3" in page
    assert "1 étape terminée sur 3 (33 %)" in page

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(StepCompletion.id))) == 1

    dashboard = client.get("/mon-parcours").get_data(as_text=True)
    assert "1 étape sur 3 (33 %)" in dashboard


def test_quiz_page_never_reveals_the_right_answers(app, login_as, example_course):
    client = login_as()
    enrol(client)
    attempt_id = start_attempt(client)
    html = client.get(f"/tentatives/{attempt_id}").get_data(as_text=True)
    assert "fieldset" in html
    assert "<legend" in html
    for forbidden in (
        "correct",
        "bonne réponse",
        "indicateurs du travail forcé",
        "Exact :",
        "Oui :",
    ):
        assert forbidden not in html, forbidden
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.submitted_at is None


def test_fail_then_pass_completes_the_course(app, login_as, example_course):
    client = login_as()
    enrol(client)
    finish_lesson(client, LESSON_1)
    finish_lesson(client, LESSON_2)

    first = start_attempt(client)
    response = submit(client, first, quiz_answers(app, [True, False, False]))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/tentatives/{first}#resultat")
    result = client.get(f"/tentatives/{first}").get_data(as_text=True)
    assert "Quiz non réussi : 33 %" in result
    assert "Il vous reste 2 tentatives." in result
    assert "(bonne réponse)" not in result  # hidden while attempts remain and not passed
    assert "Un indicateur isolé ne suffit pas à conclure" in result  # the explanation
    assert "Non : le lieu n&#39;est pas un moyen." in result or "Non : pour un mineur" in result
    assert enrolment_of(app, client.user.id).completed_at is None

    second = start_attempt(client)
    assert second != first
    submit(client, second, quiz_answers(app, True))
    result = client.get(f"/tentatives/{second}").get_data(as_text=True)
    assert "Quiz réussi : 100 %" in result
    assert "(bonne réponse)" in result
    assert enrolment_of(app, client.user.id).completed_at is not None

    dashboard = client.get("/mon-parcours").get_data(as_text=True)
    assert "terminée le" in dashboard
    course_page = client.get(f"/formations/{SLUG}/").get_data(as_text=True)
    assert "Terminée le" in course_page


def test_attempts_run_out(app, login_as, example_course):
    client = login_as()
    enrol(client)
    for _ in range(3):
        submit(client, start_attempt(client), quiz_answers(app, False))
    response = client.post(
        f"/formations/{SLUG}/{QUIZ}/tentative", data={"csrf_token": csrf_token(client)}
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vous avez utilisé toutes les tentatives de ce quiz" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(QuizAttempt.id))) == 3
    last = client.get("/tentatives/" + str(_last_attempt_id(app))).get_data(as_text=True)
    assert "(bonne réponse)" in last  # revealed once no attempt is left


def _last_attempt_id(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.max(QuizAttempt.id)))


def test_best_attempt_counts_and_passing_closes_the_quiz(app, login_as, example_course):
    client = login_as()
    enrol(client)
    submit(client, start_attempt(client), quiz_answers(app, True))
    response = client.post(
        f"/formations/{SLUG}/{QUIZ}/tentative", data={"csrf_token": csrf_token(client)}
    )
    assert response.status_code == 303
    page = client.get(f"/formations/{SLUG}/{QUIZ}").get_data(as_text=True)
    assert "Meilleur score : 100 %" in page
    assert "Quiz réussi" in page


def test_an_unanswered_question_keeps_the_answers_and_records_nothing(
    app, login_as, example_course
):
    client = login_as()
    enrol(client)
    attempt_id = start_attempt(client)
    data = quiz_answers(app, True)
    first_field, first_value = next(iter(data.items()))
    response = submit(client, attempt_id, {first_field: first_value})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "2 questions sans réponse" in html
    assert f'value="{first_value[0]}" checked' in html
    with app.app_context():
        assert db.session.get(QuizAttempt, attempt_id).submitted_at is None


def test_shuffled_choices_keep_their_order_within_an_attempt(app, login_as, example_course):
    client = login_as()
    enrol(client)
    attempt_id = start_attempt(client)
    again = start_attempt(client)
    assert again == attempt_id  # going back to the quiz reopens the same attempt
    first = client.get(f"/tentatives/{attempt_id}").get_data(as_text=True)
    second = client.get(f"/tentatives/{attempt_id}").get_data(as_text=True)
    assert _choice_ids(first) == _choice_ids(second)


def _choice_ids(html):
    import re

    return re.findall(r'id="choix-(\d+)"', html)


def test_a_learner_role_is_not_needed_to_learn(login_as, example_course):
    client = login_as(Role.TRAINER)
    assert enrol(client).status_code == 302


def test_true_false_choices_are_never_shuffled(app, login_as, example_course):
    import random

    from training.catalog.models import Enrolment as EnrolmentModel
    from training.content.models import Step
    from training.learning import services

    client = login_as()
    enrol(client)
    with app.app_context():
        enrolment = db.session.scalar(sa.select(EnrolmentModel))
        step = db.session.scalar(sa.select(Step).where(Step.key == QUIZ))
        questions = {q.id: q for q in services.quiz_questions(step)}
        for seed in range(20):
            attempt = services.start_attempt(enrolment, step, random.Random(seed))
            for question_id, order in attempt.choice_order.items():
                question = questions[int(question_id)]
                if question.kind == "true_false":
                    assert order == [choice.id for choice in question.choices]
            db.session.delete(attempt)
            db.session.flush()
