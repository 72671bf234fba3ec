"""The CSV files of session invitations: reading them, line by line, with French messages.

Pure: the professions a file may name are given, and nothing here touches the database.
"""

import csv
import io
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from training import csv_upload
from training.csv_upload import CsvFileError, CsvProblem

#: Small enough to travel back in the preview page's hidden field (Werkzeug keeps form fields
#: of up to 500 KB in memory), large enough for MAX_ROWS lines.
MAX_CSV_BYTES = 200 * 1024
#: More than a training room; a larger list is split, and mails go out in one request.
MAX_ROWS = 500
NAME_MAX_LENGTH = 100
EMAIL_MAX_LENGTH = 254
#: Column -> the header names accepted for it (compared without case, accents or spaces).
COLUMN_NAMES = {
    "courriel": ("courriel", "e-mail", "email", "mail", "adresse electronique", "adresse"),
    "prénom": ("prenom",),
    "nom": ("nom", "nom de famille"),
    "profession": ("profession", "metier"),
}
CSV_COLUMNS = tuple(COLUMN_NAMES)
REQUIRED_COLUMNS = ("courriel", "prénom", "nom")
HEADER_HINT = "La première ligne doit nommer les colonnes : " + ";".join(CSV_COLUMNS) + "."
#: What a spreadsheet would run as a formula when the cell is opened again.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class InvitationCsvError(CsvFileError):
    """A file that cannot be used: every problem found, in file order."""


RULES = csv_upload.CsvRules(
    max_bytes=MAX_CSV_BYTES,
    max_rows=MAX_ROWS,
    size_label="200 Ko",
    one_row_per="personne à inviter",
    header_hint=HEADER_HINT,
    error=InvitationCsvError,
)


@dataclass(frozen=True)
class InvitationRow:
    """A valid line: the e-mail in lower case, the profession as a code (None when blank)."""

    line: int
    email: str
    first_name: str
    last_name: str
    profession: str | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def _plain(text: str) -> str:
    """Lower case, without accents and with single spaces: how names are compared."""
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def decode_csv(data: bytes) -> str:
    """The text of an uploaded file; InvitationCsvError if it is too big or not UTF-8."""
    return csv_upload.decode(data, RULES)


def parse_invitations_csv(text: str, professions: Mapping[str, str]) -> list[InvitationRow]:
    """Every line of the file, checked; InvitationCsvError with every problem otherwise.

    `professions` maps what a cell may say (a code or a name, compared without case or
    accents) to the profession's code. Columns are found by their header name, in any order;
    blank lines are skipped; a byte order mark, `;` or `,` are all accepted.
    """
    (header_line, header), data = csv_upload.read_rows(text, RULES)
    columns = _header_columns(header_line, header)
    csv_upload.check_row_count(len(data), RULES)
    known = {_plain(key): code for key, code in professions.items()}
    rows, problems = [], []
    first_line: dict[str, int] = {}
    for line, cells in data:
        row, row_problems = _check_row(line, cells, columns, known)
        problems.extend(row_problems)
        if row is None:
            continue
        if row.email in first_line:
            problems.append(
                CsvProblem(
                    line, f"l'adresse {row.email} figure déjà ligne {first_line[row.email]}."
                )
            )
        else:
            first_line[row.email] = line
            rows.append(row)
    if problems:
        raise InvitationCsvError(problems)
    return rows


def _header_columns(line: int, header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(csv_upload.without_trailing_blanks(header)):
        key = _plain(cell)
        name = next((n for n, aliases in COLUMN_NAMES.items() if key in aliases), None)
        if name is None:
            shown = f"« {cell.strip()[:40]} »" if cell.strip() else f"n° {index + 1}, sans nom,"
            problems.append(CsvProblem(line, f"colonne {shown} inconnue. {HEADER_HINT}"))
        elif name in columns:
            problems.append(CsvProblem(line, f"colonne « {name} » en double."))
        else:
            columns[name] = index
    missing = [f"« {name} »" for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        label = "colonnes manquantes" if len(missing) > 1 else "colonne manquante"
        problems.append(CsvProblem(line, f"{label} : {', '.join(missing)}. {HEADER_HINT}"))
    if problems:
        raise InvitationCsvError(problems)
    return columns


def _cell(cells: list[str], index: int | None) -> str:
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _check_row(
    line: int, cells: list[str], columns: dict[str, int], professions: Mapping[str, str]
) -> tuple[InvitationRow | None, list[CsvProblem]]:
    width = max(columns.values()) + 1
    filled = csv_upload.without_trailing_blanks(cells)
    if len(filled) > width:
        return None, [
            CsvProblem(
                line,
                f"{len(filled)} colonnes au lieu de {width} : une virgule ou un point-virgule "
                "dans un nom doit être entre guillemets.",
            )
        ]
    value = {name: _cell(cells, columns.get(name)) for name in CSV_COLUMNS}
    problems: list[str] = []
    email = _email(value["courriel"], problems)
    first_name = _name(value["prénom"], "prénom", problems)
    last_name = _name(value["nom"], "nom", problems)
    profession = None
    if value["profession"]:
        profession = professions.get(_plain(value["profession"]))
        if profession is None:
            problems.append(f"profession « {value['profession'][:60]} » inconnue.")
    if problems:
        return None, [CsvProblem(line, message) for message in problems]
    return InvitationRow(line, email, first_name, last_name, profession), []


def _email(value: str, problems: list[str]) -> str:
    if not value:
        problems.append("adresse électronique manquante.")
        return ""
    if len(value) <= EMAIL_MAX_LENGTH:
        try:
            return validate_email(value, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            pass
    problems.append(f"adresse électronique « {value[:60]} » invalide.")
    return ""


def _name(value: str, label: str, problems: list[str]) -> str:
    if not value:
        problems.append(f"{label} manquant.")
    elif value.startswith(FORMULA_STARTS):
        problems.append(
            f"{label} « {value[:40]} » : une cellule ne peut pas commencer par « {value[0]} » "
            "(les formules de tableur ne sont pas acceptées)."
        )
    elif len(value) > NAME_MAX_LENGTH:
        problems.append(f"{label} trop long ({len(value)} caractères, {NAME_MAX_LENGTH} au plus).")
    else:
        return " ".join(value.split())
    return ""


def example_csv() -> str:
    """The model file: UTF-8 with a byte order mark, `;`-separated, header and one line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerow(("prenom.nom@exemple.fr", "Camille", "Martin", "enseignant"))
    return "\ufeff" + buffer.getvalue()
