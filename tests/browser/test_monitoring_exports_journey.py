"""Miprof's monitor downloads the table she filtered, and finds the page's figures in the file."""

import re
from pathlib import Path

from odf import teletype
from odf.opendocument import load
from odf.table import Table, TableCell, TableRow
from playwright.sync_api import expect

from training.certificates.services import paris_today
from training.monitoring.periods import last_full_quarter

from .steps import log_in_as_demo

PROFESSION = "Enseignant ou personnel de l'éducation"
COMMON_CORE = "Repérer et signaler la traite des êtres humains : le socle commun"


def test_monitor_downloads_the_filtered_table_as_ods(journey, tmp_path: Path):
    page = journey.start()
    log_in_as_demo(journey, "monitor")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Suivi du plan"
    ).click()
    journey.check("Suivi du plan")

    quarter = last_full_quarter(paris_today())
    page.get_by_label("Période").select_option(label=quarter.label)
    page.get_by_label("Territoire", exact=True).select_option(label="Marseille")
    page.get_by_label("Profession", exact=True).select_option(label=PROFESSION)
    page.get_by_label("Formation", exact=True).select_option(label=COMMON_CORE)
    page.get_by_role("button", name="Afficher").click()
    journey.check("Suivi filtré")
    table = page.get_by_role("table", name=re.compile(r"^Indicateurs"))
    expect(table).to_contain_text("Total Marseille")
    headers = table.locator("thead th").all_inner_texts()
    total = table.locator("tbody tr.monitoring-row--total").locator("th, td").all_inner_texts()
    on_page = dict(zip(headers, total, strict=True))
    assert on_page["Territoire"] == "Total Marseille"

    with page.expect_download() as info:
        page.get_by_role("link", name="Télécharger ce tableau ODS – tableur LibreOffice").click()
    download = info.value
    assert re.fullmatch(rf"suivi-traite-{quarter.value}-\d{{4}}-\d{{2}}-\d{{2}}\.ods",
                        download.suggested_filename)  # fmt: skip
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    rows = _ods_rows(path, "Indicateurs")
    assert [f"Période : {quarter.label}"] in rows
    assert [f"Formation : {COMMON_CORE}"] in rows
    header = next(row for row in rows if row[:1] == ["Territoire"])
    in_file = dict(zip(header, next(row for row in rows if row[:1] == ["Total Marseille"]),
                       strict=True))  # fmt: skip
    for column in ("Inscriptions", "Terminées"):
        assert in_file[column] == _as_number(on_page[column]), column
    assert isinstance(in_file["Inscriptions"], int)  # demo activity: a shown count
    assert in_file["Inscriptions"] > 0


def _ods_rows(path: Path, sheet: str) -> list[list]:
    """The sheet's rows: number cells as their office:value, other cells as their text."""
    document = load(str(path))
    table = next(
        t for t in document.spreadsheet.getElementsByType(Table) if t.getAttribute("name") == sheet
    )
    rows = []
    for row in table.getElementsByType(TableRow):
        values = []
        for cell in row.getElementsByType(TableCell):
            if cell.getAttribute("valuetype") == "float":
                values.append(int(float(cell.getAttribute("value"))))
            elif text := teletype.extractText(cell):
                values.append(text)
        rows.append(values)
    return rows


def _as_number(text: str) -> int | str:
    """« 1 234 » as 1234; a hidden figure (« < 5 », « s ») as its text."""
    digits = text.replace("\u202f", "")
    return int(digits) if digits.isdigit() else text
