"""The progress table against what learners did through the real learning services."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from tests.sessions.conftest import LESSON_1, LESSON_2, QUIZ, finish_lesson, join, take_quiz
from training.certificates.models import Certificate
from training.certificates.services import paris_today
from training.extensions import db
from training.sessions import services
from training.sessions.models import TrainingSession
from training.sessions.progress import progress_table
from training.sessions.table import (
    COMPLETED,
    IN_PROGRESS,
    NOT_STARTED,
    ParticipantRow,
    filter_rows,
    sort_rows,
    status_of,
)


def table_of(app, session_id: int):
    with app.app_context():
        return progress_table(db.session.get(TrainingSession, session_id))


def test_figures_match_what_learners_did(app, trainer, make_user, make_session):
    today = paris_today()
    session_id = make_session(trainer, days=((today, "Salle A"), (today + timedelta(1), "B")))
    done = join(app, make_user(full_name="Alice Achevé"), session_id)
    halfway = join(app, make_user(full_name="Bruno Bientôt"), session_id)
    idle = join(app, make_user(full_name="Chloé Commence"), session_id)

    finish_lesson(app, done.enrolment_id, LESSON_1)
    finish_lesson(app, done.enrolment_id, LESSON_2)
    assert take_quiz(app, done.enrolment_id, [True, False, False]) == 33
    assert take_quiz(app, done.enrolment_id, [True, True, True]) == 100
    finish_lesson(app, halfway.enrolment_id, LESSON_1)
    assert take_quiz(app, halfway.enrolment_id, [True, True, False]) == 66
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        first_day, second_day = session.days[0].id, session.days[1].id
        services.record_attendance(session, {done.id, halfway.id, idle.id}, {(first_day, done.id)})
        db.session.commit()

    table = table_of(app, session_id)
    assert [quiz.key for quiz in table.quizzes] == [QUIZ]
    assert [day.place for day in table.days] == ["Salle A", "B"]
    rows = {row.full_name: row for row in table.rows}
    assert list(rows) == ["Alice Achevé", "Bruno Bientôt", "Chloé Commence"]

    alice, bruno, chloe = rows.values()
    assert (alice.done_steps, alice.total_steps, alice.percent) == (3, 3, 100)
    assert alice.best_scores == {QUIZ: 100}
    assert alice.status == COMPLETED
    assert alice.completed_at is not None
    assert alice.certificate_status == "valid"
    assert alice.certificate_code.startswith("TEH-")
    assert alice.attendance == {first_day: True, second_day: False}

    assert (bruno.done_steps, bruno.total_steps) == (1, 3)
    assert bruno.best_scores == {QUIZ: 66}
    assert bruno.status == IN_PROGRESS
    assert bruno.completed_at is None
    assert bruno.certificate_status == "none"
    assert bruno.certificate_code is None
    assert bruno.attendance == {first_day: False, second_day: False}

    assert (chloe.done_steps, chloe.best_scores, chloe.status) == (0, {}, NOT_STARTED)
    assert chloe.last_activity >= datetime.now(UTC) - timedelta(minutes=5)
    assert alice.last_activity >= chloe.last_activity


def test_certificate_status_revoked_and_expired(app, trainer, make_user, make_session):
    session_id = make_session(trainer)
    revoked, expired = (join(app, make_user(), session_id) for _ in range(2))
    for member in (revoked, expired):
        for key in (LESSON_1, LESSON_2):
            finish_lesson(app, member.enrolment_id, key)
        take_quiz(app, member.enrolment_id, [True, True, True])
    with app.app_context():
        certificate = db.session.scalar(
            sa.select(Certificate).filter_by(enrolment_id=revoked.enrolment_id)
        )
        certificate.revoked_at, certificate.revocation_reason = datetime.now(UTC), "Erreur"
        other = db.session.scalar(
            sa.select(Certificate).filter_by(enrolment_id=expired.enrolment_id)
        )
        other.completed_on = paris_today() - timedelta(days=800)
        other.expires_on = paris_today() - timedelta(days=1)
        db.session.commit()
    statuses = {row.member_id: row.certificate_status for row in table_of(app, session_id).rows}
    assert statuses == {revoked.id: "revoked", expired.id: "expired"}


def test_an_empty_session_has_an_empty_table(app, trainer, make_session):
    table = table_of(app, make_session(trainer))
    assert table.rows == []
    assert table.quizzes == []


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


def _session_with(app, trainer, make_user, make_session, participants: int) -> int:
    today = paris_today()
    session_id = make_session(trainer, days=((today, "Salle A"),))
    for index in range(participants):
        member = join(app, make_user(), session_id)
        finish_lesson(app, member.enrolment_id, LESSON_1)
        if index % 2:
            take_quiz(app, member.enrolment_id, [True, False, True])
    return session_id


def test_statement_count_does_not_grow_with_participants(app, trainer, make_user, make_session):
    small = _session_with(app, trainer, make_user, make_session, 3)
    big = _session_with(app, trainer, make_user, make_session, 12)
    with app.app_context():
        small_session = db.session.get(TrainingSession, small)
        big_session = db.session.get(TrainingSession, big)
        with counted(app) as few:
            assert len(progress_table(small_session).rows) == 3
        with counted(app) as many:
            assert len(progress_table(big_session).rows) == 12
    print(f"progress table: {len(few)} statements (3 participants), {len(many)} (12)")
    assert len(few) == len(many) <= 9


# --- sorting and the filter, without the database ------------------------------------------


def row(name: str, done: int, completed: datetime | None = None, **changes) -> ParticipantRow:
    values = {
        "member_id": sum(map(ord, name)),
        "full_name": name,
        "profession": "Magistrat",
        "done_steps": done,
        "total_steps": 4,
        "best_scores": {},
        "has_attempts": False,
        "completed_at": completed,
        "certificate_status": "none",
        "certificate_code": None,
        "attendance": {},
        "last_activity": datetime(2027, 1, done + 1, tzinfo=UTC),
    }
    return ParticipantRow(**{**values, **changes})


ROWS = [
    row("bruno", 2),
    row("Alice", 4, datetime(2027, 1, 9, tzinfo=UTC)),
    row("Chloé", 0),
    row("david", 0, has_attempts=True),
    row("Émile", 4, datetime(2027, 1, 3, tzinfo=UTC)),
]


def names(rows) -> list[str]:
    return [r.full_name for r in rows]


def test_status_rule():
    assert status_of(None, 0, False) == NOT_STARTED
    assert status_of(None, 0, True) == IN_PROGRESS
    assert status_of(None, 1, False) == IN_PROGRESS
    assert status_of(datetime(2027, 1, 1, tzinfo=UTC), 4, True) == COMPLETED


def test_filter_by_status():
    assert names(filter_rows(ROWS, NOT_STARTED)) == ["Chloé"]
    assert names(filter_rows(ROWS, IN_PROGRESS)) == ["bruno", "david"]
    assert names(filter_rows(ROWS, COMPLETED)) == ["Alice", "Émile"]
    assert names(filter_rows(ROWS, None)) == names(ROWS)
    assert names(filter_rows(ROWS, "n'importe-quoi")) == names(ROWS)


def test_sorting():
    assert names(sort_rows(ROWS, "nom")) == ["Alice", "bruno", "Chloé", "david", "Émile"]
    assert names(sort_rows(ROWS, "nom", descending=True)) == [
        "Émile", "david", "Chloé", "bruno", "Alice",
    ]  # fmt: skip
    assert names(sort_rows(ROWS, "progression", descending=True)) == [
        "Alice", "Émile", "bruno", "Chloé", "david",
    ]  # fmt: skip
    # Rows not completed come last in either direction.
    assert names(sort_rows(ROWS, "terminee-le")) == ["Émile", "Alice", "bruno", "Chloé", "david"]
    assert names(sort_rows(ROWS, "terminee-le", descending=True))[:2] == ["Alice", "Émile"]
    assert names(sort_rows(ROWS, "activite"))[-2:] == ["Alice", "Émile"]
    assert names(sort_rows(ROWS, "inconnu")) == names(sort_rows(ROWS, "nom"))
