"""The dashboard's figures as files (CSV, ODS, XLSX): exactly what the page shows, nothing more.

Pure: a `Report` in, bytes out. `report_sheets` turns the report into plain tables; each writer
only lays them out. A figure shown on the page is written as a number (so that a spreadsheet
can add counts up); a hidden or meaningless one is written as the page's text (« < 5 », « s »,
« — »), never as a number. The report holds aggregates only, so no export can name a person.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from training.monitoring.filters import GROUP_LABELS
from training.monitoring.indicators import COLUMNS, Report, Shown
from training.numbers import french_number
from training.timeutils import french_datetime

if TYPE_CHECKING:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style
    from odf.table import TableCell

Cell = str | int | float
#: A cell starting with one of these is read as a formula by spreadsheets (OWASP « CSV
#: injection »); territory and course names are typed by admins.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Kinds of sheet columns. « text »: the page's words; « count »: a whole number; « rate »: a
#: percentage, held as on the page (45.0 for 45 %); « score »: a mark out of 100.
TEXT, COUNT, RATE, SCORE = "text", "count", "rate", "score"
#: The indicator kinds of indicators.COLUMNS, as sheet column kinds. A median delay is a
#: bucket (« 15 à 30 j »): its value is only the bucket's lower bound, so it stays text.
KIND_OF_INDICATOR = {"count": COUNT, "rate": RATE, "score": SCORE, "days": TEXT}

MIME_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class SheetColumn:
    label: str
    kind: str


@dataclass(frozen=True)
class Sheet:
    """One table of the export, with the lines that say what it is."""

    #: Name of the worksheet (ODS, XLSX).
    name: str
    title: str
    #: Lines under the title: filters, extraction date, suppression rule.
    notes: list[str]
    columns: list[SheetColumn]
    rows: list[list[Cell]]

    def heading(self) -> list[list[str]]:
        """The text lines above the figures: title, notes, a blank line, the column labels."""
        notes = [[note] for note in self.notes]
        return [[self.title], *notes, [], [column.label for column in self.columns]]

    @property
    def header_index(self) -> int:
        """Index of the column labels' line in `table()`."""
        return len(self.notes) + 2

    def table(self) -> list[list[Cell]]:
        """The sheet as a plain 2-D table: its heading, then its rows."""
        return [*self.heading(), *self.rows]

    def typed_table(self) -> list[list[tuple[Cell, str]]]:
        """`table()` with the kind of each cell: the heading is text, rows follow columns."""
        kinds = [column.kind for column in self.columns]
        heading = [[(text, TEXT) for text in line] for line in self.heading()]
        return heading + [list(zip(row, kinds, strict=True)) for row in self.rows]


# --- the report as tables -------------------------------------------------------------------


def report_sheets(report: Report) -> list[Sheet]:
    """« Indicateurs » (the table), « Parcours » (the funnel) and « Mois » (the chart's data)."""
    filters = report.filters
    context = [
        *(f"{label} : {value}" for label, value in filters.describe()),
        f"Extraction : {french_datetime(report.generated_at)}",
        report.suppression_rule(),
    ]
    group_label = GROUP_LABELS[filters.group_by]
    sources = (
        [f"Populations cibles : {' ; '.join(report.target_sources)}."]
        if report.target_sources
        else []
    )
    indicators = Sheet(
        name="Indicateurs",
        title=f"Suivi du plan de formation — Indicateurs par {group_label.lower()}",
        notes=context + sources,
        columns=[
            SheetColumn(group_label, TEXT),
            *(SheetColumn(column.label, KIND_OF_INDICATOR[column.kind]) for column in COLUMNS),
        ],
        rows=[
            [row.label]
            + [cell(row.cells[column.code], KIND_OF_INDICATOR[column.kind]) for column in COLUMNS]
            for row in report.rows
        ],
    )
    funnel = Sheet(
        name="Parcours",
        title=f"Parcours des inscriptions, {filters.period.label}",
        notes=context,
        columns=[
            SheetColumn("Étape", TEXT),
            SheetColumn("Inscriptions", COUNT),
            SheetColumn("Part des inscriptions", RATE),
            SheetColumn("Délai médian depuis l'inscription", TEXT),
        ],
        rows=[
            [
                stage.label,
                cell(stage.count, COUNT),
                cell(stage.share, RATE),
                cell(stage.median_days, TEXT),
            ]
            for stage in report.funnel
        ],
    )
    months = Sheet(
        name="Mois",
        title="Inscriptions et formations terminées, par mois d'inscription",
        notes=context,
        columns=[
            SheetColumn("Mois", TEXT),
            SheetColumn("Inscriptions", COUNT),
            SheetColumn("Terminées", COUNT),
        ],
        rows=[
            [point.label, cell(point.enrolled, COUNT), cell(point.completed, COUNT)]
            for point in report.months
        ],
    )
    return [indicators, funnel, months]


def cell(shown: Shown, kind: str) -> Cell:
    """The figure as a number when the page shows one, else the page's text."""
    if shown.value is None or kind == TEXT:
        return shown.text
    if kind == COUNT:
        return int(shown.value)
    return float(shown.value)


def page_text(value: Cell, kind: str) -> str:
    """A cell as the page writes it (« 12 500 », « 45,0 % », « 72,5 / 100 »)."""
    if isinstance(value, str):
        return value
    if kind == RATE:
        return f"{french_number(value, 1)}\u202f%"
    if kind == SCORE:
        return f"{french_number(value, 1)}\u202f/\u202f100"
    return french_number(value)


def fraction(percent: float) -> float:
    """The page's percentage (one decimal) as the fraction spreadsheets format with « % »,
    without float noise: 0.167, not 0.16699999999999998."""
    return round(percent / 100, 4)


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


# --- CSV ------------------------------------------------------------------------------------


def to_csv(sheets: Sequence[Sheet]) -> bytes:
    """UTF-8 with a BOM, `;` between cells, CRLF: what Excel and LibreOffice open in French.

    The first sheet comes whole (title, filters, extraction, rule, table); each other sheet
    follows after a blank line, as its title line and its table, as on the page. Counts and
    scores are bare numbers with a decimal comma (« 12500 », « 72,5 »), so that a French
    spreadsheet reads them as numbers; a rate stays the page's text (« 45,0 % »): a CSV cell
    has no format, and a bare « 45,0 » would read as a count. Text that a spreadsheet would
    run as a formula gets a leading apostrophe.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    first, *others = sheets
    lines = first.typed_table()
    for sheet in others:
        # Below the first table: a blank line, the title, the column labels and the rows.
        typed = sheet.typed_table()
        lines += [[], typed[0], *typed[sheet.header_index :]]
    for line in lines:
        writer.writerow(_csv_value(value, kind) for value, kind in line)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_value(value: Cell, kind: str) -> str:
    if isinstance(value, str):
        return "'" + value if is_formula_like(value) else value
    if kind == RATE:
        return page_text(value, kind)
    if isinstance(value, int):
        return str(value)
    return f"{value:.1f}".replace(".", ",")


# --- XLSX -----------------------------------------------------------------------------------

XLSX_FORMATS = {COUNT: "#,##0", RATE: "0.0%", SCORE: '0.0" / 100"'}


def to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """One worksheet per sheet: bold title and header, figures with a number format, frozen
    header and first column, columns as wide as their contents.

    A text cell is always a string cell: one that looks like a formula also gets Excel's
    « quote prefix » (what typing a leading apostrophe does), so that editing it later
    does not turn it into a formula either.

    openpyxl is imported here, not at start-up: it weighs about 12 MB in every worker, for a
    file few download.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = workbook.create_sheet(sheet.name)
        for row_index, line in enumerate(sheet.typed_table()):
            for column_index, (value, kind) in enumerate(line):
                target = worksheet.cell(row=row_index + 1, column=column_index + 1)
                _set_xlsx_value(target, value, kind)
                if row_index in (0, sheet.header_index):
                    target.font = bold
        header_row = sheet.header_index + 1
        worksheet.freeze_panes = worksheet.cell(row=header_row + 1, column=2)
        for index, width in enumerate(_column_widths(sheet), start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _set_xlsx_value(target, value: Cell, kind: str) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        # openpyxl refuses control characters, and would read « =… » as a formula.
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        target.value = text
        target.data_type = "s"
        if is_formula_like(text):
            target.quotePrefix = True
        return
    target.value = fraction(value) if kind == RATE else value
    target.number_format = XLSX_FORMATS[kind]


def _column_widths(sheet: Sheet) -> list[float]:
    """Widths in characters, from the header and the rows (the long notes overflow)."""
    widths = []
    for index, column in enumerate(sheet.columns):
        texts = [column.label] + [page_text(row[index], column.kind) for row in sheet.rows]
        widths.append(min(max(len(text) for text in texts) + 2, 60))
    return widths


# --- ODS ------------------------------------------------------------------------------------


def to_ods(sheets: Sequence[Sheet]) -> bytes:
    """One table per sheet. Figures are number cells (office:value, and a French number
    style: grouped thousands, « % », « / 100 »); everything else is a string cell, which
    no spreadsheet runs as a formula. odfpy is imported here, as openpyxl is below: a rare
    download."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableColumnProperties
    from odf.table import Table, TableCell, TableColumn, TableRow

    document = OpenDocumentSpreadsheet()
    styles = _ods_styles(document)
    for sheet in sheets:
        table = Table(name=sheet.name)
        for index, width in enumerate(_column_widths(sheet)):
            name = f"{sheet.name}-colonne-{index + 1}"
            column_style = Style(name=name, family="table-column")
            column_style.addElement(TableColumnProperties(columnwidth=f"{0.22 * width:.2f}cm"))
            document.automaticstyles.addElement(column_style)
            table.addElement(TableColumn(stylename=column_style))
        for row_index, line in enumerate(sheet.typed_table()):
            row = TableRow()
            bold = row_index in (0, sheet.header_index)
            for value, kind in line:
                row.addElement(_ods_cell(value, kind, styles, bold))
            if not line:
                row.addElement(TableCell())
            table.addElement(row)
        document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def _ods_styles(document: OpenDocumentSpreadsheet) -> dict[str, Style]:
    """Cell styles: bold text, and one per kind of figure with its French number style."""
    from odf.number import Number, NumberStyle, PercentageStyle
    from odf.number import Text as NumberText
    from odf.style import Style, TextProperties

    french = {"language": "fr", "country": "FR"}
    count = NumberStyle(name="nombre", **french)
    count.addElement(Number(decimalplaces=0, minintegerdigits=1, grouping="true"))
    rate = PercentageStyle(name="pourcentage", **french)
    rate.addElement(Number(decimalplaces=1, minintegerdigits=1))
    rate.addElement(NumberText(text="\u00a0%"))
    score = NumberStyle(name="note", **french)
    score.addElement(Number(decimalplaces=1, minintegerdigits=1))
    score.addElement(NumberText(text="\u00a0/\u00a0100"))
    styles = {}
    for kind, data_style in ((COUNT, count), (RATE, rate), (SCORE, score)):
        document.automaticstyles.addElement(data_style)
        styles[kind] = Style(
            name=f"cellule-{data_style.getAttribute('name')}",
            family="table-cell",
            datastylename=data_style,
        )
        document.automaticstyles.addElement(styles[kind])
    styles["bold"] = Style(name="cellule-gras", family="table-cell")
    styles["bold"].addElement(TextProperties(fontweight="bold"))
    document.automaticstyles.addElement(styles["bold"])
    return styles


def _ods_cell(value: Cell, kind: str, styles: dict[str, Style], bold: bool) -> TableCell:
    from odf import teletype
    from odf.table import TableCell
    from odf.text import P

    paragraph = P()
    if isinstance(value, str):
        style = {"stylename": styles["bold"]} if bold else {}
        cell_element = TableCell(valuetype="string", **style)
        teletype.addTextToElement(paragraph, value)
    elif kind == RATE:
        cell_element = TableCell(
            valuetype="percentage", value=fraction(value), stylename=styles[RATE]
        )
        paragraph.addText(page_text(value, kind))
    else:
        cell_element = TableCell(valuetype="float", value=value, stylename=styles[kind])
        paragraph.addText(page_text(value, kind))
    cell_element.addElement(paragraph)
    return cell_element
