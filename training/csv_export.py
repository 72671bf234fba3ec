"""CSV files people download and open in their spreadsheet: the layout French spreadsheets
expect, and text cells made inert.

Names and reasons in these files are typed by people, so every text cell that a spreadsheet
would read as a formula (OWASP « CSV injection ») is neutralised with a leading apostrophe.
"""

import csv
import io
from collections.abc import Iterable

Cell = str | int | float
#: A cell starting with one of these is read as a formula by spreadsheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """The text, made inert for spreadsheets when it starts like a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_bytes(lines: Iterable[Iterable[Cell]]) -> bytes:
    """UTF-8 with a BOM, `;` between cells, CRLF: what Excel and LibreOffice open in French.
    Text cells are neutralised; numbers stay numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for line in lines:
        writer.writerow(neutralise(cell) if isinstance(cell, str) else cell for cell in line)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
