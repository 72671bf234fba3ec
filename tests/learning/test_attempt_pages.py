"""The quiz pages a learner sees: the summary of unanswered questions, each question's verdict
on the result, and answers sent again for an attempt already submitted (a second tab)."""

import re

import sqlalchemy as sa

from tests.learning.conftest import (
    LESSON_1,
    QUIZ,
    SLUG,
    enrol,
    quiz_answers,
    start_attempt,
    submit,
)
from training.content.models import Question, Step
from training.extensions import db
from training.learning.models import QuizAttempt
from training.timeutils import utcnow


def _questions_on_page(html: str) -> list[tuple[str, str]]:
    """(question id, first choice id) of each question, in the order of the page."""
    return re.findall(r'<fieldset[^>]* id="question-(\d+)".*?id="choix-(\d+)"', html, flags=re.S)


def _multiple_choice_question(app) -> tuple[int, list[int], list[int]]:
    """The example quiz's multiple-choice question: its id, right and wrong choice ids."""
    with app.app_context():
        question = db.session.scalar(
            sa.select(Question)
            .join(Question.step)
            .where(Step.key == QUIZ, Question.kind == "multiple")
        )
        right = [choice.id for choice in question.choices if choice.is_correct]
        wrong = [choice.id for choice in question.choices if not choice.is_correct]
        return question.id, right, wrong


def test_a_quiz_gives_its_estimated_duration_and_a_lesson_its_reading_time(
    login_as, example_course
):
    client = login_as()
    enrol(client)
    quiz = client.get(f"/formations/{SLUG}/{QUIZ}").get_data(as_text=True)
    assert "Durée estimée : 2 minutes" in quiz
    assert "Temps de lecture" not in quiz
    lesson = client.get(f"/formations/{SLUG}/{LESSON_1}").get_data(as_text=True)
    assert "Temps de lecture : 5 minutes" in lesson


def test_the_error_summary_gives_each_unanswered_question_its_own_number(
    app, login_as, example_course
):
    client = login_as()
    enrol(client)
    attempt_id = start_attempt(client)
    first_field, first_value = next(iter(quiz_answers(app, True).items()))
    html = submit(client, attempt_id, {first_field: first_value}).get_data(as_text=True)

    summary = html.split('id="resume-erreurs"', 1)[1].split("</div>", 1)[0]
    links = re.findall(r'<a href="#choix-(\d+)">Question (\d+) : répondez', summary)
    on_page = _questions_on_page(html)
    assert len(on_page) == 3
    assert links == [(on_page[1][1], "2"), (on_page[2][1], "3")]


def test_a_partly_right_answer_is_told_incomplete_and_still_scores_nothing(
    app, login_as, example_course
):
    client = login_as()
    enrol(client)
    attempt_id = start_attempt(client)
    question_id, right, _ = _multiple_choice_question(app)
    answers = {**quiz_answers(app, True), f"q{question_id}": right[:1]}
    submit(client, attempt_id, answers)

    html = client.get(f"/tentatives/{attempt_id}").get_data(as_text=True)
    assert "Quiz non réussi : 66 %" in html
    assert "2 bonnes réponses sur 3" in html
    section = html.split("lesquels sont des moyens", 1)[1].split("</section>", 1)[0]
    assert "Réponse incomplète" in section
    assert "Réponse incorrecte" not in section
    assert "il en manquait 1." in section
    assert section.count("Bonne réponse") == 0


def test_a_mix_of_right_and_wrong_choices_stays_incorrect(app, login_as, example_course):
    client = login_as()
    enrol(client)
    attempt_id = start_attempt(client)
    question_id, right, wrong = _multiple_choice_question(app)
    submit(client, attempt_id, {**quiz_answers(app, True), f"q{question_id}": right[:1] + wrong})

    html = client.get(f"/tentatives/{attempt_id}").get_data(as_text=True)
    section = html.split("lesquels sont des moyens", 1)[1].split("</section>", 1)[0]
    assert "Réponse incorrecte" in section
    assert "incomplète" not in section


def test_answers_sent_again_from_another_tab_are_not_recorded_and_the_learner_is_told(
    app, login_as, example_course
):
    client = login_as()
    enrol(client)
    attempt_id = start_attempt(client)
    first_tab = quiz_answers(app, False)
    second_tab = quiz_answers(app, True)
    assert submit(client, attempt_id, first_tab).status_code == 302

    response = submit(client, attempt_id, second_tab)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Cette tentative était déjà validée" in html
    assert "Les réponses que vous venez d'envoyer n'ont pas été enregistrées" in html
    assert "Quiz non réussi : 0 %" in html
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        assert attempt.score == 0
        assert attempt.answers == {key[1:]: value for key, value in first_tab.items()}

    # The message belongs to that response only: the result page itself does not repeat it.
    again = client.get(f"/tentatives/{attempt_id}")
    assert again.status_code == 200
    assert "déjà validée" not in again.get_data(as_text=True)


def test_answers_that_lose_a_race_with_another_tab_are_told_not_recorded(
    app, login_as, example_course, monkeypatch
):
    from training.learning import services

    client = login_as()
    enrol(client)
    attempt_id = start_attempt(client)
    real_submit = services.submit_attempt

    def other_tab_first(attempt, submitted):
        """The other tab's submission is recorded after this request loaded the attempt."""
        with db.session.begin_nested():
            db.session.execute(
                sa.update(QuizAttempt)
                .where(QuizAttempt.id == attempt.id)
                .values(submitted_at=utcnow(), answers={}, score=0, passed=False)
                .execution_options(synchronize_session=False)
            )
        return real_submit(attempt, submitted)

    monkeypatch.setattr(services, "submit_attempt", other_tab_first)
    response = submit(client, attempt_id, quiz_answers(app, True))
    assert response.status_code == 409
    assert "Cette tentative était déjà validée" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(QuizAttempt, attempt_id).score == 0
