"""What each learner page costs in the process: milliseconds and SQL queries, no server, no network.

    .venv/bin/python bench/pages.py [--requests 150] [--rounds 4] [--profile FOLDER]

The Flask test client asks each page of the demo, with the production settings, on a fresh
PostgreSQL database (created from BENCH_DATABASE_URL, else TEST_DATABASE_URL, else
postgres@127.0.0.1:5432, loaded with `flask demo`, dropped at the end): the time counts the
session, access control, every query and the template, not gunicorn nor the network. Besides
the pages: « J'ai terminé cette étape » (a POST, on a step done already), and a quiz taken
whole (start, questions, wrong answers submitted: three requests) on load.py's copy of the
common core, whose quizzes allow unlimited attempts. Rounds alternate the pages, so that a
moment when the shared machine is busy weighs on all of them: the best round's median is the
figure to compare, and beside it the processor time this process spent per request in its best
round (time.process_time: the Python side alone, far less disturbed than wall time when the
machine is busy). To compare two versions of the code, run the script in each checkout, one
after the other, several times. --profile writes one pyinstrument report per page (the `bench`
extra). Figures and method: docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load import (  # noqa: E402
    QUIZ_COURSE,
    QUIZ_STEP,
    ROOT,
    create_database,
    drop_database,
    flask_command,
    import_quiz_course,
    server_url,
)

LEARNER = "apprenant@demo.example.org"
PASSWORD = "demonstration-traite-2026"  # noqa: S105
COURSE = "socle-commun"
BASE_URL = "https://127.0.0.1"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=150, help="requests per page and round")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--profile", metavar="FOLDER", help="a pyinstrument report per page")
    arguments = parser.parse_args()
    server = server_url()
    url = create_database(server)
    try:
        with tempfile.TemporaryDirectory(prefix="bench-pages-") as folder:
            key = Path(folder) / "certificate-signing-key.pem"
            environment = {
                "DATABASE_URL": url.render_as_string(hide_password=False),
                "CERTIFICATE_SIGNING_KEY_PATH": str(key),
                "SITE_URL": BASE_URL,
            }
            setup = {**os.environ, **environment, "APP_ENV": "development"}
            flask_command(setup, "certificates", "keygen", "--out", str(key))
            flask_command(setup, "db", "upgrade")
            flask_command(setup, "demo")
            import_quiz_course(setup, Path(folder))
            os.environ.update(environment, APP_ENV="production", SECRET_KEY=secrets.token_hex(32))
            measure(arguments)
    finally:
        drop_database(server, url.database)
    return 0


def measure(arguments) -> None:
    import logging

    import sqlalchemy as sa

    from training import create_app
    from training.extensions import db

    os.chdir(ROOT)
    from config import config_from_environment

    config = config_from_environment()
    config.RATELIMIT_ENABLED = False  # one address asks thousands of pages
    config.WTF_CSRF_SSL_STRICT = False  # the test client sends no Referer
    app = create_app(config)
    logging.disable(logging.INFO)
    learner = app.test_client()
    token = csrf_token(learner.get("/connexion", base_url=BASE_URL).text)
    answer = learner.post(
        "/connexion",
        data={"email": LEARNER, "password": PASSWORD, "csrf_token": token},
        base_url=BASE_URL,
    )
    if answer.status_code != 302:
        raise SystemExit(f"the demo learner's log-in answered HTTP {answer.status_code}")
    course = learner.get(f"/formations/{COURSE}/", base_url=BASE_URL).text
    lesson = re.findall(rf'href="(/formations/{COURSE}/[0-9a-z-]+/[0-9a-z-]+)"', course)[0]
    visitor = app.test_client()
    quiz = f"/formations/{QUIZ_COURSE}/{QUIZ_STEP}"
    token = csrf_token(learner.get(f"/formations/{QUIZ_COURSE}/", base_url=BASE_URL).text)
    enrol = f"/formations/{QUIZ_COURSE}/inscription"
    expect(learner.post(enrol, data={"csrf_token": token}, base_url=BASE_URL), 302)
    learner.post(f"{lesson}/terminer", data={"csrf_token": token}, base_url=BASE_URL)
    pages = {
        "home (anonymous)": (visitor, "/"),
        "catalogue (anonymous)": (visitor, "/formations"),
        "course page": (learner, f"/formations/{COURSE}/"),
        "lesson": (learner, lesson),
        "« Mon parcours »": (learner, "/mon-parcours"),
        "mark done (POST)": (learner, ("done", f"{lesson}/terminer", token)),
        "quiz (3 requests)": (learner, ("quiz", quiz, token)),
    }
    queries: list[str] = []
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: queries.append(a[2]))

    def ask(client, path) -> None:
        if isinstance(path, tuple):
            act(client, *path)
        else:
            expect(client.get(path, base_url=BASE_URL), 200)

    def act(client, action: str, path: str, token: str) -> None:
        if action == "done":
            expect(client.post(path, data={"csrf_token": token}, base_url=BASE_URL), 302)
            return
        start = client.post(f"{path}/tentative", data={"csrf_token": token}, base_url=BASE_URL)
        attempt = expect(start, 302).headers["Location"]
        questions = expect(client.get(attempt, base_url=BASE_URL), 200).text
        wrong = {"csrf_token": token}
        for name, value in re.findall(r'name="(q\d+)"[^>]*value="(\d+)"', questions):
            wrong.setdefault(name, value)  # the first choice of each, right or wrong
        expect(client.post(attempt, data=wrong, base_url=BASE_URL), 302)

    counts = {}
    for name, (client, path) in pages.items():
        for _ in range(10):  # warm-up: caches of the process, compiled queries
            ask(client, path)
        queries.clear()
        ask(client, path)
        counts[name] = len(queries)
    medians: dict[str, list[float]] = {name: [] for name in pages}
    processor: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(arguments.rounds):
        for name, (client, path) in pages.items():
            times = []
            began_processor = time.process_time()
            for _ in range(arguments.requests):
                began = time.perf_counter()
                ask(client, path)
                times.append(time.perf_counter() - began)
            used = time.process_time() - began_processor
            medians[name].append(statistics.median(times) * 1000)
            processor[name].append(used / arguments.requests * 1000)
    print(
        f"{'page':<24} {'queries':>7} {'best median':>12} {'best CPU':>9}"
        "  medians of each round (ms)"
    )
    for name in pages:
        rounds = " ".join(f"{m:.2f}" for m in medians[name])
        print(
            f"{name:<24} {counts[name]:>7} {min(medians[name]):>9.2f} ms"
            f" {min(processor[name]):>6.2f} ms  {rounds}"
        )
    if arguments.profile:
        profile(pages, ask, arguments)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html).group(1)


def expect(response, status: int):
    if response.status_code != status:
        raise SystemExit(f"{response.request.path} answered HTTP {response.status_code}")
    return response


def profile(pages: dict, ask, arguments) -> None:
    from pyinstrument import Profiler

    folder = Path(arguments.profile)
    folder.mkdir(parents=True, exist_ok=True)
    for name, (client, path) in pages.items():
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(arguments.requests):
            ask(client, path)
        profiler.stop()
        report = folder / (re.sub(r"[^a-z]+", "-", name.lower()).strip("-") + ".txt")
        report.write_text(profiler.output_text(color=False), "utf-8")
    print(f"profiles in {folder}")


if __name__ == "__main__":
    sys.exit(main())
