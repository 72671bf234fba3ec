"""What a worker loads when it starts: no toolchain that only a rare download needs.

Every gunicorn worker holds what `wsgi` imports for its whole life; the PDF of a fiche réflexe
and the dashboard's spreadsheets are asked for rarely, so their libraries (about 25 MB and
12 MB per worker) are imported by the function that makes the file.
"""

import json
import os
import subprocess
import sys

from tests.conftest import ROOT

ON_DEMAND = ("reportlab", "pypdf", "pyhanko", "openpyxl")


def test_starting_the_application_imports_no_pdf_nor_spreadsheet_library(tmp_path):
    script = (
        "import json, sys, wsgi; "
        f"print(json.dumps([name for name in {ON_DEMAND!r} if name in sys.modules]))"
    )
    environment = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'start.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(result.stdout.splitlines()[-1]) == []
