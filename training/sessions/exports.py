"""The session's progress table as files (CSV, ODS): pure, a table in, bytes out.

Names are in these files: only the session's trainer (or an admin) may download them, and
each download is recorded in the audit log by the view. Participants' names are typed by
the participants themselves, so every text cell that a spreadsheet would read as a formula
(OWASP « CSV injection ») is neutralised with a leading apostrophe, in both formats.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from training.csv_export import csv_bytes, neutralise
from training.sessions.table import ParticipantRow, ProgressTable
from training.timeutils import french_date, french_datetime

if TYPE_CHECKING:
    from odf.element import Element

Cell = str | int
MIME_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def header(table: ProgressTable) -> list[str]:
    return [
        "Nom",
        "Profession",
        "Statut",
        "Étapes terminées",
        "Étapes au total",
        "Progression (%)",
        *(f"Meilleur score (%) : {quiz.title}" for quiz in table.quizzes),
        "Terminée le",
        "Attestation",
        *(f"Présence le {french_date(day.held_on)}" for day in table.days),
        "Dernière activité",
    ]


def _attendance(row: ParticipantRow, day_id: int) -> str:
    if day_id not in row.attendance:
        return ""
    return "oui" if row.attendance[day_id] else "non"


def lines(table: ProgressTable, rows: Sequence[ParticipantRow]) -> list[list[Cell]]:
    """The header, then one line per row: counts and scores as numbers, the rest as text."""
    body: list[list[Cell]] = [
        [
            row.full_name,
            row.profession,
            row.status_label,
            row.done_steps,
            row.total_steps,
            row.percent,
            *(row.best_scores.get(quiz.key, "") for quiz in table.quizzes),
            french_date(row.completed_at),
            row.certificate_label,
            *(_attendance(row, day.id) for day in table.days),
            french_datetime(row.last_activity),
        ]
        for row in rows
    ]
    return [header(table), *body]


def to_csv(table: ProgressTable, rows: Sequence[ParticipantRow]) -> bytes:
    """UTF-8 with a BOM, `;` between cells, CRLF: what Excel and LibreOffice open in French."""
    return csv_bytes(lines(table, rows))


def to_ods(table: ProgressTable, rows: Sequence[ParticipantRow]) -> bytes:
    """One sheet, a bold header; numbers are number cells, texts string cells. odfpy is
    imported here, as openpyxl is for the dashboard's files: a rare download."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TextProperties
    from odf.table import Table, TableRow

    document = OpenDocumentSpreadsheet()
    bold = Style(name="cellule-gras", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(bold)
    sheet = Table(name="Participants")
    for index, line in enumerate(lines(table, rows)):
        row = TableRow()
        for value in line:
            row.addElement(_ods_cell(value, bold if index == 0 else None))
        sheet.addElement(row)
    document.spreadsheet.addElement(sheet)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _ods_cell(value: Cell, style: Element | None) -> Element:
    from odf import teletype
    from odf.table import TableCell
    from odf.text import P

    paragraph = P()
    if isinstance(value, int):
        cell = TableCell(valuetype="float", value=value)
        paragraph.addText(str(value))
    else:
        cell = TableCell(valuetype="string", **({"stylename": style} if style else {}))
        teletype.addTextToElement(paragraph, neutralise(value))
    cell.addElement(paragraph)
    return cell
