"""What the learner's most visited pages read from the database: no text that the page does not
show, nothing computed again for a published version, nothing read twice."""

import re

from tests.conftest import csrf_token
from tests.learning.conftest import (
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
from tests.learning.test_queries import BIG, BIG_LESSON, counted, executed_statements
from training.published import forget_everything

LONG_TEXTS = ("body_md", "body_html", "intro_md", "intro_html")
VERSION_TEXTS = ("presentation_md", "presentation_html", "fiche_md", "fiche_html")


def outline_query(statements: list[str]) -> str:
    (query,) = [s for s in statements if "FROM course_steps JOIN course_modules" in s]
    return query


def test_the_outline_of_a_lesson_page_loads_titles_not_texts_once(app, login_as, example_course):
    import_courses(app, ROOT / "courses" / BIG)
    client = login_as()
    enrol(client, BIG)
    forget_everything(app)
    with counted(app) as statements:
        response = client.get(f"/formations/{BIG}/{BIG_LESSON}")
    assert response.status_code == 200
    outline = outline_query(statements)
    assert not [column for column in LONG_TEXTS if column in outline]
    # The step shown has its HTML, not its Markdown source, which no learner's page shows.
    (step,) = [s for s in statements if "FROM course_steps" in s and s != outline]
    assert "body_html" in step
    assert "body_md" not in step
    assert "lesson-body" in response.get_data(as_text=True)
    assert len(re.findall(r"<p>", response.get_data(as_text=True))) > 3
    # A published version never changes: its outline is read once per process.
    with counted(app) as again:
        assert client.get(f"/formations/{BIG}/{BIG_LESSON}").status_code == 200
    assert not [s for s in again if "JOIN course_modules" in s]


def test_the_course_page_outline_loads_titles_not_texts_once(app, login_as, example_course):
    client = login_as()
    enrol(client, SLUG)
    forget_everything(app)
    with counted(app) as statements:
        assert client.get(f"/formations/{SLUG}/").status_code == 200
    outline = outline_query(statements)
    assert not [column for column in LONG_TEXTS if column in outline]
    with counted(app) as again:
        assert client.get(f"/formations/{SLUG}/").status_code == 200
    assert not [s for s in again if "JOIN course_modules" in s]


def test_review_notes_of_a_published_version_are_looked_for_once(app, login_as, example_course):
    client = login_as()
    enrol(client, SLUG)
    assert client.get(f"/formations/{SLUG}/").status_code == 200
    with counted(app) as again:
        assert client.get(f"/formations/{SLUG}/").status_code == 200
    assert not [s for s in again if " LIKE " in s.upper()]
    assert len(again) <= 10


def test_lists_of_courses_load_no_presentation_nor_fiche(app, login_as, example_course):
    client = login_as()
    enrol(client, SLUG)
    for url in ("/formations", "/mon-parcours"):
        with counted(app) as statements:
            assert client.get(url).status_code == 200
        versions = [s for s in statements if "FROM course_versions" in s]
        assert versions, url
        assert not [c for s in versions for c in VERSION_TEXTS if c in s], url
        assert len(statements) <= 8, url


def test_marking_a_step_done_reads_the_account_once(app, login_as, example_course):
    client = login_as()
    enrol(client, SLUG)
    token = csrf_token(client)
    with counted(app) as statements:
        response = client.post(
            f"/formations/{SLUG}/{LESSON_1}/terminer", data={"csrf_token": token}
        )
    assert response.status_code == 302
    accounts = [s for s in statements if re.search(r"\b(FROM|JOIN) users\b", s)]
    # The session's row and its user, in one query; nothing after the commit (the response's
    # Cache-Control needs no database).
    assert len(accounts) == 1, accounts


def test_a_lesson_page_reads_its_course_enrolment_and_version_at_once(
    app, login_as, example_course
):
    client = login_as()
    enrol(client, SLUG)
    with counted(app) as statements:
        assert client.get(f"/formations/{SLUG}/{LESSON_1}").status_code == 200
    # The login session with its user; the course, enrolment and version; the outline; the
    # steps done; the text of the step shown.
    assert len(statements) <= 5, statements
    assert not [s for s in statements if re.search(r"FROM courses\s+WHERE", s)]


def test_the_catalogue_counts_modules_and_steps_from_the_outlines(app, client, example_course):
    # A visitor with a cookie gets a page read and rendered for them (training.shared_pages).
    client.set_cookie("preference", "1", domain="formation.test")
    assert client.get("/formations").status_code == 200
    with counted(app) as again:
        response = client.get("/formations")
    assert "2 modules" in response.get_data(as_text=True)
    assert not [s for s in again if "course_steps" in s]


def test_the_catalogue_reads_its_published_versions_once(app, client, example_course):
    # A visitor with a cookie gets a page read and rendered for them (training.shared_pages).
    client.set_cookie("preference", "1", domain="formation.test")
    assert client.get("/formations").status_code == 200
    with counted(app) as again:
        html = client.get("/formations").get_data(as_text=True)
    # What the cards show of a published version is kept: only the newest versions' ids are
    # asked again, and the professions' names, which an admin may change.
    versions, professions = again
    assert re.match(r"SELECT course_versions\.id\s+FROM course_versions", versions), versions
    assert re.match(r"SELECT professions\.code, professions\.name\s+FROM", professions)
    assert "Cours d&#39;exemple : le format des fichiers</a>" in html
    assert "Un cours très court qui montre tout" in html
    assert "10 min · 2 modules" in html
    assert "Pour : Autre<" in html


def test_mon_parcours_without_certificates_asks_for_them_once(app, login_as, example_course):
    client = login_as()
    enrol(client, SLUG)
    with counted(app) as statements:
        assert client.get("/mon-parcours").status_code == 200
    assert len([s for s in statements if "certificates" in s or "max(enrolments.cycle)" in s]) == 1


def _after_a_failed_attempt(app, login_as):
    """A learner enrolled in the example course who failed its quiz once, and wrong answers."""
    client = login_as()
    enrol(client)
    wrong = quiz_answers(app, False)
    assert submit(client, start_attempt(client), wrong).status_code == 302
    return client, wrong


def test_quizzes_are_started_and_graded_from_an_answer_key_read_once(app, login_as, example_course):
    client, wrong = _after_a_failed_attempt(app, login_as)
    with counted(app) as statements:
        attempt_id = start_attempt(client)
        assert submit(client, attempt_id, wrong).status_code == 302
    assert not [s for s in statements if "quiz_questions" in s or "quiz_choices" in s]
    # The page of the questions still reads them, with their texts.
    with counted(app) as page:
        assert client.get(f"/tentatives/{attempt_id}").status_code == 200
    assert [s for s in page if "FROM quiz_questions" in s]


def test_lists_of_attempts_leave_out_answers_and_choice_orders(app, login_as, example_course):
    client = login_as()
    enrol(client)
    assert submit(client, start_attempt(client), quiz_answers(app, False)).status_code == 302
    with counted(app) as statements:
        response = client.get(f"/formations/{SLUG}/{QUIZ}")
    assert "Tentative 1" in response.get_data(as_text=True)
    attempts = [s for s in statements if "FROM quiz_attempts" in s]
    assert attempts
    assert not [s for s in attempts if "answers" in s or "choice_order" in s]


def test_a_step_done_again_is_one_statement_and_reads_no_outline(app, login_as, example_course):
    client = login_as()
    enrol(client)
    assert finish_lesson(client, LESSON_1).status_code == 302
    token = csrf_token(client)
    with counted(app) as statements:
        response = client.post(
            f"/formations/{SLUG}/{LESSON_1}/terminer", data={"csrf_token": token}
        )
    assert response.status_code == 302
    completions = [s for s in statements if "step_completions" in s]
    # The insert that finds the step done already, then the steps done (is the course over?).
    assert len(completions) == 2, completions
    assert completions[0].lstrip().upper().startswith("INSERT")
    # The step marked; the course's steps come from its outline.
    assert len([s for s in statements if "FROM course_steps" in s]) == 1


def test_the_pages_learners_ask_most_build_their_statements_once(app, login_as, example_course):
    client = login_as()
    enrol(client)
    pages = (
        f"/formations/{SLUG}/{LESSON_1}",
        f"/formations/{SLUG}/{QUIZ}",
        f"/formations/{SLUG}/",
        "/mon-parcours",
        "/formations",
    )
    for url in pages:
        with executed_statements() as first:
            assert client.get(url).status_code == 200
        with executed_statements() as again:
            assert client.get(url).status_code == 200
        assert again, url
        rebuilt = [s for s in again if not any(s is seen for seen in first)]
        assert not rebuilt, (url, [str(s) for s in rebuilt])


def test_an_attempt_is_started_shown_and_graded_without_the_earlier_ones(
    app, login_as, example_course
):
    """They are counted: a quiz without a limit may have been tried many times."""
    client, wrong = _after_a_failed_attempt(app, login_as)
    with counted(app) as statements:
        attempt_id = start_attempt(client)
        assert client.get(f"/tentatives/{attempt_id}").status_code == 200
        assert submit(client, attempt_id, wrong).status_code == 302
        result = client.get(f"/tentatives/{attempt_id}")
    assert "Il vous reste 1 tentative" in result.get_data(as_text=True)
    assert [s for s in statements if "count(quiz_attempts.id)" in s]
    assert not [s for s in statements if "ORDER BY quiz_attempts.number" in s]
