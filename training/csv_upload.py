"""CSV files people export from their spreadsheet and upload: decoding, separator, rows with the
line they start on, and problems reported by line number, in French.

Each importer (target populations, session invitations) keeps its own columns and rules and
raises its own subclass of CsvFileError; what every spreadsheet file has in common is here.
"""

import csv
import io
from dataclasses import dataclass

from training.numbers import french_number
from training.plain_text import clean_line

Row = tuple[int, list[str]]


@dataclass(frozen=True)
class CsvProblem:
    """One problem of the file; `line` is None for the file as a whole."""

    line: int | None
    message: str

    def __str__(self) -> str:
        return self.message if self.line is None else f"Ligne {self.line} : {self.message}"


class CsvFileError(Exception):
    """A file that cannot be used: every problem found, in file order."""

    def __init__(self, problems: list[CsvProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class CsvRules:
    """The limits of one kind of file, and the error its importer raises."""

    max_bytes: int
    max_rows: int
    #: « 1 Mo », « 200 Ko »: the size limit as people read it.
    size_label: str
    #: What the file is about, for « ajoutez une ligne par … ».
    one_row_per: str
    #: Said with an empty file: which columns the first line must name.
    header_hint: str
    error: type[CsvFileError] = CsvFileError

    def fail(self, line: int | None, message: str) -> CsvFileError:
        return self.error([CsvProblem(line, message)])


def decode(data: bytes, rules: CsvRules) -> str:
    """The text of an uploaded file; the rules' error if it is too big or not UTF-8."""
    if len(data) > rules.max_bytes:
        raise _too_big(rules)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise rules.fail(
            data[: error.start].count(b"\n") + 1,
            "caractère illisible : le fichier n'est pas encodé en UTF-8. Dans votre tableur, "
            "enregistrez-le au format « CSV UTF-8 ».",
        ) from None


def read_rows(text: str, rules: CsvRules) -> tuple[Row, list[Row]]:
    """The header and the other non-blank rows, each with the line it starts on (a quoted cell
    may span lines), their cells cleaned as one-line text (training.plain_text); a byte order
    mark, `;` or `,` are all accepted."""
    text = text.removeprefix("\ufeff")
    if len(text.encode("utf-8")) > rules.max_bytes:
        raise _too_big(rules)
    if not text.strip():
        raise rules.fail(None, f"Le fichier est vide. {rules.header_hint}")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator(text))
    rows: list[Row] = []
    line = 1
    try:
        for raw_cells in reader:
            cells = [clean_line(cell) for cell in raw_cells]
            if any(cells):
                rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error:
        raise rules.fail(
            line, "cellule illisible : un guillemet ouvert sur cette ligne n'est-il pas refermé ?"
        ) from None
    return rows[0], rows[1:]


def check_row_count(count: int, rules: CsvRules) -> None:
    """At least one data row, and no more than the rules allow (checked once the header is)."""
    if count > rules.max_rows:
        raise rules.fail(
            None,
            f"Le fichier compte {french_number(count)} lignes de données, pour un maximum "
            f"de {french_number(rules.max_rows)} : découpez-le en plusieurs fichiers.",
        )
    if count == 0:
        raise rules.fail(
            None,
            "Le fichier ne contient que la ligne des noms de colonnes : ajoutez une ligne par "
            f"{rules.one_row_per}.",
        )


def separator(text: str) -> str:
    """`;` (French spreadsheets) or `,`, whichever the header line holds more of.

    Column names contain neither, so a comma inside a cell of every data line cannot fool it,
    as it can csv.Sniffer.
    """
    header_line = next(line for line in text.splitlines() if line.strip())
    return "," if header_line.count(",") > header_line.count(";") else ";"


def without_trailing_blanks(cells: list[str]) -> list[str]:
    """Spreadsheets often end lines with empty cells: they are not columns."""
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _too_big(rules: CsvRules) -> CsvFileError:
    return rules.fail(
        None, f"Le fichier dépasse {rules.size_label} : découpez-le en plusieurs fichiers."
    )
