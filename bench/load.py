"""How many requests the platform serves under gunicorn, page by page, against bare Flask.

    .venv/bin/python bench/load.py [--duration 20] [--users 16] [--open-users 500]
    make bench-load

Needs wrk (Debian's package `wrk`; `make bench-load` installs it), PostgreSQL
(BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres@127.0.0.1:5432, a role that may
create databases) and Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/13: that database
number is flushed before and after the run).

The script creates a fresh database (training_load_<random>), migrates it, loads the demo
(`flask db upgrade`, `flask demo`: the real catalogue of courses/, the demo accounts, a real
certificate), imports a copy of the common core whose quizzes allow unlimited attempts (so
that each virtual user can take quizzes for the whole phase), inserts --learners synthetic
learners in one statement (one password hash, computed once) and one monitor account per
virtual user (with its second factor), then starts two servers with the same gunicorn
settings (2 sync workers):

- the application, with the production settings (APP_ENV=production, a generated key,
  Secure `__Host-` session cookies, rate limits in Redis, PROXY_COUNT=1 as behind a load
  balancer: each virtual user sends its own X-Forwarded-For address, as real visitors have
  theirs; wrk sends the session cookie itself, as a browser does over the HTTPS that the load
  balancer would terminate);
- a bare Flask « hello » app (one route returning a short string).

Each virtual user is logged in beforehand through the real forms (its own learner, enrolled in
the common core), then wrk (C, a few per cent of a core) drives one page per phase with one
connection per user and no think time (closed model), so that each page's requests per second
can be compared with bare Flask's in the same run; bench/load.lua says what each phase asks.
Then a realistic mix, then the open model: --open-users learners each opening a learner page
every 5 seconds, asked at fixed times from this process (see open_model). Memory (RSS) of each
application worker is read from /proc. The database is dropped and the Redis database flushed
at the end, unless --keep.

--profile FOLDER records, with py-spy (the `bench` extra), each application worker during the
whole run (one speedscope file per worker). --save FILE keeps the figures as JSON; --report
FILE prints their table again. Figures and method: docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEFAULT_SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/13"
LEARNER_PASSWORD = "banc-de-charge-2026"  # noqa: S105
LEARNER_EMAIL = "charge-{}@bench.example.org"
MONITOR_EMAIL = "suivi-{}@bench.example.org"
#: The monitors' second factor (staff accounts have one): codes are computed as their phone would.
MONITOR_TOTP_SECRET = "BANCDECHARGEFORMATIONTRAITEZZZZZ"  # noqa: S105
#: Created in the app (the password's hash and the second factor's secret are the app's).
CREATE_MONITORS = """
import sys
from wsgi import app
from training.accounts import services
from training.accounts.models import Profession, Role, Territory
from training.extensions import db
from training.timeutils import utcnow
try:
    from training.accounts import two_factor
except ImportError:
    two_factor = None
with app.app_context():
    for number in range(1, int(sys.argv[1]) + 1):
        user = services.register_user(
            email=sys.argv[2].format(number), full_name=f"Observatrice {number}",
            password=sys.argv[3], role=Role.MONITOR,
            profession=db.session.scalar(db.select(Profession).filter_by(code="autre")),
            territory=db.session.scalar(db.select(Territory).filter_by(code="paris")))
        user.email_confirmed_at = utcnow()
        if two_factor is not None:
            two_factor.enable_with_secret(user, sys.argv[4])
    db.session.commit()
"""
COURSE = "socle-commun"
WORKERS = 2

#: (phase, what its users do, row label). Phases run in this order; each has its own users.
PAGES = (
    ("hello", "bare Flask « hello » (GET /)"),
    ("home", "home page, anonymous (GET /)"),
    ("catalogue", "catalogue, anonymous (GET /formations)"),
    ("login", "log-in (POST /connexion)"),
    ("course", "course page, learner"),
    ("lesson", "lesson page, learner"),
    ("dashboard", "« Mon parcours », learner"),
    ("mark_done", "« J'ai terminé cette étape » (POST)"),
    ("quiz", "quiz: start, questions, submit (cycles)"),
    ("verify", "certificate verification (public)"),
    ("monitor", "monitor's dashboard (GET /suivi)"),
)
#: Goals of the issue: ratio of requests per second to bare Flask's, same run.
GOALS = {
    "home": 0.5,
    "catalogue": 0.25,
    "lesson": 0.15,
    "course": 0.12,
    "dashboard": 0.12,
    "mark_done": 0.10,
    "quiz": 0.08,
}
#: Mix of the realistic phase: weights of each task (a learner reads far more than it posts).
MIX = {
    "home": 2,
    "catalogue": 2,
    "course": 3,
    "lesson": 10,
    "dashboard": 3,
    "mark_done": 3,
    "verify": 1,
}
#: The copy of the common core whose quizzes allow unlimited attempts, and the quiz taken.
QUIZ_COURSE = "banc-socle-commun"
QUIZ_STEP = "05-droits-et-evaluation/02-quiz-final"
#: The open model's pause between two pages of a user.
OPEN_PAUSE_MS = 5000


# --- the bare Flask app (gunicorn loads it as bench.load:hello_app()) -------------------------


def hello_app():
    from flask import Flask

    app = Flask("hello")

    @app.route("/")
    def hello():
        return "Bonjour"

    return app


# --- database, Redis, servers -----------------------------------------------------------------


def server_url():
    import sqlalchemy as sa

    return sa.make_url(
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or DEFAULT_SERVER_URL
    )


def create_database(server):
    import sqlalchemy as sa

    name = f"training_load_{secrets.token_hex(6)}"
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server.set(database=name)


def drop_database(server, name: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def flush_redis(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    client.flushdb()
    client.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def flask_command(env: dict, *arguments: str) -> None:
    subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *arguments],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def insert_learners(url, count: int) -> None:
    """`count` confirmed learners sharing one password hash, in one INSERT … SELECT."""
    import psycopg
    from werkzeug.security import generate_password_hash

    password_hash = generate_password_hash(LEARNER_PASSWORD, method="scrypt")
    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq) as connection:
        connection.execute(
            """
            INSERT INTO users (email, full_name, password_hash, role, profession_id,
                               territory_id, consented_at, email_confirmed_at, created_at)
            SELECT replace(%(email)s, '{}', n::text), 'Apprenante ' || n, %(hash)s, 'learner',
                   (SELECT id FROM professions ORDER BY id LIMIT 1 OFFSET n %% 5),
                   (SELECT id FROM territories ORDER BY id LIMIT 1 OFFSET n %% 3),
                   now(), now(), now()
            FROM generate_series(1, %(count)s) AS n
            """,
            {"email": LEARNER_EMAIL, "hash": password_hash, "count": count},
        )
        connection.execute("ANALYZE")


def some_certificate_code(url) -> str:
    import psycopg

    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq) as connection:
        row = connection.execute(
            "SELECT code FROM certificates WHERE revoked_at IS NULL ORDER BY id LIMIT 1"
        ).fetchone()
    if row is None:
        raise SystemExit("`flask demo` issued no certificate: nothing to verify.")
    return row[0]


def start_gunicorn(target: str, port: int, env: dict, log: Path) -> subprocess.Popen:
    """The same settings for both apps: 2 sync workers, no access log."""
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            target,
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn {target} stopped at start: see {log}.")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
        except OSError:
            time.sleep(0.2)
            continue
        if len(worker_pids(process.pid)) == WORKERS:
            return process
        time.sleep(0.2)
    raise SystemExit(f"gunicorn {target} did not start within a minute: see {log}.")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def worker_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def memory_of(pid: int) -> tuple[float, float]:
    """(RSS, peak RSS) in MiB, from /proc/<pid>/status."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in {"VmRSS", "VmHWM"}:
            fields[name] = int(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


# --- virtual users, logged in through the real forms -----------------------------------------

TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


class Visitor:
    """A browser's cookies and address, for the log-ins and enrolments made before wrk runs."""

    def __init__(self, port: int, address: str) -> None:
        self.port = port
        self.address = address
        self.cookies: dict[str, str] = {}
        self.token = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        """(status, Location, body); remembers cookies and the page's CSRF token."""
        headers = {"X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        body = None
        if form is not None:
            body = urlencode({**form, "csrf_token": self.token})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            key, _, cookie = value.split(";", 1)[0].partition("=")
            if "Max-Age=0" in value or "expires=Thu, 01 Jan 1970" in value:
                self.cookies.pop(key, None)
            else:
                self.cookies[key] = cookie
        if match := TOKEN.search(text):
            self.token = match.group(1)
        return response.status, response.headers.get("Location", ""), text

    def cookie_header(self) -> str:
        return "; ".join(f"{key}={value}" for key, value in self.cookies.items())

    def log_in(self, email: str) -> None:
        self.request("GET", "/connexion")
        status, location, _ = self.request(
            "POST", "/connexion", {"email": email, "password": LEARNER_PASSWORD}
        )
        if location.endswith("/connexion/code"):
            import pyotp

            self.request("GET", "/connexion/code")
            code = pyotp.TOTP(MONITOR_TOTP_SECRET).now()
            status, location, _ = self.request("POST", "/connexion/code", {"code": code})
        if status != 302:
            raise SystemExit(f"the log-in of {email} answered HTTP {status}")

    def enrol(self, slug: str) -> str:
        """Enrol in `slug`; returns the course page, which links every step."""
        self.request("GET", f"/formations/{slug}/")
        status, _, _ = self.request("POST", f"/formations/{slug}/inscription", {})
        if status != 302:
            raise SystemExit(f"enrolling in {slug} answered HTTP {status}")
        status, _, page = self.request("GET", f"/formations/{slug}/")
        return page

    def as_lua(self) -> str:
        return (
            f"{{cookie = {lua_string(self.cookie_header())}, token = {lua_string(self.token)}, "
            f"address = {lua_string(self.address)}}}"
        )


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def address(number: int) -> str:
    return f"172.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


def learners_logged_in(port: int, first: int, count: int, slug: str) -> tuple[list[Visitor], str]:
    """`count` learners from number `first`, logged in and enrolled in `slug`; and the course
    page one of them saw."""
    visitors, page = [], ""
    for number in range(first, first + count):
        visitor = Visitor(port, address(number))
        visitor.log_in(LEARNER_EMAIL.format(number))
        page = visitor.enrol(slug)
        visitors.append(visitor)
    return visitors, page


def wrong_answers(url) -> str:
    """One wrong choice per question of the bench course's quiz, as a form's fields."""
    import psycopg

    libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq) as connection:
        rows = connection.execute(
            """
            SELECT q.id, min(c.id) FROM quiz_questions q
            JOIN quiz_choices c ON c.question_id = q.id AND NOT c.is_correct
            JOIN course_steps s ON s.id = q.step_id
            JOIN course_versions v ON v.id = s.version_id
            JOIN courses ON courses.id = v.course_id
            WHERE courses.slug = %s AND s.key = %s
            GROUP BY q.id
            """,
            (QUIZ_COURSE, QUIZ_STEP),
        ).fetchall()
    if not rows:
        raise SystemExit(f"no question in {QUIZ_COURSE}/{QUIZ_STEP}")
    return "".join(f"&q{question}={choice}" for question, choice in rows)


def import_quiz_course(env: dict, folder: Path) -> None:
    """A copy of the common core, under its own slug, whose quizzes allow unlimited attempts."""
    copy = folder / QUIZ_COURSE
    shutil.copytree(ROOT / "courses" / COURSE, copy)
    course = copy / "course.md"
    course.write_text(
        course.read_text().replace(f"slug: {COURSE}", f"slug: {QUIZ_COURSE}", 1), "utf-8"
    )
    for quiz in copy.glob("*/*.md"):
        text = quiz.read_text("utf-8")
        quiz.write_text(re.sub(r"(?m)^max_attempts: .*\n", "", text), "utf-8")
    flask_command(env, "courses", "import", "--accept-review-notes", str(copy))


def open_model(visitors: list[Visitor], pages: list[str], duration: float) -> dict:
    """Each visitor opens a page every OPEN_PAUSE_MS, from a random moment of the first pause
    on: the pages are asked at fixed times whatever the server's pace (an open model). Each
    latency runs from the time the page was due, so that waiting for the server counts.

    Not wrk: a wrk connection waiting out its pause holds a sync worker of gunicorn on an idle
    socket, which no browser does behind a load balancer that forwards whole requests."""
    import random
    from concurrent.futures import ThreadPoolExecutor

    pause = OPEN_PAUSE_MS / 1000
    rng = random.Random(7)
    began = time.monotonic() + 1
    due = sorted(
        (began + rng.uniform(0, pause) + k * pause, number)
        for number in range(len(visitors))
        for k in range(int(duration / pause))
    )
    latencies: list[float] = []
    failures: list[int] = []

    def fetch(at: float, number: int) -> None:
        visitor = visitors[number]
        path = pages[(number + int((at - began) / pause)) % len(pages)]
        try:
            status, _, _ = visitor.request("GET", path)
        except OSError:
            status = 0
        if not 200 <= status < 400:
            failures.append(status)
        latencies.append(time.monotonic() - at)

    with ThreadPoolExecutor(max_workers=128) as pool:
        for at, number in due:
            time.sleep(max(0.0, at - time.monotonic()))
            pool.submit(fetch, at, number)
    seconds = due[-1][0] - began
    latencies.sort()

    def percentile(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000

    return {
        "requests": len(latencies),
        "rps": len(latencies) / seconds,
        "cycles_per_s": 0,
        "cycle_failures": 0,
        "errors": len(failures),
        "p50": percentile(0.50),
        "p95": percentile(0.95),
        "p99": percentile(0.99),
        "seconds": seconds,
    }


# --- wrk ----------------------------------------------------------------------------------------


def run_wrk(url: str, params: dict, connections: int, duration: float, folder: Path) -> dict:
    """One wrk run of bench/load.lua with these parameters: its figures."""
    script = folder / f"params-{params['phase']}.lua"
    script.write_text("return " + lua_table(params), "utf-8")
    result = subprocess.run(
        [
            "wrk",
            f"--threads={connections}",
            f"--connections={connections}",
            f"--duration={max(1, round(duration))}s",
            "--timeout=10s",
            f"--script={ROOT / 'bench' / 'load.lua'}",
            url,
        ],
        env={**os.environ, "BENCH_PARAMS": str(script)},
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("WRK-RESULT ")), None)
    if result.returncode or line is None:
        raise SystemExit(f"wrk failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    figures = json.loads(line.removeprefix("WRK-RESULT "))
    seconds = figures["duration_us"] / 1e6
    return {
        "requests": figures["requests"],
        "rps": figures["requests"] / seconds,
        "cycles_per_s": figures["cycles"] / seconds,
        "cycle_failures": figures["cycle_failures"],
        "errors": figures["status_errors"] + figures["socket_errors"],
        "p50": figures["p50_us"] / 1000,
        "p95": figures["p95_us"] / 1000,
        "p99": figures["p99_us"] / 1000,
        "seconds": seconds,
    }


def lua_table(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {lua_table(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "{" + ", ".join(lua_table(v) for v in value) + "}"
    if isinstance(value, Visitor):
        return value.as_lua()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return lua_string(str(value))


def run_phases(arguments, phases, port, hello_port, code, url, folder: Path) -> dict:
    """Log the virtual users in, then run wrk phase after phase (a short unmeasured warm-up
    first); returns the figures by phase."""
    app_url, hello_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{hello_port}"
    users = arguments.users
    print(f"logging in {users} learners (and {users} more for quizzes)…")
    learners, course_page = learners_logged_in(port, 1, users, COURSE)
    quiz_takers, _ = learners_logged_in(port, users + 1, users, QUIZ_COURSE)
    steps = re.findall(rf'href="(/formations/{COURSE}/[0-9a-z-]+/[0-9a-z-]+)"', course_page)
    lessons = [step for step in steps if "quiz" not in step and "mise-en-situation" not in step]
    anonymous = []
    for number in range(users):
        visitor = Visitor(port, address(200_000 + number))
        visitor.request("GET", "/connexion")  # a form's CSRF token, for the log-in phase
        anonymous.append(visitor)
    monitors = []
    if "monitor" in phases:
        for number in range(1, users + 1):
            monitor = Visitor(port, address(300_000 + number))
            monitor.log_in(MONITOR_EMAIL.format(number))
            monitors.append(monitor)
    base = {
        "course": f"/formations/{COURSE}/",
        "lessons": lessons,
        "quiz": f"/formations/{QUIZ_COURSE}/{QUIZ_STEP}",
        "wrong_answers": wrong_answers(url),
        "verify": f"/verifier/{code}",
        "learners": arguments.learners,
        "learner_email": LEARNER_EMAIL.replace("@", "%40"),
        "password": LEARNER_PASSWORD,
        "mix": [task for task, weight in MIX.items() for _ in range(weight)],
    }
    # Anonymous pages: visitors without any cookie, each from its own address.
    strangers = [Visitor(port, address(400_000 + number)) for number in range(users)]
    who = {
        **dict.fromkeys(("hello", "home", "catalogue", "verify"), strangers),
        "login": anonymous,
        "monitor": monitors,
        "quiz": quiz_takers,
    }
    results = {}
    for phase in phases:
        if phase == "open":
            continue
        params = {**base, "phase": phase, "users": who.get(phase, learners)}
        target = hello_url if phase == "hello" else app_url
        duration = arguments.mix_duration if phase == "mix" else arguments.duration
        run_wrk(target, params, users, 2, folder)  # warm-up
        results[phase] = run_wrk(target, params, users, duration, folder)
        row = results[phase]
        print(f"  {phase}: {row['rps']:.0f} req/s, {row['errors']} errors", flush=True)
    if "open" in phases:
        count = arguments.open_users
        print(f"logging in {count} learners for the open model…")
        open_users, _ = learners_logged_in(port, 2 * users + 1, count, COURSE)
        pages = [f"/formations/{COURSE}/", "/mon-parcours", *lessons]
        results["open"] = open_model(open_users, pages, arguments.open_duration)
    return results


# --- the run ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20, help="seconds measured per page")
    parser.add_argument("--users", type=int, default=16, help="concurrent users per page")
    parser.add_argument("--mix-duration", type=float, default=30)
    parser.add_argument("--open-users", type=int, default=500)
    parser.add_argument("--open-duration", type=float, default=60)
    parser.add_argument("--learners", type=int, default=3000)
    parser.add_argument(
        "--phases",
        default=",".join([name for name, _ in PAGES] + ["mix", "open"]),
        help="comma-separated subset (hello is always run)",
    )
    parser.add_argument("--profile", metavar="FOLDER", help="py-spy recordings of the workers")
    parser.add_argument("--keep", action="store_true", help="keep the database and Redis data")
    parser.add_argument("--save", metavar="FILE", help="write the figures as JSON")
    parser.add_argument("--report", metavar="FILE", help="print the table of a --save file")
    arguments = parser.parse_args()
    if arguments.report:
        saved = json.loads(Path(arguments.report).read_text())
        report(arguments, saved["results"], saved["memory"], saved["hello_memory"])
        return 0
    sys.stdout.reconfigure(line_buffering=True)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: `make bench-load` installs Debian's package.")
    phases = [p.strip() for p in arguments.phases.split(",") if p.strip()]
    if "hello" not in phases:
        phases.insert(0, "hello")

    server = server_url()
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    began = time.monotonic()
    url = create_database(server)
    flush_redis(redis_url)
    servers: list[subprocess.Popen] = []
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, {machine_memory()}")
    print(f"database {url.database}, Redis {redis_url}")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
            folder = Path(folder)
            key = folder / "certificate-signing-key.pem"
            port, hello_port = free_port(), free_port()
            base = {
                **os.environ,
                "DATABASE_URL": url.render_as_string(hide_password=False),
                "REDIS_URL": redis_url,
                "RATELIMIT_KEY_PREFIX": "bench-load",
                "CERTIFICATE_SIGNING_KEY_PATH": str(key),
                "SITE_URL": f"http://127.0.0.1:{port}",
                "MAIL_PORT": "9",  # nothing is sent during the run
            }
            setup = {**base, "APP_ENV": "development", "FLASK_DEBUG": "0"}
            flask_command(setup, "certificates", "keygen", "--out", str(key))
            flask_command(setup, "db", "upgrade")
            flask_command(setup, "demo")
            import_quiz_course(setup, folder)
            insert_learners(url, arguments.learners)
            production_key = secrets.token_hex(32)
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    CREATE_MONITORS,
                    str(arguments.users),
                    MONITOR_EMAIL,
                    LEARNER_PASSWORD,
                    MONITOR_TOTP_SECRET,
                ],
                cwd=ROOT,
                env={**setup, "SECRET_KEY": production_key},
                check=True,
            )
            code = some_certificate_code(url)
            print(
                f"migrated, demo loaded, {arguments.learners} learners inserted "
                f"in {time.monotonic() - began:.0f} s"
            )
            production = {
                **base,
                "APP_ENV": "production",
                "SECRET_KEY": production_key,
                "PROXY_COUNT": "1",
            }
            log = folder / "gunicorn.log"
            app = start_gunicorn("wsgi:app", port, production, log)
            servers.append(app)
            hello = start_gunicorn("bench.load:hello_app()", hello_port, production, log)
            servers.append(hello)
            with profiling(arguments.profile, app.pid):
                results = run_phases(arguments, phases, port, hello_port, code, url, folder)
            memory = [memory_of(pid) for pid in worker_pids(app.pid)]
            hello_memory = [memory_of(pid) for pid in worker_pids(hello.pid)]
            for process in servers:
                stop(process)
            problems = [line for line in log.read_text().splitlines() if "Traceback" in line]
            report(arguments, results, memory, hello_memory)
            if arguments.save:
                Path(arguments.save).write_text(
                    json.dumps({"results": results, "memory": memory, "hello_memory": hello_memory})
                )
            if problems:
                print(f"\n{len(problems)} tracebacks in the server log:", file=sys.stderr)
                print(log.read_text()[-4000:], file=sys.stderr)
    finally:
        for process in servers:
            stop(process)
        if arguments.keep:
            print(f"kept: {url.database}, Redis {redis_url}")
        else:
            drop_database(server, url.database)
            flush_redis(redis_url)
            print(f"dropped {url.database}, flushed Redis {redis_url}")
    print(f"total {time.monotonic() - began:.0f} s")
    return 0


def machine_memory() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) // 1024} MiB RAM"
    return ""


@contextmanager
def profiling(folder: str | None, master: int):
    """With a folder: py-spy records each worker of `master` while the block runs."""
    profilers: list[subprocess.Popen] = []
    if folder:
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        for pid in worker_pids(master):
            profilers.append(
                subprocess.Popen(
                    [str(BIN / "py-spy"), "record", "--pid", str(pid), "--rate", "200",
                     "--format", "speedscope",
                     "--output", str(target / f"worker-{pid}.speedscope.json")],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )  # fmt: skip
    try:
        yield
    finally:
        for profiler in profilers:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(60)


def report(arguments, results: dict, memory, hello_memory) -> None:
    baseline = results["hello"]["rps"]
    print(
        f"\nclosed model: {arguments.users} users per page without think time (wrk, one "
        f"connection each), {arguments.duration:.0f} s each; gunicorn {WORKERS} sync workers "
        "for both apps"
    )
    header = (
        f"{'page':<44} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'errors':>11} "
        f"{'ratio':>6}  goal"
    )
    print(header)
    print("-" * len(header))
    for phase, label in (*PAGES, ("mix", "realistic mix (weights: MIX)")):
        row = results.get(phase)
        if row is None:
            continue
        # A quiz is three requests: its rate is that of the cycles completed.
        rate = row["cycles_per_s"] if phase == "quiz" else row["rps"]
        errors = row["errors"] + row["cycle_failures"]
        ratio = rate / baseline
        goal = GOALS.get(phase)
        verdict = ""
        if goal is not None:
            verdict = f"≥ {goal:.2f} " + ("met" if ratio >= goal and not errors else "NOT met")
        print(
            f"{label:<44} {rate:7.0f} {row['p50']:6.1f} {row['p95']:6.1f} {row['p99']:6.1f} "
            f"{errors:>5}/{row['requests']:<5} {ratio:6.3f}  {verdict}"
        )
    print("req/s: requests per second (quiz: cycles per second); p50/p95/p99 in ms, per request")
    if "open" in results:
        row = results["open"]
        print(
            f"\nopen model: {arguments.open_users} learners, each opening a learner page (course "
            f"page, « Mon parcours », lessons in turn) every {OPEN_PAUSE_MS / 1000:.0f} s, "
            f"{arguments.open_duration:.0f} s: {row['rps']:.1f} req/s, p50 {row['p50']:.1f}, "
            f"p95 {row['p95']:.1f}, p99 {row['p99']:.1f} ms, errors {row['errors']}/"
            f"{row['requests']} (goal p95 < 100 ms: "
            f"{'met' if row['p95'] < 100 and not row['errors'] else 'NOT met'})"
        )
    for name, measured in (("application", memory), ("hello", hello_memory)):
        figures = ", ".join(f"{rss:.0f} MiB (peak {peak:.0f})" for rss, peak in measured)
        print(f"RSS per worker, {name}: {figures}")
    if memory:
        peak = max(p for _, p in memory)
        print(f"  goal < 150 MiB per worker: {'met' if peak < 150 else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
