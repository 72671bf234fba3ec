"""The CSV files of target populations: reading an import, writing the model. Pure: the
codes they may name are given, and nothing here touches the database."""

import csv
import io
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from training import csv_upload
from training.csv_upload import CsvFileError, CsvProblem
from training.numbers import french_number

MAX_CSV_BYTES = 1024 * 1024
MAX_CSV_ROWS = 5000
MAX_POPULATION = 10_000_000
MIN_YEAR, MAX_YEAR = 1990, 2100
SOURCE_MAX_LENGTH = 200
#: Columns of the CSV file, as written in the model file and the help page.
CSV_COLUMNS = ("territoire", "profession", "population", "source", "année")
#: The source of the model file's lines: an import refuses it, so that no example figure
#: ever becomes a denominator.
EXAMPLE_SOURCE = "exemple — à remplacer"
EXAMPLE_ROWS = (
    ("paris", "enseignant", "12500", EXAMPLE_SOURCE, "2025"),
    ("marseille", "sante", "8000", EXAMPLE_SOURCE, "2025"),
)
#: Thousands separators people type or spreadsheets write: space, no-break and narrow no-break.
THOUSANDS_SEPARATORS = re.compile("[ \u00a0\u202f]")
HEADER_HINT = "La première ligne doit nommer les colonnes : " + ";".join(CSV_COLUMNS) + "."


class TargetError(Exception):
    """A rule was broken; the message is French and can be shown to the user."""


class TargetImportError(CsvFileError, TargetError):
    """A file that cannot be imported: carries every problem found, in file order."""


RULES = csv_upload.CsvRules(
    max_bytes=MAX_CSV_BYTES,
    max_rows=MAX_CSV_ROWS,
    size_label="1 Mo",
    one_row_per="population cible",
    header_hint=HEADER_HINT,
    error=TargetImportError,
)


@dataclass(frozen=True)
class TargetRow:
    """A valid line of an imported file, codes in lower case."""

    line: int
    territory: str
    profession: str
    population: int
    source: str
    year: int


def decode_csv(data: bytes) -> str:
    """The text of an uploaded file, or TargetImportError if it is too big or not UTF-8."""
    return csv_upload.decode(data, RULES)


def parse_targets_csv(
    text: str, territory_codes: Collection[str], profession_codes: Collection[str]
) -> list[TargetRow]:
    """Every line of the file, checked; TargetImportError with every problem otherwise.

    Columns are found by their header name, so their order is free. Blank lines are skipped.
    """
    (header_line, header), data = csv_upload.read_rows(text, RULES)
    columns = _header_columns(header_line, header)
    csv_upload.check_row_count(len(data), RULES)
    checked = [
        _check_row(line, cells, columns, territory_codes, profession_codes) for line, cells in data
    ]
    problems = [problem for _row, row_problems in checked for problem in row_problems]
    problems.extend(_duplicates(data, columns))
    if problems:
        raise TargetImportError(sorted(problems, key=lambda problem: problem.line or 0))
    return [row for row, _row_problems in checked if row is not None]


def _column_name(cell: str) -> str | None:
    """The column a header cell names: case, accents and surrounding spaces do not matter."""
    key = _without_accents(cell.strip().lower())
    return next((name for name in CSV_COLUMNS if _without_accents(name) == key), None)


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _header_columns(line: int, header: list[str]) -> dict[str, int]:
    """The index of each column by its name in CSV_COLUMNS; TargetImportError if unusable."""
    columns: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(csv_upload.without_trailing_blanks(header)):
        name = _column_name(cell)
        if name is None:
            shown = f"« {cell.strip()} »" if cell.strip() else f"n° {index + 1}, sans nom,"
            problems.append(CsvProblem(line, f"colonne {shown} inconnue."))
        elif name in columns:
            problems.append(CsvProblem(line, f"colonne « {name} » en double."))
        else:
            columns[name] = index
    missing = [f"« {name} »" for name in CSV_COLUMNS if name not in columns]
    if missing:
        label = "colonnes manquantes" if len(missing) > 1 else "colonne manquante"
        problems.append(CsvProblem(line, f"{label} : {', '.join(missing)}. {HEADER_HINT}"))
    if problems:
        raise TargetImportError(problems)
    return columns


def _check_row(
    line: int,
    cells: list[str],
    columns: dict[str, int],
    territory_codes: Collection[str],
    profession_codes: Collection[str],
) -> tuple[TargetRow | None, list[CsvProblem]]:
    width = len(columns)
    filled = csv_upload.without_trailing_blanks(cells)
    if len(filled) > width:
        return None, [CsvProblem(line, f"{len(filled)} colonnes au lieu de {width}.")]
    value = {name: _cell(cells, index) for name, index in columns.items()}
    problems: list[str] = []
    territory = _code(
        value["territoire"],
        territory_codes,
        "territoire manquant",
        "territoire « {} » inconnu",
        problems,
    )
    profession = _code(
        value["profession"],
        profession_codes,
        "profession manquante",
        "profession « {} » inconnue",
        problems,
    )
    population = _population(value["population"], problems)
    source = _source(value["source"], problems)
    year = _year(value["année"], problems)
    if problems:
        return None, [CsvProblem(line, message) for message in problems]
    return TargetRow(line, territory, profession, population, source, year), []


def _cell(cells: list[str], index: int) -> str:
    """A cell without its surrounding spaces; missing cells at the end of a line are empty."""
    return cells[index].strip() if index < len(cells) else ""


def _code(
    value: str, known: Collection[str], missing: str, unknown: str, problems: list[str]
) -> str:
    """Codes are lower case; `unknown` shows the value as typed."""
    code = value.lower()
    if not code:
        problems.append(f"{missing}.")
    elif code not in known:
        problems.append(unknown.format(value) + ".")
    return code


def _population(value: str, problems: list[str]) -> int:
    digits = THOUSANDS_SEPARATORS.sub("", value)
    if not value:
        problems.append("population manquante.")
    # At most 8 digits before int(): a long run of digits is refused without converting it.
    elif re.fullmatch("[0-9]{1,8}", digits) and 1 <= int(digits) <= MAX_POPULATION:
        return int(digits)
    else:
        problems.append(
            f"population « {value} » invalide : un nombre entier de 1 à "
            f"{french_number(MAX_POPULATION)} est attendu, par exemple 12 500."
        )
    return 0


def _source(value: str, problems: list[str]) -> str:
    if not value:
        problems.append("source manquante : indiquez d'où vient le chiffre.")
    elif len(value) > SOURCE_MAX_LENGTH:
        problems.append(
            f"source trop longue ({len(value)} caractères, {SOURCE_MAX_LENGTH} au plus)."
        )
    elif value.casefold() == EXAMPLE_SOURCE.casefold():
        problems.append(
            f"source « {value} » : remplacez cette ligne d'exemple par un chiffre réel et sa "
            "source."
        )
    return value


def _year(value: str, problems: list[str]) -> int:
    if not value:
        problems.append("année manquante.")
    elif re.fullmatch("[0-9]{4}", value) and MIN_YEAR <= int(value) <= MAX_YEAR:
        return int(value)
    else:
        problems.append(
            f"année « {value} » invalide : une année sur 4 chiffres, de {MIN_YEAR} à "
            f"{MAX_YEAR}, est attendue."
        )
    return 0


def _duplicates(data: list[tuple[int, list[str]]], columns: dict[str, int]) -> list[CsvProblem]:
    """Lines naming the territory and profession of an earlier line, valid or not."""
    first_line: dict[tuple[str, str], int] = {}
    problems = []
    for line, cells in data:
        territory, profession = (
            _cell(cells, columns[name]).lower() for name in ("territoire", "profession")
        )
        if not territory or not profession:
            continue
        if (territory, profession) in first_line:
            problems.append(
                CsvProblem(
                    line,
                    f"territoire « {territory} » et profession « {profession} » déjà présents "
                    f"ligne {first_line[territory, profession]}.",
                )
            )
        else:
            first_line[territory, profession] = line
    return problems


def example_csv() -> str:
    """The model file: UTF-8 with a byte order mark (so that spreadsheets read the accents),
    `;`-separated, the header and two example lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(EXAMPLE_ROWS)
    return "\ufeff" + buffer.getvalue()
