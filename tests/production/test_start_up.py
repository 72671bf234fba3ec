"""What a gunicorn worker loads when it starts: no toolchain that only a rare download or the
command line needs.

Every worker holds what `wsgi` imports for its whole life. The PDF of a fiche réflexe and the
spreadsheets (XLSX, ODS) are asked for rarely, so their libraries (about 25 MB, 12 MB and 2 MB
per worker) are imported by the function that makes the file; migrations run from the command
line only, so Flask-Migrate (alembic and mako, 12 MB) is not registered in a worker.
"""

import json
import os
import subprocess
import sys
import time

from tests.conftest import ROOT

ON_DEMAND = ("reportlab", "pypdf", "pyhanko", "openpyxl", "odf")
COMMAND_LINE_ONLY = ("flask_migrate", "alembic", "mako")

#: A gunicorn configuration whose hook writes, once the worker has loaded the application,
#: which of the watched libraries it holds.
HOOK = """
import json, sys
from pathlib import Path

def post_worker_init(worker):
    watched = {watched!r}
    partial = Path({report!r} + ".partiel")
    partial.write_text(json.dumps([name for name in watched if name in sys.modules]))
    partial.replace({report!r})
"""


def test_a_gunicorn_worker_holds_no_pdf_spreadsheet_nor_migration_library(tmp_path):
    report = tmp_path / "loaded.json"
    configuration = tmp_path / "gunicorn_hook.py"
    configuration.write_text(HOOK.format(watched=ON_DEMAND + COMMAND_LINE_ONLY, report=str(report)))
    environment = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'start.sqlite3'}",
    }
    command = [sys.executable, "-m", "gunicorn", "wsgi:app", "--bind=127.0.0.1:0"]
    server = subprocess.Popen(
        [*command, "--workers=1", f"--config={configuration}"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while not report.exists() and server.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert report.exists(), "the gunicorn worker did not start"
        assert json.loads(report.read_text()) == []
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_command_line_still_migrates():
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "--help"],
        cwd=ROOT,
        env={**os.environ, "APP_ENV": "development"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "upgrade" in result.stdout
