"""The home page after log-in: « Reprendre » for the course the learner was last busy with."""

import re

from tests.learning.conftest import (
    LESSON_1,
    LESSON_2,
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
from tests.learning.test_queries import counted
from training.accounts.models import User
from training.extensions import db
from training.learning import services as learning

EXAMPLE_TITLE = "Cours d&#39;exemple : le format des fichiers"
CORE = "socle-commun"


def resume_box(client) -> str | None:
    """The « Reprendre votre formation » box of the home page, whitespace collapsed."""
    page = client.get("/").get_data(as_text=True)
    found = re.search(r"<h2[^>]*>Reprendre votre formation</h2>(.*?)</div>", page, re.S)
    return " ".join(found.group(1).split()) if found else None


def test_nothing_to_resume_before_enrolling(login_as, example_course):
    assert resume_box(login_as()) is None


def test_the_course_in_progress_is_resumed_at_its_next_step(login_as, example_course):
    client = login_as()
    enrol(client)
    assert "Prochaine étape : Les trois éléments de la traite" in resume_box(client)

    finish_lesson(client, LESSON_1)
    box = resume_box(client)
    assert EXAMPLE_TITLE in box
    assert "Prochaine étape : À qui signaler" in box
    link = re.search(r'<a class="fr-btn" href="([^"]+)">Reprendre<span', box).group(1)
    assert link == f"/formations/{SLUG}/reprendre"
    assert client.get(link).headers["Location"] == f"/formations/{SLUG}/{LESSON_2}"


def test_the_most_recently_active_course_is_the_one_resumed(app, login_as, example_course):
    import_courses(app, ROOT / "courses" / CORE)
    client = login_as()
    enrol(client)
    enrol(client, CORE)
    assert "le socle commun" in resume_box(client)  # enrolled last

    finish_lesson(client, LESSON_1)
    assert EXAMPLE_TITLE in resume_box(client)  # a step done since

    attempt_id = start_attempt(client, "05-droits-et-evaluation/02-quiz-final", CORE)
    assert attempt_id
    assert "le socle commun" in resume_box(client)  # a quiz started since


def test_a_finished_course_is_not_offered(app, login_as, example_course):
    client = login_as()
    enrol(client)
    finish_lesson(client, LESSON_1)
    finish_lesson(client, LESSON_2)
    submit(client, start_attempt(client), quiz_answers(app, True, QUIZ))
    assert resume_box(client) is None


def test_finding_the_course_to_resume_takes_two_queries(app, login_as, example_course):
    import_courses(app, ROOT / "courses" / CORE)
    client = login_as()
    enrol(client)
    enrol(client, CORE)
    finish_lesson(client, LESSON_1)
    with app.app_context():
        user = db.session.get(User, client.user.id)
        with counted(app) as statements:
            resumable = learning.course_to_resume(user)
            assert resumable.enrolment.course.slug == SLUG
            assert resumable.enrolment.version.title
            assert resumable.next_step.key == LESSON_2
    assert len(statements) == 2
