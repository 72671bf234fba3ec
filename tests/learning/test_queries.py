"""A lesson page and a quiz submission run a fixed number of SQL queries, whatever the course."""

from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tests.learning.conftest import (
    QUIZ,
    ROOT,
    SLUG,
    enrol,
    import_courses,
    quiz_answers,
    start_attempt,
    submit,
)
from training.extensions import db

BIG = "socle-commun"
BIG_LESSON = "03-reperer/01-indicateurs-oit"
BIG_QUIZ = "05-droits-et-evaluation/02-quiz-final"


@contextmanager
def counted(app):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


@contextmanager
def executed_statements():
    """The statement objects the ORM executes (not their SQL): the same object twice means
    the statement was built once."""
    statements: list = []

    def note(state) -> None:
        statements.append(state.statement)

    sa.event.listen(Session, "do_orm_execute", note)
    try:
        yield statements
    finally:
        sa.event.remove(Session, "do_orm_execute", note)


def test_lesson_page_queries_do_not_grow_with_the_course(app, login_as, example_course):
    import_courses(app, ROOT / "courses" / BIG)
    client = login_as()
    enrol(client, SLUG)
    enrol(client, BIG)
    with counted(app) as small:
        assert (
            client.get(f"/formations/{SLUG}/01-decouvrir/01-les-trois-elements").status_code == 200
        )
    with counted(app) as big:
        assert client.get(f"/formations/{BIG}/{BIG_LESSON}").status_code == 200
    print(f"lesson page: {len(small)} queries (3 steps), {len(big)} queries (15 steps)")
    assert len(small) == len(big)
    assert len(big) <= 8


def test_quiz_submission_queries_do_not_grow_with_the_quiz(app, login_as, example_course):
    import_courses(app, ROOT / "courses" / BIG)
    client = login_as()
    enrol(client, SLUG)
    enrol(client, BIG)
    small_attempt = start_attempt(client, QUIZ, SLUG)
    big_attempt = start_attempt(client, BIG_QUIZ, BIG)
    small_answers = quiz_answers(app, False, QUIZ, SLUG)
    big_answers = quiz_answers(app, False, BIG_QUIZ, BIG)
    with counted(app) as small:
        assert submit(client, small_attempt, small_answers).status_code == 302
    with counted(app) as big:
        assert submit(client, big_attempt, big_answers).status_code == 302
    print(f"quiz submission: {len(small)} queries (3 questions), {len(big)} (12 questions)")
    assert len(small) == len(big)
    # 7 for the submission, and up to 11 that bring the monitoring summary up to date in the
    # same transaction (one enrolment read again, its figures' difference written).
    assert len(big) <= 18
