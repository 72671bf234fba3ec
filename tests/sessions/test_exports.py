"""Exports of the progress table, read back: CSV with the csv module, ODS with odfpy."""

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from odf import teletype
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow

from tests.conftest import log_in
from tests.sessions.conftest import LESSON_1, LESSON_2, finish_lesson, join, take_quiz
from training.audit.models import AuditEvent
from training.certificates.services import paris_today
from training.extensions import db
from training.sessions.exports import neutralise

FORMULA = '=HYPERLINK("http://x")'


@pytest.fixture
def exported(app, trainer, make_user, make_session):
    """A session with a participant named like a formula who finished the course, and
    another who has not started; returns (client of the owner, session id)."""
    session_id = make_session(trainer, days=((paris_today() + timedelta(days=1), "Salle A"),))
    done = join(app, make_user(full_name=FORMULA), session_id)
    join(app, make_user(full_name="Bruno Martin", profession="magistrat"), session_id)
    finish_lesson(app, done.enrolment_id, LESSON_1)
    finish_lesson(app, done.enrolment_id, LESSON_2)
    take_quiz(app, done.enrolment_id, [True, True, True])
    client = app.test_client()
    log_in(client, trainer.email)
    return client, session_id


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def read_ods(body: bytes) -> list[list[str]]:
    document = load(io.BytesIO(body))
    table = document.spreadsheet.getElementsByType(Table)[0]
    return [
        [teletype.extractText(cell) for cell in row.getElementsByType(TableCell)]
        for row in table.getElementsByType(TableRow)
    ]


@pytest.mark.parametrize(("fmt", "reader"), [("csv", read_csv), ("ods", read_ods)])
def test_export_reads_back_with_formulas_neutralised(app, exported, fmt, reader):
    client, session_id = exported
    response = client.get(f"/sessions/{session_id}/participants.{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "private, no-store"
    rows = reader(response.get_data())
    header, first, second = rows
    assert header[:6] == [
        "Nom", "Profession", "Statut", "Étapes terminées", "Étapes au total", "Progression (%)",
    ]  # fmt: skip
    assert header[6] == "Meilleur score (%) : Les trois éléments"
    assert header[-2].startswith("Présence le ")
    assert header[-1] == "Dernière activité"
    assert first[0] == "'" + FORMULA
    assert first[2:7] == ["Terminé", "3", "3", "100", "100"]
    assert first[8] == "Valide"
    assert second[:6] == ["Bruno Martin", "Magistrat", "Pas encore commencé", "0", "3", "0"]
    assert second[6] == ""
    assert second[8] == "Aucune"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    with app.app_context():
        event = db.session.scalar(sa.select(AuditEvent).filter_by(action="session.exported"))
        assert event.details == {"format": fmt, "rows": 2}


def test_ods_numbers_are_number_cells(exported):
    client, session_id = exported
    document = load(io.BytesIO(client.get(f"/sessions/{session_id}/participants.ods").data))
    row = document.spreadsheet.getElementsByType(TableRow)[1]
    cells = row.getElementsByType(TableCell)
    assert cells[0].getAttribute("valuetype") == "string"
    assert cells[3].getAttribute("valuetype") == "float"
    assert cells[3].getAttribute("value") == "3"


def test_export_follows_the_filter(exported):
    client, session_id = exported
    rows = read_csv(client.get(f"/sessions/{session_id}/participants.csv?statut=termine").data)
    assert [row[0] for row in rows[1:]] == ["'" + FORMULA]


def test_unknown_format_is_404(exported):
    client, session_id = exported
    assert client.get(f"/sessions/{session_id}/participants.xlsx").status_code == 404


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6", "'+33 6"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Jean-Pierre", "Jean-Pierre"),
        ("", ""),
    ],
)
def test_neutralise(text, expected):
    assert neutralise(text) == expected
