"""How many requests the platform serves under gunicorn, page by page, against bare Flask.

    .venv/bin/python bench/load.py [--duration 20] [--users 16] [--open-users 500]
    make bench-load

Needs the `bench` extra (`pip install -e ".[bench]"`: Locust and py-spy), PostgreSQL
(BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres@127.0.0.1:5432, a role that may
create databases) and Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/13: that database
number is flushed before and after the run).

The script creates a fresh database (training_load_<random>), migrates it, loads the demo
(`flask db upgrade`, `flask demo`: the real catalogue of courses/, the demo accounts, a real
certificate), inserts --learners synthetic learners in one statement (one password hash,
computed once) and one monitor account per virtual user (with its second factor, whose codes
the load tool computes), then starts two servers with the same gunicorn settings (2 sync
workers):

- the application, with the production settings (APP_ENV=production, a generated key,
  Secure `__Host-` session cookies, rate limits in Redis, PROXY_COUNT=1 as behind a load
  balancer: each virtual user sends its own X-Forwarded-For address, as real visitors have
  theirs; the load tool sends the session cookie back itself, as a browser does over the
  HTTPS that the load balancer would terminate);
- a bare Flask « hello » app (one route returning a short string).

A second process (Locust, headless, FastHttpUser) then drives, phase after phase, --users
virtual users each logged in as its own learner, with no think time (closed model): one page
per phase, so that each page's requests per second can be compared with bare Flask's. Then a
realistic mix of all of them, then the open model: --open-users learners each opening a
learner page every 5 seconds. Memory (RSS) of each application worker is read from /proc.
The database is dropped and the Redis database flushed at the end, unless --keep.

--profile FOLDER records, with py-spy, each application worker during the whole run (one
speedscope file per worker). --save FILE keeps the figures as JSON; --report FILE prints
their table again.
Figures and method: docs/performance.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

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
    ("login", "log-in (GET form + POST /connexion)"),
    ("course", "course page, learner"),
    ("lesson", "lesson page, learner"),
    ("dashboard", "« Mon parcours », learner"),
    ("mark_done", "« J'ai terminé cette étape » (POST)"),
    ("quiz", "quiz: start, questions, submit"),
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
    "quiz": 1,
    "verify": 1,
}


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


# --- the driver: a second process, where Locust runs ------------------------------------------


def drive(spec_path: str) -> None:
    """Run every phase of the spec (JSON) with Locust; write the figures next to it."""
    import gevent
    import pyotp
    from locust import FastHttpUser, constant_pacing
    from locust.env import Environment

    spec = json.loads(Path(spec_path).read_text())
    counter = iter(range(1, 10**9))
    token_pattern = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
    step_pattern = re.compile(rf'href="(/formations/{COURSE}/[0-9a-z-]+/[0-9a-z-]+)"')

    class Visitor(FastHttpUser):
        """A browser: its own cookie and address; logged in as its own learner when needed."""

        abstract = True
        host = spec["app"]
        phase = ""

        def on_start(self) -> None:
            self.cookies: dict[str, str] = {}
            self.address = self.new_address()
            try:
                if self.phase == "monitor":
                    self.log_in(MONITOR_EMAIL.format(next(monitors)))
                elif self.phase not in {"hello", "home", "catalogue", "login", "verify"}:
                    for attempt in range(3):
                        try:
                            self.log_in(self.next_learner())
                            break
                        except Exception:  # a refused or timed-out log-in: another learner
                            if attempt == 2:
                                raise
            finally:
                ready.append(self)

        @staticmethod
        def new_address() -> str:
            number = next(counter)
            return f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"

        def next_learner(self) -> str:
            return LEARNER_EMAIL.format(next(learners))

        def request(self, method: str, path: str, name: str, **kwargs):
            headers = {"X-Forwarded-For": kwargs.pop("address", self.address)}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            with self.client.request(
                method,
                path,
                name=name,
                headers=headers,
                allow_redirects=False,
                catch_response=True,
                **kwargs,
            ) as response:
                status = response.status_code
                if status >= 400 or status == 0:
                    response.failure(f"HTTP {status}")
                else:
                    response.success()
                # No headers: the connection failed (counted as a failure above).
                for value in (response.headers and response.headers.get_all("Set-Cookie")) or []:
                    pair = value.split(";", 1)[0]
                    key, _, cookie = pair.partition("=")
                    if "Max-Age=0" in value or "expires=Thu, 01 Jan 1970" in value:
                        self.cookies.pop(key, None)
                    else:
                        self.cookies[key] = cookie
                return response

        def token(self, html: str) -> str:
            match = token_pattern.search(html)
            if match is None:
                raise RuntimeError("no CSRF token on the page")
            return match.group(1)

        def log_in(self, email: str) -> None:
            self.cookies = {}
            form = self.request("GET", "/connexion", "GET /connexion")
            answer = self.request(
                "POST",
                "/connexion",
                "POST /connexion",
                data={
                    "email": email,
                    "password": LEARNER_PASSWORD,
                    "csrf_token": self.token(form.text),
                },
            )
            if answer.headers.get("Location", "").endswith("/connexion/code"):
                form = self.request("GET", "/connexion/code", "GET /connexion/code")
                answer = self.request(
                    "POST",
                    "/connexion/code",
                    "POST /connexion/code",
                    data={
                        "code": pyotp.TOTP(MONITOR_TOTP_SECRET).now(),
                        "csrf_token": self.token(form.text),
                    },
                )
            if answer.status_code != 302:
                raise RuntimeError(f"log-in of {email} answered HTTP {answer.status_code}")
            if not email.startswith("suivi-"):
                page = self.request("GET", f"/formations/{COURSE}/", "GET course page")
                self.csrf = self.token(page.text)
                self.request(
                    "POST",
                    f"/formations/{COURSE}/inscription",
                    "POST enrol",
                    data={"csrf_token": self.csrf},
                )
                page = self.request("GET", f"/formations/{COURSE}/", "GET course page")
                self.steps = step_pattern.findall(page.text)
                self.lessons = [s for s in self.steps if "quiz" not in s]
                self.quizzes = [s for s in self.steps if "quiz" in s]
                self.position = 0

        # --- the pages, one method each -------------------------------------------------------

        def hello(self) -> None:
            self.request("GET", "/", "GET / (hello)")

        def home(self) -> None:
            self.request("GET", "/", "GET /")

        def catalogue(self) -> None:
            self.request("GET", "/formations", "GET /formations")

        def login(self) -> None:
            self.address = self.new_address()
            self.cookies = {}
            form = self.request("GET", "/connexion", "GET /connexion")
            email = self.next_learner()
            self.request(
                "POST",
                "/connexion",
                "POST /connexion",
                data={
                    "email": email,
                    "password": LEARNER_PASSWORD,
                    "csrf_token": self.token(form.text),
                },
            )

        def course(self) -> None:
            self.request("GET", f"/formations/{COURSE}/", "GET course page")

        def lesson(self) -> None:
            self.position += 1
            path = self.lessons[self.position % len(self.lessons)]
            self.request("GET", path, "GET lesson page")

        def dashboard(self) -> None:
            self.request("GET", "/mon-parcours", "GET /mon-parcours")

        def mark_done(self) -> None:
            self.position += 1
            path = self.lessons[self.position % len(self.lessons)]
            self.request(
                "POST", f"{path}/terminer", "POST mark done", data={"csrf_token": self.csrf}
            )

        def quiz(self) -> None:
            for _ in range(2):
                quiz = self.quizzes[self.position % len(self.quizzes)]
                started = self.request(
                    "POST",
                    f"{quiz}/tentative",
                    "POST start attempt",
                    data={"csrf_token": self.csrf},
                )
                location = started.headers.get("Location", "")
                if started.status_code == 302 and "/tentatives/" in location:
                    break
                # Passed, or no attempt left: the next quiz, then the next learner.
                self.position += 1
                if self.position % len(self.quizzes) == 0:
                    self.log_in(self.next_learner())
            else:
                return
            path = "/tentatives/" + location.rsplit("/tentatives/", 1)[1]
            page = self.request("GET", path, "GET attempt page")
            answers: dict[str, str] = {}
            for question, choice in re.findall(r'name="(q\d+)" value="(\d+)"', page.text):
                answers.setdefault(question, choice)
            self.request(
                "POST",
                path,
                "POST submit attempt",
                data={"csrf_token": self.token(page.text), **answers},
            )

        def verify(self) -> None:
            # Each check comes from its own visitor (someone scanning one QR code).
            self.request(
                "GET",
                f"/verifier/{spec['code']}",
                "GET /verifier/<code>",
                address=self.new_address(),
            )

        def monitor(self) -> None:
            self.request("GET", "/suivi", "GET /suivi")

        def open_page(self) -> None:
            choice = next(counter) % 3
            if choice == 0:
                self.lesson()
            elif choice == 1:
                self.course()
            else:
                self.dashboard()

    learners = iter(range(1, spec["learners"] + 1))

    monitors = iter(range(1, spec["monitors"] + 1))

    def user_class(phase: str, weights: dict[str, int] | None = None, pacing: float = 0):
        if weights:
            tasks = {getattr(Visitor, name): weight for name, weight in weights.items()}
        else:
            tasks = [getattr(Visitor, "open_page" if phase == "open" else phase)]
        attributes = {"phase": phase, "tasks": tasks, "abstract": False}
        if phase == "hello":
            attributes["host"] = spec["hello"]
        if pacing:
            attributes["wait_time"] = constant_pacing(pacing)
        return type(f"Visitor_{phase}", (Visitor,), attributes)

    ready: list = []
    results = {}

    def run(phase: str, cls, users: int, spawn_rate: float, duration: float) -> None:
        ready.clear()
        environment = Environment(user_classes=[cls], host=cls.host)
        runner = environment.create_local_runner()
        began = time.monotonic()
        runner.start(users, spawn_rate=spawn_rate)
        while len(ready) < users and time.monotonic() - began < 240:
            gevent.sleep(0.2)
        gevent.sleep(1)  # a warm-up, not counted
        setup = time.monotonic() - began
        environment.stats.reset_all()
        measuring = time.monotonic()
        gevent.sleep(duration)
        elapsed = time.monotonic() - measuring
        rows = {}
        for (name, method), entry in environment.stats.entries.items():
            if not entry.num_requests:
                continue
            rows[name] = {
                "method": method,
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "rps": entry.num_requests / elapsed,
                "p50": entry.get_response_time_percentile(0.5),
                "p95": entry.get_response_time_percentile(0.95),
                "p99": entry.get_response_time_percentile(0.99),
            }
        errors = [
            f"{error.method} {error.name}: {error.error} ×{error.occurrences}"
            for error in environment.stats.errors.values()
        ]
        runner.quit()
        results[phase] = {"elapsed": elapsed, "setup": setup, "rows": rows, "errors": errors}
        Path(spec["out"]).write_text(json.dumps(results))
        print(f"  {phase}: measured {elapsed:.0f} s (set-up {setup:.0f} s)", flush=True)

    for phase in spec["phases"]:
        if phase == "mix":
            run(phase, user_class("mix", MIX), spec["users"], spec["users"], spec["mix_duration"])
        elif phase == "open":
            cls = user_class("open", pacing=5)
            # Ten log-ins a second: 500 learners take a minute to arrive, not measured.
            run(phase, cls, spec["open_users"], 10, spec["open_duration"])
        else:
            run(phase, user_class(phase), spec["users"], spec["users"], spec["duration"])


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
    parser.add_argument("--drive", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.drive:
        drive(arguments.drive)
        return 0
    if arguments.report:
        saved = json.loads(Path(arguments.report).read_text())
        report(arguments, saved["results"], saved["memory"], saved["hello_memory"])
        return 0
    sys.stdout.reconfigure(line_buffering=True)
    # Only looked for: importing Locust would patch this process with gevent.
    if importlib.util.find_spec("locust") is None:
        raise SystemExit('Locust is missing: .venv/bin/pip install -e ".[bench]"')
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
            results = run_driver(arguments, phases, port, hello_port, code, folder, app.pid)
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


def run_driver(arguments, phases, port, hello_port, code, folder: Path, master: int) -> dict:
    out = folder / "results.json"
    spec = {
        "app": f"http://127.0.0.1:{port}",
        "hello": f"http://127.0.0.1:{hello_port}",
        "code": code,
        "learners": arguments.learners,
        "monitors": arguments.users,
        "users": arguments.users,
        "duration": arguments.duration,
        "mix_duration": arguments.mix_duration,
        "open_users": arguments.open_users,
        "open_duration": arguments.open_duration,
        "phases": phases,
        "out": str(out),
    }
    (folder / "spec.json").write_text(json.dumps(spec))
    print("phases (Locust, a second process):")
    driver = subprocess.Popen(
        [sys.executable, __file__, "--drive", str(folder / "spec.json")], cwd=ROOT
    )
    profilers: list[subprocess.Popen] = []
    if arguments.profile:
        target = Path(arguments.profile)
        target.mkdir(parents=True, exist_ok=True)
        for pid in worker_pids(master):
            profilers.append(
                subprocess.Popen(
                    [
                        str(BIN / "py-spy"),
                        "record",
                        "--pid",
                        str(pid),
                        "--rate",
                        "200",
                        "--format",
                        "speedscope",
                        "--output",
                        str(target / f"worker-{pid}.speedscope.json"),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
    driver.wait()
    for profiler in profilers:
        profiler.send_signal(signal.SIGINT)
        profiler.wait(60)
    if driver.returncode:
        raise SystemExit(f"the load driver failed (exit {driver.returncode})")
    return json.loads(out.read_text())


def report(arguments, results: dict, memory, hello_memory) -> None:
    hello = results["hello"]["rows"]["GET / (hello)"]
    baseline = hello["rps"]
    print(
        f"\nclosed model: {arguments.users} users per page without think time, "
        f"{arguments.duration:.0f} s each; gunicorn {WORKERS} sync workers for both apps"
    )
    header = (
        f"{'page':<44} {'req/s':>7} {'p50':>5} {'p95':>5} {'p99':>5} {'errors':>7} "
        f"{'ratio':>6}  goal"
    )
    print(header)
    print("-" * len(header))
    labels = dict(PAGES)
    for phase, label in PAGES:
        if phase not in results:
            continue
        rows = results[phase]["rows"]
        requests = sum(row["requests"] for row in rows.values())
        failures = sum(row["failures"] for row in rows.values())
        # A phase's throughput is that of its task: the first request of each task counts.
        main_row = phase_row(phase, rows)
        if main_row is None:
            print(f"{label:<44} no request measured")
            continue
        rps = main_row["rps"]
        ratio = rps / baseline
        goal = GOALS.get(phase)
        verdict = ""
        if goal is not None:
            verdict = f"≥ {goal:.2f} " + ("met" if ratio >= goal else "NOT met")
        print(
            f"{labels[phase]:<44} {rps:7.0f} {main_row['p50']:5.0f} {main_row['p95']:5.0f} "
            f"{main_row['p99']:5.0f} {failures:>4}/{requests:<4} {ratio:6.2f}  {verdict}"
        )
        for error in results[phase]["errors"][:3]:
            print(f"    {error}")
    print("req/s: tasks per second (a log-in or a quiz is several requests); p50/p95/p99 in ms")
    for phase in ("mix", "open"):
        if phase not in results:
            continue
        rows = results[phase]["rows"]
        if phase == "mix":
            print(f"\nrealistic mix ({arguments.users} users, weights {MIX}):")
        else:
            print(
                f"\nopen model: {arguments.open_users} learners, each opening a learner page "
                f"every 5 s, {arguments.open_duration:.0f} s (goal p95 < 100 ms):"
            )
        for name, row in sorted(rows.items()):
            print(
                f"  {name:<26} {row['rps']:7.1f} req/s  p50 {row['p50']:4.0f}  "
                f"p95 {row['p95']:4.0f}  p99 {row['p99']:4.0f} ms  "
                f"errors {row['failures']}/{row['requests']}"
            )
        for error in results[phase]["errors"][:5]:
            print(f"    {error}")
    for name, measured in (("application", memory), ("hello", hello_memory)):
        figures = ", ".join(f"{rss:.0f} MiB (peak {peak:.0f})" for rss, peak in measured)
        print(f"RSS per worker, {name}: {figures}")
    if memory:
        peak = max(p for _, p in memory)
        print(f"  goal < 150 MiB per worker: {'met' if peak < 150 else 'NOT met'}")


#: The request that stands for each phase's task in the table.
PHASE_REQUEST = {
    "hello": "GET / (hello)",
    "home": "GET /",
    "catalogue": "GET /formations",
    "login": "POST /connexion",
    "course": "GET course page",
    "lesson": "GET lesson page",
    "dashboard": "GET /mon-parcours",
    "mark_done": "POST mark done",
    "quiz": "POST submit attempt",
    "verify": "GET /verifier/<code>",
    "monitor": "GET /suivi",
}


def phase_row(phase: str, rows: dict) -> dict | None:
    return rows.get(PHASE_REQUEST[phase])


if __name__ == "__main__":
    sys.exit(main())
