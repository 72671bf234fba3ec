"""The application under test, run as a real server process on a fresh SQLite database."""

import os
import secrets
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import closing
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

#: Every journey comes from 127.0.0.1, so the per-address limits would soon refuse them;
#: the limits themselves are tested without a browser.
GENEROUS_LIMITS = {
    "SENSITIVE_FORM_LIMIT": "1000 per hour",
    "LOGIN_LIMIT_PER_ACCOUNT": "1000 per hour",
    "LOGIN_LIMIT_PER_ADDRESS": "1000 per hour",
    "CERTIFICATE_VERIFICATION_LIMIT": "1000 per minute",
}
#: Settings of the developer's shell that must not leak into the server under test.
NOT_INHERITED = {"DATABASE_URL", "REDIS_URL", "APP_ENV", "SECRET_KEY", "PROXY_COUNT"}


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LiveServer:
    """`flask db upgrade`, a signing key, `flask demo`, then `flask run` on 127.0.0.1 (no reloader,
    no debugger), as an operator would; everything in `workdir`, removed by pytest."""

    def __init__(self, workdir: Path, mail_port: int) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "server.log"
        self._process: subprocess.Popen | None = None
        self._log = None
        self.environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("FLASK_", "MAIL_", "CERTIFICATE_", "RATELIMIT_"))
            and key not in NOT_INHERITED
            and key not in GENEROUS_LIMITS
        }
        self.environment.update(
            FLASK_APP="wsgi",
            APP_ENV="development",
            DATABASE_URL=f"sqlite:///{workdir / 'training.sqlite3'}",
            SECRET_KEY=secrets.token_hex(32),
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(mail_port),
            CERTIFICATE_SIGNING_KEY_PATH=str(workdir / "certificate-signing-key.pem"),
            PYTHONUNBUFFERED="1",
            **GENEROUS_LIMITS,
        )

    def flask(self, *args: str) -> str:
        """Run one `flask` command against the server's database; returns what it printed."""
        result = subprocess.run(
            [sys.executable, "-m", "flask", *args],
            cwd=PROJECT_ROOT,
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def start(self, timeout: float = 30) -> None:
        self.flask("db", "upgrade")
        self.flask("certificates", "keygen")
        self.flask("demo")
        # The short example course of the trainers' guide: three steps, for the learner journey.
        # Its « À valider » note is an example: an admin's confirmation publishes it anyway.
        self.flask(
            "courses",
            "import",
            "--accept-review-notes",
            str(PROJECT_ROOT / "docs" / "exemple-cours"),
        )
        self.flask("authoring", "add-author", "exemple-cours", "formateur@demo.example.org")
        self._log = self.log_path.open("w")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "flask", "run", "--host", "127.0.0.1", "--port",
             str(self.port), "--no-reload", "--no-debugger"],
            cwd=PROJECT_ROOT,
            env=self.environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"The server stopped at start-up:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2):  # noqa: S310
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"The server did not answer within {timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._log is not None:
            self._log.close()

    def wrong_choice_ids(self) -> set[str]:
        """Every wrong choice of every quiz, for a journey where someone must fail one."""
        with closing(sqlite3.connect(self.workdir / "training.sqlite3")) as database:
            rows = database.execute("SELECT id FROM quiz_choices WHERE NOT is_correct")
            return {str(choice_id) for (choice_id,) in rows}

    def right_choice_ids(self) -> set[str]:
        """Every right choice of every quiz, for a journey where someone must pass one."""
        with closing(sqlite3.connect(self.workdir / "training.sqlite3")) as database:
            rows = database.execute("SELECT id FROM quiz_choices WHERE is_correct")
            return {str(choice_id) for (choice_id,) in rows}

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return "(no server log)"
        log = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join([line for line in log if "GET /static/" not in line][-lines:])
