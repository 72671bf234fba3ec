"""Exports of the dashboard (CSV, ODS, XLSX): read back, they say what the page says.

A small dataset is played through the real services (enrolments, lessons, quizzes), the
dashboard is read for the current month, and each file is parsed with the csv module,
openpyxl and odfpy: same figures, « < 5 » where the page hides a small count, no learner's
name, address or organisation, no formula.
"""

import csv
import io
import re
import zipfile
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import openpyxl
import pytest
import sqlalchemy as sa
from odf import teletype
from odf.opendocument import load as load_ods
from odf.table import Table, TableCell, TableRow

from tests.conftest import log_in
from training.accounts import services as accounts
from training.accounts.models import Role, User
from training.audit.models import AuditEvent
from training.catalog import services as catalog
from training.certificates.services import paris_today
from training.content.models import Course, Question, Step
from training.extensions import db
from training.learning import services as learning
from training.monitoring import exports
from training.monitoring.filters import Filters
from training.monitoring.indicators import COLUMNS, Report, Row, Shown
from training.monitoring.periods import last_full_quarter, month, quarter

FORMATS = ("csv", "ods", "xlsx")
#: (territory, profession, how far each of its learners goes).
COHORTS = (
    ("paris", "enseignant", ["done"] * 5 + ["started"]),
    ("bordeaux", "enseignant", ["enrolled"] * 5),
    ("marseille", "sante", ["enrolled"] * 2),
    ("autre", "travail-social", ["enrolled"] * 5),
)
#: Words that identify the learners: none may appear in an export.
IDENTIFYING = ("Quatrebarbes", "secret-apprenants.fr", "Zanzibar")
INJECTION = '=HYPERLINK("http://x")'
NUMBER = re.compile(r"^(\d[\d\u202f]*)(,\d)?(\u202f%|\u202f/\u202f100)?$")


# --- data and pages -------------------------------------------------------------------------


@pytest.fixture
def trained(app, make_user, example_course, monkeypatch) -> dict[str, str]:
    """18 learners enrolled this month (Marseille: 2, a small count); the dashboard's query."""
    monkeypatch.setitem(app.config, "MONITORING_SMALL_COUNT_THRESHOLD", 5)
    number = 0
    for territory, profession, journeys in COHORTS:
        for progress in journeys:
            number += 1
            user = make_user(
                f"apprenant.quatrebarbes.{number:02d}@secret-apprenants.fr",
                full_name=f"Zoé Quatrebarbes {number:02d}",
                territory=territory,
                profession=profession,
            )
            with app.app_context():
                learner = db.session.get(User, user.id)
                learner.organisation = f"Collège Zanzibar {number:02d}"
                course = db.session.scalar(sa.select(Course).filter_by(slug=example_course))
                _follow(catalog.enrol(learner, course), progress)
                db.session.commit()
    return {"periode": month(paris_today().replace(day=1)).value, "par": "territoire"}


def _follow(enrolment, progress: str) -> None:
    steps = db.session.scalars(
        sa.select(Step).where(Step.version_id == enrolment.version_id).order_by(Step.id)
    ).all()
    lessons = [step for step in steps if step.kind == "lesson"]
    if progress == "enrolled":
        return
    for lesson in lessons if progress == "done" else lessons[:1]:
        learning.mark_lesson_done(enrolment, lesson)
    if progress == "done":
        quiz = next(step for step in steps if step.kind == "quiz")
        attempt = learning.start_attempt(enrolment, quiz)
        answers = {
            question.id: [choice.id for choice in question.choices if choice.is_correct]
            for question in db.session.scalars(sa.select(Question).filter_by(step_id=quiz.id))
        }
        assert learning.submit_attempt(attempt, answers).course_completed


class _Tables(HTMLParser):
    """The tables of a page: caption -> rows of cell texts (th and td)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: list[str] | None = None
        self._rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "table":
            self._rows = []
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self._rows.append([])
        elif tag in {"td", "th"}:
            self._cell = []

    def handle_endtag(self, tag) -> None:
        if tag == "caption":
            self.tables["".join(self._caption).strip()] = self._rows
            self._caption = None
        elif tag in {"td", "th"}:
            # ASCII whitespace only: the page's narrow no-break spaces are part of its text.
            self._rows[-1].append(re.sub(r"[ \t\r\n]+", " ", "".join(self._cell)).strip())
            self._cell = None

    def handle_data(self, data) -> None:
        if self._caption is not None:
            self._caption.append(data)
        if self._cell is not None:
            self._cell.append(data)


def page_tables(client, query: dict[str, str]) -> dict[str, list[list[str]]]:
    """The dashboard's tables, keyed by the start of their caption."""
    response = client.get("/suivi", query_string=query)
    assert response.status_code == 200
    parser = _Tables()
    parser.feed(response.get_data(as_text=True))
    return {caption.split(",")[0]: rows for caption, rows in parser.tables.items()}


def page_value(text: str) -> float | str:
    """A shown figure as the number a spreadsheet should hold; any other text as it is."""
    match = NUMBER.match(text)
    if not match:
        return text
    value = float(match.group(1).replace("\u202f", "") + (match.group(2) or "").replace(",", "."))
    return value / 100 if match.group(3) == "\u202f%" else value


def download(client, fmt: str, query: dict[str, str]) -> bytes:
    response = client.get(f"/suivi/export.{fmt}", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.data


def csv_lines(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))


def xlsx_rows(data: bytes, sheet: str) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [
        [cell.value for cell in row if cell.value is not None]
        for row in workbook[sheet].iter_rows()
    ]


def ods_rows(data: bytes, sheet: str) -> list[list]:
    """Number cells as floats (office:value), other cells as their text."""
    document = load_ods(io.BytesIO(data))
    table = next(
        t for t in document.spreadsheet.getElementsByType(Table) if t.getAttribute("name") == sheet
    )
    rows = []
    for row in table.getElementsByType(TableRow):
        values = []
        for cell in row.getElementsByType(TableCell):
            if cell.getAttribute("valuetype") in {"float", "percentage"}:
                values.append(float(cell.getAttribute("value")))
            elif text := teletype.extractText(cell):
                values.append(text)
        rows.append(values)
    return rows


def table_part(rows: list[list], first_header: str) -> list[list]:
    """The table of a sheet: the rows after its column header row."""
    start = next(index for index, row in enumerate(rows) if row and row[0] == first_header)
    end = next((i for i in range(start + 1, len(rows)) if not rows[i]), len(rows))
    return rows[start + 1 : end]


def assert_same_figures(sheet_rows: list[list], page_rows: list[list[str]]) -> None:
    assert len(sheet_rows) == len(page_rows)
    for sheet_row, page_row in zip(sheet_rows, page_rows, strict=True):
        expected = [page_value(text) for text in page_row]
        assert sheet_row == [pytest.approx(v) if isinstance(v, float) else v for v in expected]


# --- what the files say ---------------------------------------------------------------------


def test_csv_has_bom_semicolons_header_lines_and_the_pages_table(app, login_as, trained):
    client = login_as(Role.MONITOR)
    data = download(client, "csv", trained)
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    lines = csv_lines(data)
    text = data.decode("utf-8-sig")
    assert lines[0] == ["Suivi du plan de formation — Indicateurs par territoire"]
    period_label = month(paris_today().replace(day=1)).label
    assert [f"Période : {period_label}"] in lines
    assert ["Territoire : tous (national)"] in lines
    assert ["Regroupement : par territoire"] in lines
    assert re.search(r"^Extraction : \d+(er)? \w+ \d{4} à \d+ h \d{2}\r$", text, re.M)
    assert any(line[0].startswith("Secret statistique : un effectif de 1 à 4") for line in lines)
    header = ["Territoire", *(column.label for column in COLUMNS)]
    assert header in lines
    assert ";".join(header) in text

    tables = page_tables(client, trained)
    assert tables["Indicateurs"][0] == header
    expected = _as_csv(tables["Indicateurs"][1:], ["text", *(c.kind for c in COLUMNS)])
    assert table_part(lines, "Territoire") == expected
    assert expected[0][:6] == ["Paris", "6", "6", "6", "5", "83,3\u202f%"]
    # The funnel and the months follow, each after a blank line and its title.
    funnel = lines.index([f"Parcours des inscriptions, {period_label}"])
    assert lines[funnel - 1] == []
    page_funnel = tables["Parcours des inscriptions"]
    assert lines[funnel + 1 : funnel + 1 + len(page_funnel)] == _as_csv(
        page_funnel, ["text", "count", "rate", "days"]
    )
    assert lines[funnel + 2][:2] == ["Inscription", "18"]
    months = lines.index(["Inscriptions et formations terminées, par mois d'inscription"])
    assert lines[months - 1] == []
    assert lines[months + 1 :] == _as_csv(
        tables["Données du graphique"], ["text", "count", "count"]
    )


def _as_csv(rows: list[list[str]], kinds: list[str]) -> list[list[str]]:
    """The page's cells as the CSV writes them: counts and scores as bare numbers with a
    decimal comma, everything else (rates included) as the page's text."""

    def written(text: str, kind: str) -> str:
        if not NUMBER.match(text) or kind not in {"count", "score"}:
            return text
        return text.replace("\u202f", "").removesuffix("/100")

    return [[written(text, kind) for text, kind in zip(row, kinds, strict=True)] for row in rows]


def test_xlsx_holds_the_pages_numbers(app, login_as, trained):
    client = login_as(Role.MONITOR)
    data = download(client, "xlsx", trained)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Indicateurs", "Parcours", "Mois"]
    page = page_tables(client, trained)
    indicators = xlsx_rows(data, "Indicateurs")
    assert any(str(row[0]).startswith("Secret statistique") for row in indicators if row)
    assert any(str(row[0]).startswith("Extraction : ") for row in indicators if row)
    assert_same_figures(table_part(indicators, "Territoire"), page["Indicateurs"][1:])
    assert_same_figures(table_part(xlsx_rows(data, "Parcours"), "Étape"),
                        page["Parcours des inscriptions"][1:])  # fmt: skip
    assert_same_figures(table_part(xlsx_rows(data, "Mois"), "Mois"),
                        page["Données du graphique"][1:])  # fmt: skip
    sheet = workbook["Indicateurs"]
    paris = next(row for row in sheet.iter_rows() if row[0].value == "Paris")
    assert paris[2].value == 6
    assert paris[2].data_type == "n"
    assert paris[5].value == pytest.approx(5 / 6, abs=0.001)
    assert "%" in paris[5].number_format
    header = next(row for row in sheet.iter_rows() if row[0].value == "Territoire")
    assert header[0].font.bold
    assert sheet.freeze_panes == f"B{header[0].row + 1}"


def test_ods_holds_the_pages_numbers(app, login_as, trained):
    client = login_as(Role.MONITOR)
    data = download(client, "ods", trained)
    page = page_tables(client, trained)
    indicators = ods_rows(data, "Indicateurs")
    assert any(str(row[0]).startswith("Secret statistique") for row in indicators if row)
    assert_same_figures(table_part(indicators, "Territoire"), page["Indicateurs"][1:])
    assert_same_figures(table_part(ods_rows(data, "Parcours"), "Étape"),
                        page["Parcours des inscriptions"][1:])  # fmt: skip
    assert_same_figures(table_part(ods_rows(data, "Mois"), "Mois"),
                        page["Données du graphique"][1:])  # fmt: skip
    document = load_ods(io.BytesIO(data))
    cells = [
        cell
        for table in document.spreadsheet.getElementsByType(Table)
        for cell in table.getElementsByType(TableCell)
    ]
    paris = next(row for row in indicators if row and row[0] == "Paris")
    assert paris[2:5] == [6.0, 6.0, 5.0]
    assert all(c.getAttribute("value") != "6.0" for c in cells)  # counts are whole numbers
    rates = [c for c in cells if c.getAttribute("valuetype") == "percentage"]
    assert rates[0].getAttribute("value") == "0.833"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_small_count_is_written_as_on_screen_never_as_its_number(app, login_as, trained, fmt):
    client = login_as(Role.MONITOR)
    marseille = next(row for row in page_tables(client, trained)["Indicateurs"]
                     if row[0] == "Marseille")  # fmt: skip
    enrolled = 1 + [column.code for column in COLUMNS].index("enrolled")
    assert marseille[enrolled] == "< 5"
    data = download(client, fmt, trained)
    if fmt == "csv":
        rows = table_part(csv_lines(data), "Territoire")
    elif fmt == "xlsx":
        rows = table_part(xlsx_rows(data, "Indicateurs"), "Territoire")
    else:
        rows = table_part(ods_rows(data, "Indicateurs"), "Territoire")
    row = next(row for row in rows if row[0] == "Marseille")
    assert row[enrolled] == "< 5"
    assert row[enrolled + 3] == "—"  # the completion rate computed on it
    assert 2 not in row  # nor 2.0
    assert "2" not in row
    bordeaux = next(row for row in rows if row[0] == "Bordeaux")
    assert bordeaux[enrolled] == "s"  # hidden so that Marseille cannot be worked out


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_learner_is_named_in_an_export(app, login_as, trained, fmt):
    client = login_as(Role.MONITOR)
    text = _all_text(download(client, fmt, trained), fmt)
    assert "Paris" in text  # the text was read
    for word in IDENTIFYING:
        assert word.lower() not in text.lower()


def _all_text(data: bytes, fmt: str) -> str:
    """Every character of the file: ODS and XLSX are zip archives of XML parts."""
    if fmt == "csv":
        return data.decode("utf-8-sig")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_territory_named_like_a_formula_stays_text(app, login_as, fmt):
    with app.app_context():
        accounts.save_territory(None, name=INJECTION, code="injection", is_pilot=False, actor=None)
        db.session.commit()
    client = login_as(Role.MONITOR)
    data = download(client, fmt, {"par": "territoire"})
    if fmt == "csv":
        assert [f"'{INJECTION}", "0", "0"] == next(
            line[:3] for line in csv_lines(data) if "HYPERLINK" in "".join(line)
        )
        assert '\r\n"\'=HYPERLINK(""http://x"")";' in data.decode("utf-8-sig")
    elif fmt == "xlsx":
        cell = next(
            row[0]
            for row in openpyxl.load_workbook(io.BytesIO(data))["Indicateurs"].iter_rows()
            if row[0].value == INJECTION
        )
        assert cell.data_type == "s"
        assert cell.quotePrefix
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
            assert not any(b"<f>" in archive.read(name) for name in sheets)
    else:
        document = load_ods(io.BytesIO(data))
        cell = next(
            c
            for c in document.spreadsheet.getElementsByType(TableCell)
            if teletype.extractText(c) == INJECTION
        )
        assert cell.getAttribute("valuetype") == "string"
        assert cell.getAttribute("formula") is None
        assert b"table:formula" not in _all_text(data, fmt).encode()


# --- the view -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), (Role.LEARNER, 403), (Role.TRAINER, 403), (Role.MONITOR, 200), (Role.ADMIN, 200)],
)
def test_only_monitors_and_admins_download(app, make_user, role, status, fmt):
    client = app.test_client()
    if role is not None:
        log_in(client, make_user(role=role).email)
    response = client.get(f"/suivi/export.{fmt}")
    assert response.status_code == status
    if role is None:
        assert response.headers["Location"].startswith("/connexion")


@pytest.mark.parametrize(
    ("fmt", "mime_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_files_are_attachments_never_cached(app, login_as, fmt, mime_type):
    client = login_as(Role.MONITOR)
    response = client.get(f"/suivi/export.{fmt}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == mime_type
    assert response.headers["Cache-Control"] == "no-store"
    today = paris_today()
    period = last_full_quarter(today).value
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="suivi-traite-{period}-{today.isoformat()}.{fmt}"'
    )


def test_an_unknown_format_is_not_found(login_as):
    assert login_as(Role.MONITOR).get("/suivi/export.pdf").status_code == 404


def test_bad_filters_answer_400_with_the_dashboards_message(app, login_as):
    client = login_as(Role.MONITOR)
    response = client.get("/suivi/export.ods", query_string={"territoire": "atlantide"})
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "Territoire inconnu : « atlantide »." in response.get_data(as_text=True)
    with app.app_context():
        assert _exports_recorded() == []


def test_an_export_is_recorded_in_the_audit_log(app, login_as):
    client = login_as(Role.MONITOR)
    client.get("/suivi/export.xlsx", query_string={"territoire": "paris", "par": "profession"})
    with app.app_context():
        [event] = _exports_recorded()
        assert event.actor_id == client.user.id
        assert (event.target_type, event.target_id) == ("monitoring", "xlsx")
        assert event.details["territoire"] == "paris"
        assert event.details["par"] == "profession"


def _exports_recorded() -> list[AuditEvent]:
    statement = sa.select(AuditEvent).filter_by(action="monitoring.exported")
    return list(db.session.scalars(statement))


def test_the_dashboard_links_to_the_three_files_of_its_cut(login_as):
    client = login_as(Role.MONITOR)
    html = client.get("/suivi", query_string={"territoire": "paris", "par": "profession"}).text
    downloads = re.search(r'<div class="monitoring-downloads.*?</div>', html, re.S).group(0)
    for fmt in FORMATS:
        assert re.search(rf'href="/suivi/export\.{fmt}\?[^"]*territoire=paris', downloads)
    assert downloads.count("fr-link--download") == 3
    assert "ODS – tableur LibreOffice" in downloads


# --- the writers, without the database ------------------------------------------------------


def _sheet(rows: list[list], kinds=("text", "count", "rate", "score")) -> exports.Sheet:
    columns = [exports.SheetColumn(f"Colonne {i}", kind) for i, kind in enumerate(kinds)]
    return exports.Sheet("Feuille", "Titre", ["Période : test"], columns, rows)


@pytest.mark.parametrize("text", ["=1+1", "+33 1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_csv_neutralises_every_formula_prefix(text):
    lines = csv_lines(exports.to_csv([_sheet([[text, 1, 50.0, 72.5]])]))
    assert lines[-1] == ["'" + text, "1", "50,0\u202f%", "72,5"]


@pytest.mark.parametrize("text", ["=1+1", "+33 1", "-2", "@SUM(A1)"])
def test_xlsx_and_ods_write_formula_like_text_as_text(text):
    sheet = _sheet([[text, 1, 50.0, 72.5]])
    workbook = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx([sheet])))
    cell = workbook["Feuille"].cell(row=len(sheet.table()), column=1)
    assert (cell.value, cell.data_type) == (text, "s")
    ods = load_ods(io.BytesIO(exports.to_ods([sheet])))
    [cell] = [
        c for c in ods.spreadsheet.getElementsByType(TableCell) if teletype.extractText(c) == text
    ]
    assert cell.getAttribute("valuetype") == "string"
    assert cell.getAttribute("formula") is None


def test_csv_writes_decimal_commas_and_keeps_the_page_text_of_hidden_figures():
    lines = csv_lines(
        exports.to_csv([_sheet([["Paris", 12500, 45.0, 72.5], ["Lyon", "< 5", "—", "—"]])])
    )
    assert lines[-2:] == [["Paris", "12500", "45,0\u202f%", "72,5"], ["Lyon", "< 5", "—", "—"]]


def test_a_report_becomes_three_sheets_of_numbers_and_texts():
    report = Report(
        filters=Filters(quarter(2026, 3), None, False, None, None, "territoire"),
        rows=[Row(("total",), "Total national", "total", _cells())],
        funnel=[],
        months=[],
        threshold=5,
        generated_at=datetime(2026, 12, 1, 15, 57, tzinfo=UTC),
        today=date(2026, 12, 1),
    )
    indicators, funnel, months = exports.report_sheets(report)
    assert (indicators.name, funnel.name, months.name) == ("Indicateurs", "Parcours", "Mois")
    table = indicators.table()
    assert table[1] == ["Période : 3e trimestre 2026"]
    assert ["Extraction : 1er décembre 2026 à 16 h 57"] in table
    assert table[indicators.header_index - 1] == []
    assert table[indicators.header_index][0] == "Territoire"
    row = table[-1]
    assert row[0] == "Total national"
    assert row[1:6] == ["—", 12500, "< 5", "s", 45.0]


def _cells() -> dict[str, Shown]:
    values = {
        "registered": Shown(None, "—"),
        "enrolled": Shown(12500, "12\u202f500"),
        "started": Shown(None, "< 5", "small"),
        "completed": Shown(None, "s", "secondary"),
        "completion_rate": Shown(45.0, "45,0\u202f%"),
    }
    return {column.code: values.get(column.code, Shown(None, "—")) for column in COLUMNS}
