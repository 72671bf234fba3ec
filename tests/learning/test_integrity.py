"""Forged requests, other learners' data and repeated submissions: refused, recording nothing."""

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token
from tests.learning.conftest import (
    EXAMPLE,
    LESSON_1,
    QUIZ,
    ROOT,
    SLUG,
    enrol,
    finish_lesson,
    import_courses,
    quiz_answers,
    start_attempt,
    submit,
)
from tests.learning.test_queries import BIG, BIG_LESSON
from training.extensions import db
from training.learning.models import QuizAttempt, StepCompletion


def counts(app):
    with app.app_context():
        attempts = db.session.scalars(sa.select(QuizAttempt)).all()
        return (
            len([a for a in attempts if a.submitted_at is not None]),
            db.session.scalar(sa.select(sa.func.count(StepCompletion.id))),
        )


@pytest.fixture
def attempt(app, login_as, example_course):
    client = login_as()
    enrol(client)
    return client, start_attempt(client)


def test_a_choice_of_another_question_is_refused(app, attempt):
    client, attempt_id = attempt
    data = quiz_answers(app, True)
    (first, first_choices), (second, second_choices), *_ = data.items()
    data[first] = second_choices[:1]
    assert submit(client, attempt_id, data).status_code == 400
    assert counts(app) == (0, 0)


def test_a_choice_of_another_quiz_is_refused(app, attempt):
    client, attempt_id = attempt
    data = quiz_answers(app, True)
    first = next(iter(data))
    data[first] = [999_999]
    assert submit(client, attempt_id, data).status_code == 400
    assert counts(app) == (0, 0)


def test_a_duplicated_choice_is_refused(app, attempt):
    client, attempt_id = attempt
    data = quiz_answers(app, True)
    first = next(iter(data))
    data[first] = data[first] * 2
    assert submit(client, attempt_id, data).status_code == 400
    assert counts(app) == (0, 0)


@pytest.mark.parametrize("field", ["q999999", "question", "q1x"])
def test_an_unknown_field_is_refused(app, attempt, field):
    client, attempt_id = attempt
    data = {**quiz_answers(app, True), field: ["1"]}
    assert submit(client, attempt_id, data).status_code == 400
    assert counts(app) == (0, 0)


def test_a_non_numeric_choice_is_refused(app, attempt):
    client, attempt_id = attempt
    data = quiz_answers(app, True)
    data[next(iter(data))] = ["abc"]
    assert submit(client, attempt_id, data).status_code == 400


def test_submission_without_csrf_token_is_refused(app, attempt):
    client, attempt_id = attempt
    response = client.post(f"/tentatives/{attempt_id}", data=quiz_answers(app, True))
    assert response.status_code == 400
    assert counts(app) == (0, 0)


def test_another_learners_attempt_is_a_404(app, attempt, login_as):
    _, attempt_id = attempt
    intruder = login_as()
    assert intruder.get(f"/tentatives/{attempt_id}").status_code == 404
    response = submit(intruder, attempt_id, quiz_answers(app, True))
    assert response.status_code == 404
    assert counts(app) == (0, 0)


def test_a_step_of_a_course_not_enrolled_in_is_refused(app, login_as, example_course):
    client = login_as()
    assert finish_lesson(client, LESSON_1).status_code == 403
    response = client.post(
        f"/formations/{SLUG}/{QUIZ}/tentative", data={"csrf_token": csrf_token(client)}
    )
    assert response.status_code == 403
    page = client.get(f"/formations/{SLUG}/{LESSON_1}")
    assert page.status_code == 302
    assert counts(app) == (0, 0)


def test_a_quiz_cannot_be_marked_done_and_an_unknown_step_is_a_404(app, login_as, example_course):
    client = login_as()
    enrol(client)
    assert finish_lesson(client, QUIZ).status_code == 400
    assert finish_lesson(client, "01-decouvrir/99-nope").status_code == 404
    assert client.get(f"/formations/{SLUG}/01-decouvrir/99-nope").status_code == 404
    assert counts(app) == (0, 0)


def test_submitting_twice_records_one_attempt(app, attempt):
    client, attempt_id = attempt
    first = submit(client, attempt_id, quiz_answers(app, False))
    replay = submit(client, attempt_id, quiz_answers(app, True))
    assert first.status_code == 302
    assert replay.status_code == 409  # the replay is told it was not recorded
    with app.app_context():
        recorded = db.session.get(QuizAttempt, attempt_id)
        assert (recorded.score, recorded.passed) == (0, False)
        assert db.session.scalar(sa.select(sa.func.count(QuizAttempt.id))) == 1


def test_another_learners_progress_is_not_shown(app, login_as, example_course):
    first = login_as()
    enrol(first)
    finish_lesson(first, LESSON_1)
    second = login_as()
    enrol(second)
    page = second.get(f"/formations/{SLUG}/{LESSON_1}").get_data(as_text=True)
    assert "0 étape terminée sur 3" in page


def test_a_new_version_is_offered_and_switching_keeps_unchanged_steps(
    app, login_as, example_course, tmp_path
):
    import shutil

    client = login_as()
    enrol(client)
    finish_lesson(client, LESSON_1)
    finish_lesson(client, "01-decouvrir/02-a-qui-signaler")

    changed = tmp_path / SLUG
    shutil.copytree(EXAMPLE, changed)
    lesson = changed / "01-decouvrir" / "02-a-qui-signaler.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\nUn paragraphe ajouté.\n", "utf-8")
    (changed / "01-decouvrir" / "03-nouveau.md").write_text(
        "---\nkind: lesson\ntitle: Une leçon ajoutée\n---\nTexte de la leçon ajoutée.\n", "utf-8"
    )
    import_courses(app, changed)
    dashboard = client.get("/mon-parcours").get_data(as_text=True)
    assert "2 étapes sur 3 (66 %)" in dashboard  # still counted on the version followed

    page = client.get(f"/formations/{SLUG}/").get_data(as_text=True)
    assert "Une nouvelle version (version 2)" in page
    assert "Progression : 2 étapes sur 3" in page

    response = client.post(
        f"/formations/{SLUG}/changer-de-version", data={"csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302
    flashed = client.get(response.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Vous suivez maintenant la version 2. 1 étape(s)" in flashed
    assert "1 étape sur 4 (25 %)" in client.get("/mon-parcours").get_data(as_text=True)
    resumed = client.get(f"/formations/{SLUG}/reprendre")
    assert resumed.headers["Location"].endswith("01-decouvrir/02-a-qui-signaler")


def test_a_logged_in_learner_gets_a_404_for_an_unknown_course_or_another_courses_step(
    app, login_as, example_course
):
    """The course page and step pages read course, enrolment and step with the learner's
    version: an unknown course, or a step key of another course, is not found."""
    import_courses(app, ROOT / "courses" / BIG)
    client = login_as()
    enrol(client)
    assert client.get("/formations/inconnu/").status_code == 404
    assert client.get("/formations/inconnu/01-decouvrir/01-les-trois-elements").status_code == 404
    assert client.get(f"/formations/{SLUG}/{BIG_LESSON}").status_code == 404
    # Not enrolled in the other course: its step leads to its course page, not to the step.
    response = client.get(f"/formations/{BIG}/{BIG_LESSON}")
    assert response.status_code == 302
    assert response.location.endswith(f"/formations/{BIG}/")
