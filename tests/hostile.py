"""Hostile strings, and the checks that what comes back of them is inert (ASVS V5).

HOSTILE_STRINGS is the corpus: markup, event handlers, `javascript:` URLs, SVG, template
syntax, SQL fragments, control and bidirectional characters, formula cells, a 100 kB string.
Each has a short id, used as the pytest id.

How a later feature adds its fields: one row in FIELDS of tests/security/test_hostile_corpus.py,
`Field(id, submit, strings)`. `submit(world, value)` sends the value as the real user would
(valid CSRF token, the rest of the form valid), then fetches every page, export (CSV, ODS),
PDF and JSON where the value comes back, passing each answer to `check` (no 5xx, French 4xx,
HTML inert, CSV cells without formula); `world` makes the people and objects it needs
(`world.client(Role.ADMIN)`, `world.session_id()`, `world.author()`…). `strings` is ALL (short
fields that reach exports), CORE (one string per kind of attack), SOME (Markdown editors: CORE
and the link attacks) or FEW (selects, dates, fields covered elsewhere). By default the test
runs the QUICK strings of each row; HOSTILE_CORPUS=full runs them all.
"""

import csv
import io
from dataclasses import dataclass
from html.parser import HTMLParser

from markupsafe import escape

from training.plain_text import clean_line


@dataclass(frozen=True)
class Hostile:
    id: str
    value: str


HOSTILE_STRINGS: tuple[Hostile, ...] = (
    Hostile("script", "<script>alert(1)</script>"),
    Hostile("img-onerror", '<img src=x onerror="alert(1)">'),
    Hostile("svg-onload", "<svg/onload=alert(1)>"),
    Hostile("attr-break", '"><script>alert(1)</script><a href="'),
    Hostile("js-url", "javascript:alert(1)"),
    Hostile("md-js-link", "[clic](javascript:alert(1))"),
    Hostile("template", "Nom {{7*7}} {% if 1 %}X{% endif %} ${7*7}"),
    Hostile("sql", "Robert'); DROP TABLE users;-- ' OR '1'='1"),
    Hostile("nul", "Nadia\x00 Benali"),
    Hostile("controls", "Nadia\x1b[31m\x07\x08 Benali\x7f"),
    Hostile("bidi", "\u202eilaneB aidaN"),
    Hostile("formula-eq", '=HYPERLINK("https://exemple.fr","clic")'),
    Hostile("formula-plus", "+33 1 23 45 67 89"),
    Hostile("formula-minus", "-2+3"),
    Hostile("formula-at", "@SUM(A1:A9)"),
    Hostile("long", "A" * 100_000),
)
HOSTILE_BY_ID = {hostile.id: hostile for hostile in HOSTILE_STRINGS}
#: The kinds of attack, one string each: for fields whose submission is expensive.
CORE = (
    "script",
    "attr-break",
    "svg-onload",
    "template",
    "sql",
    "nul",
    "bidi",
    "formula-eq",
    "long",
)
#: For editors of Markdown, where links and images are written: CORE and the link attacks.
SOME = (*CORE, "img-onerror", "js-url", "md-js-link")
#: For select lists, dates and fields already covered elsewhere.
FEW = ("attr-break", "nul", "formula-eq", "long")
ALL = tuple(hostile.id for hostile in HOSTILE_STRINGS)

_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}


class _ActiveParts(HTMLParser):
    """What a browser would run in a page: scripts' text, event handlers, `javascript:` URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            value = (value or "").strip().lower()
            if (
                name.startswith("on")
                or name in _URL_ATTRIBUTES
                and value.replace("\t", "").startswith("javascript:")
            ):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert" in data:
            self.found.append(f"<script>{data[:40]}")


def assert_inert(page: str, value: str) -> None:
    """Nothing of `value` can run in `page`: no script, event handler or `javascript:` link in
    the parsed page (the application's own pages have none: the CSP forbids inline scripts and
    handlers, so any found comes from the value), no template expression of it evaluated."""
    parser = _ActiveParts()
    parser.feed(page)
    parser.close()
    assert not parser.found, f"active content from {value[:60]!r}: {parser.found}"
    if "{{7*7}}" in value:
        assert "Nom 49" not in page, "a template expression evaluated"
        assert " X $" not in page, "a template block evaluated"


def assert_shown_escaped(page: str, value: str) -> None:
    """`value` as stored (one line, cleaned) appears in `page`, escaped."""
    assert str(escape(clean_line(value))) in page


def assert_no_server_error(response) -> None:
    """Never a 5xx; a refusal (4xx) of an HTML page is a French page."""
    assert response.status_code < 500, (response.request.path, response.status_code)
    if 400 <= response.status_code < 500 and response.mimetype == "text/html":
        assert 'lang="fr"' in response.get_data(as_text=True), response.request.path


def assert_csv_inert(data: bytes) -> None:
    """No cell of a CSV export starts like a spreadsheet formula (training.csv_export)."""
    text = data.decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=";"):
        for cell in row:
            if cell and not _is_number(cell):
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def _is_number(cell: str) -> bool:
    try:
        float(cell.replace(",", "."))
    except ValueError:
        return False
    return True
