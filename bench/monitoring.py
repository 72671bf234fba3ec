"""How fast the monitoring dashboard answers at national scale, against a raw GROUP BY.

    .venv/bin/python bench/monitoring.py [--learners 1000000 --enrolments 3000000] [--keep]

Creates a fresh PostgreSQL database (training_bench_<random>) on the server of
BENCH_DATABASE_URL, or else TEST_DATABASE_URL, migrates it, imports the real catalogue
(courses/), then loads synthetic learners and their enrolments, progress, quiz attempts and
certificates with COPY, spread over the 24 months before today. The summary is recomputed
(`flask monitoring rebuild`, timed), then, in the same run and alternately:

- the same main figures computed from the raw rows (enrolments of the period, started,
  completed, certificates valid on its last day): national, and one territory's
  quarter;
- the full dashboard request through the app (test client logged in as a monitor): the
  national view of the last full year, and one territory's last full quarter.

Goal: the dashboard at least 20 times faster than the raw GROUP BY, and under 100 ms.
The database is dropped at the end, unless --keep; `--reuse training_bench_…` measures again
on a kept one (no load, no rebuild). Figures and method: docs/performance.md.
"""

import argparse
import logging
import os
import random
import re
import statistics
import sys
import tempfile
import time
import traceback
import uuid
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

import psycopg
import sqlalchemy as sa
from flask_migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config import TestingConfig  # noqa: E402
from training import create_app  # noqa: E402
from training.accounts import services as accounts  # noqa: E402
from training.accounts.models import Profession, Role, Territory, User  # noqa: E402
from training.certificates.codes import ALPHABET  # noqa: E402
from training.certificates.services import expiry_for  # noqa: E402
from training.certificates.signing import write_new_private_key  # noqa: E402
from training.content.models import Course, Module, Step  # noqa: E402
from training.content.services import import_courses, latest_version  # noqa: E402
from training.extensions import db  # noqa: E402
from training.monitoring import summary  # noqa: E402
from training.timeutils import PARIS, utcnow  # noqa: E402

DEFAULT_SERVER_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DAY = 86400.0
HOUR = 3600.0
MINUTE = 60.0

#: Added to the four territories the migration seeds (paris, marseille, bordeaux, autre).
EXTRA_TERRITORIES = (
    ("lyon", "Lyon"),
    ("lille", "Lille"),
    ("toulouse", "Toulouse"),
    ("nice", "Nice"),
    ("nantes", "Nantes"),
    ("strasbourg", "Strasbourg"),
    ("montpellier", "Montpellier"),
    ("rennes", "Rennes"),
    ("rouen", "Rouen"),
    ("grenoble", "Grenoble"),
    ("dijon", "Dijon"),
    ("tours", "Tours"),
    ("clermont-ferrand", "Clermont-Ferrand"),
    ("limoges", "Limoges"),
    ("metz", "Metz"),
    ("reims", "Reims"),
)
#: Learners per territory, relative (roughly the population of each area); others weigh 2.
TERRITORY_WEIGHTS = {
    "paris": 14,
    "marseille": 6,
    "lyon": 6,
    "lille": 5,
    "toulouse": 4,
    "bordeaux": 4,
    "nice": 3,
    "nantes": 3,
    "autre": 25,
}
#: Far more teachers and health workers than labour inspectors or magistrates.
PROFESSION_WEIGHTS = {
    "enseignant": 32,
    "sante": 26,
    "travail-social": 13,
    "securite": 13,
    "autre": 12,
    "magistrat": 2.5,
    "inspection-travail": 1.5,
}
#: The course written for each profession; learners take it more often than the others.
OWN_COURSE = {
    "enseignant": "enseignants",
    "sante": "sante",
    "travail-social": "travail-social",
    "securite": "forces-securite",
    "magistrat": "magistrats",
    "inspection-travail": "inspection-travail",
}
COMMON_COURSE = "socle-commun"
COMMON_WEIGHT, OWN_WEIGHT, OTHER_WEIGHT = 10.0, 8.0, 1.0

CONFIRMED_SHARE = 0.97
STARTED_SHARE = 0.75
COMPLETED_SHARE = 0.40
REVOKED_SHARE = 0.005
#: The final quiz is passed this long before the course's last step (a resources lesson).
QUIZ_BEFORE_COMPLETION = 10 * MINUTE
REVOCATION_REASON = "Attestation délivrée par erreur (données de mesure)."

FIRST_NAMES = (
    "Camille", "Dominique", "Claude", "Nguyễn Thị Ánh", "Léa", "Karim", "Inès", "Lucas",
    "Fatou", "Hugo", "Chloé", "Yanis", "Manon", "Mehdi", "Sarah", "Thomas", "Aïcha", "Louis",
    "Emma", "Nathan", "Jade", "Moussa", "Zoé", "Julien", "Élodie", "Olivier", "Sofia",
    "Bastien", "Maëlle", "Rémi", "Anaïs", "Paul",
)  # fmt: skip
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèbvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Martinez", "Diallo", "Nguyen", "Benali", "Kowalski", "Haddad",
)  # fmt: skip


def full_name(user_id: int) -> str:
    """A learner's name, derived from the id so that certificates repeat it without storing it."""
    return f"{FIRST_NAMES[user_id % len(FIRST_NAMES)]} {LAST_NAMES[user_id % len(LAST_NAMES)]}"


def certificate_code(number: int) -> str:
    """« TEH-XXXX-XXXX-XXXX »: the number in Crockford's base 32, so unique. The last character
    is not a valid check character: these certificates are never verified here."""
    body = "".join(ALPHABET[(number >> shift) & 31] for shift in range(55, -5, -5))
    return f"TEH-{body[0:4]}-{body[4:8]}-{body[8:12]}"


# --- database and application ---------------------------------------------------------------


def server_url() -> sa.URL:
    return sa.make_url(
        os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or DEFAULT_SERVER_URL
    )


def create_database(server: sa.URL) -> sa.URL:
    name = f"training_bench_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server.set(database=name)


def drop_database(server: sa.URL, name: str) -> None:
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def libpq_url(url: sa.URL) -> str:
    """The URL as psycopg takes it (without SQLAlchemy's « +psycopg »)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def build_app(url: sa.URL, key_path: Path):
    write_new_private_key(key_path)

    class BenchConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url.render_as_string(hide_password=False)
        CERTIFICATE_SIGNING_KEY_PATH = str(key_path)

    return create_app(BenchConfig)


@dataclass(frozen=True)
class CourseInfo:
    """What the generator needs of a course's latest version."""

    course_id: int
    version_id: int
    slug: str
    title: str
    number: int
    minutes: int
    validity_months: int | None
    first_step_id: int
    final_quiz_id: int
    quiz_pass_mark: int


@dataclass(frozen=True)
class Reference:
    courses: list[CourseInfo]
    #: (id, code, weight) of every profession and territory.
    professions: list[tuple[int, str, float]]
    territories: list[tuple[int, str, float]]
    issuer: str


def prepare(app) -> Reference:
    """Migrate, import the real catalogue and add territories; commits."""
    with app.app_context():
        logging.disable(logging.INFO)  # the migrations' log lines
        upgrade()
        logging.disable(logging.NOTSET)
        import_courses([ROOT / "courses"])
        position = db.session.scalar(
            sa.select(sa.func.max(Territory.position)).where(Territory.code != "autre")
        )
        for offset, (code, name) in enumerate(EXTRA_TERRITORIES, start=1):
            db.session.add(Territory(code=code, name=name, position=position + offset))
        db.session.commit()
        courses = [course_info(slug) for slug in db.session.scalars(sa.select(Course.slug))]
        professions = [
            (row.id, row.code, PROFESSION_WEIGHTS.get(row.code, 1.0))
            for row in db.session.scalars(sa.select(Profession).order_by(Profession.id))
        ]
        territories = [
            (row.id, row.code, TERRITORY_WEIGHTS.get(row.code, 2.0))
            for row in db.session.scalars(sa.select(Territory).order_by(Territory.id))
        ]
        return Reference(
            sorted(courses, key=lambda c: c.slug),
            professions,
            territories,
            app.config["CERTIFICATE_ISSUER"],
        )


def course_info(slug: str) -> CourseInfo:
    version = latest_version(slug)
    steps = db.session.scalars(
        sa.select(Step)
        .join(Module, Module.id == Step.module_id)
        .where(Step.version_id == version.id)
        .order_by(Module.position, Step.position)
    ).all()
    quiz = [step for step in steps if step.kind == "quiz"][-1]
    return CourseInfo(
        course_id=version.course_id,
        version_id=version.id,
        slug=slug,
        title=version.title,
        number=version.number,
        minutes=version.estimated_minutes,
        validity_months=version.certificate_validity_months,
        first_step_id=steps[0].id,
        final_quiz_id=quiz.id,
        quiz_pass_mark=quiz.pass_mark if quiz.pass_mark is not None else version.pass_mark,
    )


# --- synthetic raw data ---------------------------------------------------------------------


@dataclass
class Learners:
    """Per learner (index = id - 1), what the enrolments are drawn from."""

    profession: array
    territory: array
    #: Epoch seconds of e-mail confirmation; 0 for an unconfirmed account.
    confirmed: array


@dataclass
class Enrolments:
    """Per enrolment (index = id - 1), what progress, attempts and certificates follow from."""

    user: array
    course: array
    #: Epoch seconds of the first step done, and of completion; 0 when none.
    started: array
    completed: array


def stamp(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def user_rows(
    rng: random.Random, count: int, reference: Reference, start: float, now: float
) -> tuple[Learners, Iterator[tuple]]:
    learners = Learners(array("B"), array("B"), array("d"))
    professions = list(accumulate(weight for _, _, weight in reference.professions))
    territories = list(accumulate(weight for _, _, weight in reference.territories))
    profession_ids = [row[0] for row in reference.professions]
    territory_ids = [row[0] for row in reference.territories]
    span = now - start - DAY

    def rows() -> Iterator[tuple]:
        choices, uniform, expovariate, draw = rng.choices, rng.uniform, rng.expovariate, rng.random
        indexes_p = choices(range(len(profession_ids)), cum_weights=professions, k=count)
        indexes_t = choices(range(len(territory_ids)), cum_weights=territories, k=count)
        for index in range(count):
            user_id = index + 1
            # Sign-ups grow over the two years: more of them towards the end.
            created = start + span * ((index + 0.5) / count) ** 0.7 + uniform(-DAY, DAY)
            created = min(max(created, start), now - DAY)
            confirmed = 0.0
            if draw() < CONFIRMED_SHARE:
                confirmed = min(created + expovariate(1 / HOUR), now - HOUR)
            profession, territory = indexes_p[index], indexes_t[index]
            learners.profession.append(profession)
            learners.territory.append(territory)
            learners.confirmed.append(confirmed)
            when = stamp(created)
            yield (
                user_id,
                f"l{user_id}@bench.example.org",
                full_name(user_id),
                "!",  # no password hash can match: the account cannot log in
                "learner",
                profession_ids[profession],
                territory_ids[territory],
                when,
                stamp(confirmed) if confirmed else None,
                when,
            )

    return learners, rows()


def course_weights(reference: Reference) -> list[list[float]]:
    """Per profession, the inverse weight of each course (for weighted sampling)."""
    result = []
    for _, code, _ in reference.professions:
        inverse = []
        for course in reference.courses:
            if course.slug == COMMON_COURSE:
                weight = COMMON_WEIGHT
            elif course.slug == OWN_COURSE.get(code):
                weight = OWN_WEIGHT
            else:
                weight = OTHER_WEIGHT
            inverse.append(1 / weight)
        result.append(inverse)
    return result


def enrolment_rows(
    rng: random.Random, count: int, learners: Learners, reference: Reference, now: float
) -> tuple[Enrolments, Iterator[tuple]]:
    enrolments = Enrolments(array("I"), array("B"), array("d"), array("d"))
    courses = reference.courses
    inverse_weights = course_weights(reference)
    profession_ids = [row[0] for row in reference.professions]
    territory_ids = [row[0] for row in reference.territories]
    most = len(courses)
    last_moment = now - MINUTE
    completed_given_started = COMPLETED_SHARE / STARTED_SHARE

    def rows() -> Iterator[tuple]:
        draw, uniform, expovariate = rng.random, rng.uniform, rng.expovariate
        remaining = count
        eligible = sum(1 for confirmed in learners.confirmed if confirmed)
        if count > most * eligible:
            raise SystemExit(f"{count} enrolments need more than {eligible} confirmed learners.")
        enrolment_id = 0
        for index, confirmed in enumerate(learners.confirmed):
            if not confirmed:
                continue
            # As many enrolments as the remaining mean, give or take two, one at least when
            # there are enough; bounded so that the total comes out exact.
            mean = remaining / eligible
            wanted = int(mean + uniform(-2.0, 2.0) + 0.5)
            low = max(1 if mean >= 1 else 0, remaining - most * (eligible - 1))
            wanted = min(max(wanted, low), most, remaining)
            eligible -= 1
            remaining -= wanted
            if not wanted:
                continue
            profession, territory = learners.profession[index], learners.territory[index]
            inverse = inverse_weights[profession]
            # Weighted sampling without replacement (Efraimidis and Spirakis).
            keys = sorted(((draw() ** w, c) for c, w in enumerate(inverse)), reverse=True)
            moment = confirmed + expovariate(1 / (2 * DAY))
            for _, course in keys[:wanted]:
                enrolment_id += 1
                enrolled = moment if moment < last_moment else uniform(confirmed, last_moment)
                moment += expovariate(1 / (45 * DAY))
                started = completed = 0.0
                if draw() < STARTED_SHARE:
                    started = min(enrolled + expovariate(1 / (6 * HOUR)), last_moment)
                    if draw() < completed_given_started:
                        duration = min(DAY / 2 + expovariate(1 / (12 * DAY)), 150 * DAY)
                        if enrolled + duration < last_moment:
                            completed = enrolled + duration
                            started = min(started, enrolled + duration / 3)
                enrolments.user.append(index + 1)
                enrolments.course.append(course)
                enrolments.started.append(started)
                enrolments.completed.append(completed)
                info = courses[course]
                yield (
                    enrolment_id,
                    index + 1,
                    info.course_id,
                    info.version_id,
                    1,
                    profession_ids[profession],
                    territory_ids[territory],
                    stamp(enrolled),
                    stamp(completed) if completed else None,
                )

    return enrolments, rows()


def step_completion_rows(enrolments: Enrolments, reference: Reference) -> Iterator[tuple]:
    """The first step of every started enrolment, and the final quiz of completed ones."""
    first = [course.first_step_id for course in reference.courses]
    final = [course.final_quiz_id for course in reference.courses]
    row_id = 0
    for index, started in enumerate(enrolments.started):
        if not started:
            continue
        course = enrolments.course[index]
        row_id += 1
        yield row_id, index + 1, first[course], stamp(started), False
        completed = enrolments.completed[index]
        if completed and final[course] != first[course]:
            row_id += 1
            passed = max(completed - QUIZ_BEFORE_COMPLETION, started)
            yield row_id, index + 1, final[course], stamp(passed), False


def quiz_attempt_rows(
    rng: random.Random, enrolments: Enrolments, reference: Reference
) -> Iterator[tuple]:
    """One passed attempt at the final quiz per completed enrolment."""
    courses = reference.courses
    uniform, randint = rng.uniform, rng.randint
    row_id = 0
    for index, completed in enumerate(enrolments.completed):
        if not completed:
            continue
        info = courses[enrolments.course[index]]
        submitted = max(completed - QUIZ_BEFORE_COMPLETION, enrolments.started[index])
        row_id += 1
        yield (
            row_id,
            index + 1,
            info.final_quiz_id,
            1,
            info.quiz_pass_mark,
            "{}",
            stamp(submitted - uniform(4 * MINUTE, 25 * MINUTE)),
            stamp(submitted),
            "{}",
            randint(max(70, info.quiz_pass_mark), 100),
            True,
        )


def certificate_rows(
    rng: random.Random, enrolments: Enrolments, reference: Reference, now: float
) -> Iterator[tuple]:
    """The certificate of each completed enrolment, as issue_certificate writes it."""
    courses = reference.courses
    draw, uniform = rng.random, rng.uniform
    row_id = 0
    for index, completed in enumerate(enrolments.completed):
        if not completed:
            continue
        info = courses[enrolments.course[index]]
        completed_on = datetime.fromtimestamp(completed, PARIS).date()
        revoked = reason = None
        if draw() < REVOKED_SHARE:
            moment = completed + uniform(DAY, 200 * DAY)
            if moment < now:
                revoked, reason = stamp(moment), REVOCATION_REASON
        row_id += 1
        yield (
            row_id,
            certificate_code(row_id),
            index + 1,
            full_name(enrolments.user[index]),
            info.slug,
            info.title,
            info.number,
            info.minutes,
            completed_on,
            expiry_for(completed_on, info.validity_months),
            reference.issuer,
            stamp(completed),
            revoked,
            reason,
        )


COLUMNS = {
    "users": "id, email, full_name, password_hash, role, profession_id, territory_id, "
    "consented_at, email_confirmed_at, created_at",
    "enrolments": "id, user_id, course_id, version_id, cycle, profession_id, territory_id, "
    "enrolled_at, completed_at",
    "step_completions": "id, enrolment_id, step_id, completed_at, carried_over",
    "quiz_attempts": "id, enrolment_id, step_id, number, pass_mark, choice_order, started_at, "
    "submitted_at, answers, score, passed",
    "certificates": "id, code, enrolment_id, holder_name, course_slug, course_title, "
    "course_version, course_minutes, completed_on, expires_on, issuer, issued_at, revoked_at, "
    "revocation_reason",
}


def copy_rows(connection: psycopg.Connection, table: str, rows: Iterator[tuple]) -> int:
    """Stream the rows into `table` with COPY, then move its id sequence past them; commits."""
    count = 0
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(row)
                count += 1
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )
    connection.commit()
    return count


def set_aside(connection: psycopg.Connection, tables: list[str]) -> list[str]:
    """Drop the foreign keys and the plain (non-unique) indexes of `tables`; return the
    statements that put them back, as the catalogue defines them.

    As pg_restore does: loading first and then building each index in one pass, and checking
    each foreign key with one join, is many times faster than maintaining them row by row
    (each row's foreign key check also locks the row it refers to). Primary keys and unique
    constraints stay, and so do CHECK constraints: they are enforced during the COPY.
    """
    foreign_keys = connection.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])",
        [tables],
    ).fetchall()
    indexes = connection.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        [tables],
    ).fetchall()
    for table, name, _ in foreign_keys:
        connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    connection.commit()
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for table, name, definition in foreign_keys
    ]


def load(url: sa.URL, reference: Reference, learners: int, enrolments: int, seed: int) -> None:
    """Generate and COPY every table, printing the time of each; commits."""
    rng = random.Random(seed)
    now = time.time()
    start = now - 730 * DAY
    # Generators: each one runs while its table is copied, after the ones it draws from.
    people, users = user_rows(rng, learners, reference, start, now)
    progress, enrolled = enrolment_rows(rng, enrolments, people, reference, now)
    streams = {
        "users": users,
        "enrolments": enrolled,
        "step_completions": step_completion_rows(progress, reference),
        "quiz_attempts": quiz_attempt_rows(rng, progress, reference),
        "certificates": certificate_rows(rng, progress, reference, now),
    }
    with psycopg.connect(libpq_url(url)) as connection:
        restore = set_aside(connection, list(streams))
        for table, rows in streams.items():
            began = time.perf_counter()
            count = copy_rows(connection, table, rows)
            seconds = time.perf_counter() - began
            rate = count / seconds
            print(f"  {table:<24} {count:>10,} rows  {seconds:7.1f} s  {rate:>9,.0f} rows/s")
        began = time.perf_counter()
        connection.execute("SET maintenance_work_mem = '256MB'")
        for statement in restore:
            connection.execute(statement)
        connection.commit()
        label = f"{len(restore)} indexes and FKs"
        print(f"  {label:<24} {'':>15}  {time.perf_counter() - began:7.1f} s")


def vacuum_analyze(url: sa.URL) -> float:
    """VACUUM ANALYZE the whole database, so that autovacuum does not start during the
    measurements (it would, after millions of inserted rows) and the planner has statistics."""
    began = time.perf_counter()
    with psycopg.connect(libpq_url(url), autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")
    return time.perf_counter() - began


# --- measurements ---------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """One view of the dashboard and the raw query it replaces."""

    label: str
    url: str
    raw_sql: str
    raw_params: dict


def last_full_quarter(today: date) -> tuple[int, int]:
    index = (today.month - 1) // 3  # the current quarter, 0-based
    return (today.year - 1, 4) if index == 0 else (today.year, index)


#: The dashboard's main figures computed from the raw rows, as a platform without a summary
#: would: enrolments of the period, started, completed, and certificates valid on its last day,
#: by territory and profession. « {territory} » restricts it to one territory.
RAW_FIGURES = """
WITH flows AS (
    SELECT e.territory_id, e.profession_id, count(*) AS enrolled,
           count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM step_completions s WHERE s.enrolment_id = e.id)) AS started,
           count(e.completed_at) AS completed
    FROM enrolments e
    WHERE e.enrolled_at >= :first AND e.enrolled_at < :after {territory}
    GROUP BY 1, 2
), stock AS (
    SELECT e.territory_id, e.profession_id, count(*) AS certified
    FROM certificates c JOIN enrolments e ON e.id = c.enrolment_id
    WHERE c.issued_at < :after AND (c.revoked_at IS NULL OR c.revoked_at >= :after)
      AND (c.expires_on IS NULL OR c.expires_on >= :last_day) {territory}
    GROUP BY 1, 2
)
SELECT * FROM flows FULL JOIN stock USING (territory_id, profession_id)
"""


def views(marseille_id: int) -> list[View]:
    today = datetime.now(PARIS).date()
    year = today.year - 1
    quarter_year, quarter = last_full_quarter(today)
    first = datetime(quarter_year, 3 * quarter - 2, 1, tzinfo=PARIS)
    after = (
        datetime(quarter_year + 1, 1, 1, tzinfo=PARIS)
        if quarter == 4
        else datetime(quarter_year, 3 * quarter + 1, 1, tzinfo=PARIS)
    )
    year_first, year_after = (
        datetime(year, 1, 1, tzinfo=PARIS),
        datetime(year + 1, 1, 1, tzinfo=PARIS),
    )
    return [
        View(
            f"national, {year}",
            f"/suivi?periode={year}",
            RAW_FIGURES.format(territory=""),
            {"first": year_first, "after": year_after, "last_day": date(year, 12, 31)},
        ),
        View(
            f"marseille, {quarter_year}-T{quarter}",
            f"/suivi?periode={quarter_year}-T{quarter}&territoire=marseille",
            RAW_FIGURES.format(territory="AND e.territory_id = :territory"),
            {
                "territory": marseille_id,
                "first": first,
                "after": after,
                "last_day": (after - timedelta(days=1)).date(),
            },
        ),
    ]


def log_in_as_monitor(app):
    """A test client logged in as a confirmed monitor (created if needed), as tests/conftest.py
    does: the CSRF token is read from the login page."""
    email, password = "suivi@bench.example.org", "une phrase de passe pour la mesure"
    with app.app_context():
        if accounts.find_user_by_email(email) is None:
            user = accounts.register_user(
                email=email,
                full_name="Observatrice Miprof",
                password=password,
                profession=db.session.scalar(sa.select(Profession).filter_by(code="autre")),
                territory=db.session.scalar(sa.select(Territory).filter_by(code="paris")),
                role=Role.MONITOR,
            )
            user.email_confirmed_at = utcnow()
            db.session.commit()
    client = app.test_client()
    html = client.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html).group(1)
    response = client.post(
        "/connexion", data={"email": email, "password": password, "csrf_token": token}
    )
    if response.status_code != 302 or "/connexion" in response.headers.get("Location", ""):
        raise SystemExit(f"Logging in as the monitor failed: HTTP {response.status_code}.")
    return client


def probe_dashboard(client, url: str) -> str | None:
    """None when the page answers 200; otherwise what went wrong, in one paragraph."""
    try:
        response = client.get(url)
    except Exception:  # the page's own error: reported with the other figures
        return f"GET {url} raised:\n{traceback.format_exc()}"
    if response.status_code == 200:
        return None
    if response.status_code == 404:
        return (
            f"GET {url} answered 404: the dashboard page /suivi is not there yet, "
            "so it could not be measured."
        )
    title = re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S)
    return (
        f"GET {url} answered HTTP {response.status_code}"
        f" ({title.group(1).strip() if title else 'no title'}); the app logged why, above."
    )


def fetch_page(client, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered HTTP {response.status_code} during the run.")


def measure(actions: dict[str, Callable[[], object]], warmups: int, repeat: int) -> dict:
    """Durations in seconds of each action, run in turn (so that a noisy moment of the
    machine falls on all of them alike), after `warmups` rounds."""
    for _ in range(warmups):
        for action in actions.values():
            action()
    durations: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            began = time.perf_counter()
            action()
            durations[name].append(time.perf_counter() - began)
    return durations


def median_p95_ms(durations: list[float]) -> tuple[float, float]:
    return (
        statistics.median(durations) * 1000,
        statistics.quantiles(durations, n=20)[-1] * 1000,
    )


def table_sizes(url: sa.URL) -> list[tuple[str, int, int]]:
    """(table, rows, bytes on disk with indexes) of enrolments and the summary tables."""
    names = ["enrolments", *summary.TABLES, "monitoring_facts"]
    with psycopg.connect(libpq_url(url)) as connection:
        return [
            (
                name,
                connection.execute(f"SELECT count(*) FROM {name}").fetchone()[0],
                connection.execute(f"SELECT pg_total_relation_size('{name}')").fetchone()[0],
            )
            for name in names
        ]


def server_settings(url: sa.URL) -> str:
    with psycopg.connect(libpq_url(url)) as connection:
        version = connection.execute("SHOW server_version").fetchone()[0]
        settings = [
            f"{name} {connection.execute(f'SHOW {name}').fetchone()[0]}"
            for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather", "jit")
        ]
    return f"PostgreSQL {version}, " + ", ".join(settings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1_000_000)
    parser.add_argument("--enrolments", type=int, default=3_000_000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--repeat", type=int, default=15, help="measured runs of each request")
    parser.add_argument("--warmups", type=int, default=2)
    parser.add_argument(
        "--batch-size", type=int, default=5000, help="of the rebuild (the CLI's default: 5000)"
    )
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument(
        "--reuse",
        metavar="DATABASE",
        help="measure again on a database kept by --keep: no load, no rebuild, not dropped",
    )
    arguments = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows when the output is a file

    server = server_url()
    url = server.set(database=arguments.reuse) if arguments.reuse else create_database(server)
    print(f"{datetime.now(PARIS):%Y-%m-%d %H:%M} (Paris), {os.cpu_count()} CPUs")
    print(f"database {url.database} on {server.host}:{server.port}: {server_settings(url)}")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-monitoring-") as folder:
            app = build_app(url, Path(folder) / "certificate-signing-key.pem")
            if not arguments.reuse:
                load_and_rebuild(app, url, arguments)
            return measure_and_report(app, url, arguments)
    finally:
        if arguments.keep or arguments.reuse:
            print(f"kept: {url.render_as_string(hide_password=True)}")
        else:
            drop_database(server, url.database)
            print(f"dropped {url.database}")


def load_and_rebuild(app, url: sa.URL, arguments: argparse.Namespace) -> None:
    began = time.perf_counter()
    reference = prepare(app)
    print(
        f"migrated, catalogue imported ({len(reference.courses)} courses), "
        f"{len(reference.territories)} territories, {len(reference.professions)} professions "
        f"in {time.perf_counter() - began:.1f} s",
    )
    print("load (generation and COPY, streamed):")
    loading = time.perf_counter()
    load(url, reference, arguments.learners, arguments.enrolments, arguments.seed)
    print(f"  {'total':<24} {'':>15}  {time.perf_counter() - loading:7.1f} s")
    print(f"VACUUM ANALYZE: {vacuum_analyze(url):.1f} s")
    with app.app_context():
        rebuilding = time.perf_counter()
        written = summary.rebuild(arguments.batch_size)
        db.session.commit()
        seconds = time.perf_counter() - rebuilding
    print(
        f"summary.rebuild({arguments.batch_size}) + commit (`flask monitoring rebuild`): "
        f"{seconds:.1f} s, {sum(written.values()):,} summary rows",
    )
    print(f"VACUUM ANALYZE: {vacuum_analyze(url):.1f} s")


def measure_and_report(app, url: sa.URL, arguments: argparse.Namespace) -> int:
    """Time the raw queries and the dashboard alternately, print the table; 1 when the
    dashboard could not be measured."""
    print("sizes:")
    sizes = table_sizes(url)
    for name, rows, size in sizes:
        print(f"  {name:<26} {rows:>10,} rows  {size / 2**20:8.1f} MiB")
    client = log_in_as_monitor(app)
    with app.app_context():
        marseille = db.session.scalar(sa.select(Territory.id).filter_by(code="marseille"))
        learners = db.session.scalar(
            sa.select(sa.func.count()).select_from(User).filter_by(role=Role.LEARNER.value)
        )
    checked = views(marseille)
    one, five, fifteen = os.getloadavg()
    print(f"load average before measuring: {one:.1f} {five:.1f} {fifteen:.1f} (1, 5, 15 min)")
    problems = [problem for view in checked if (problem := probe_dashboard(client, view.url))]
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        actions: dict[str, Callable[[], object]] = {}
        for view in checked:
            statement = sa.text(view.raw_sql)
            actions[f"raw {view.label}"] = lambda s=statement, p=view.raw_params: (
                connection.execute(s, p).all()
            )
            if not problems:
                actions[f"dashboard {view.label}"] = lambda u=view.url: fetch_page(client, u)
        durations = measure(actions, arguments.warmups, arguments.repeat)
    engine.dispose()
    with app.app_context():
        db.engine.dispose()

    print(
        f"\n{learners:,} learners, {sizes[0][1]:,} enrolments; median and p95 of "
        f"{arguments.repeat} runs after {arguments.warmups} warm-ups, raw and dashboard in turn"
    )
    header = (
        f"{'view':<20} {'raw GROUP BY':>21} {'dashboard (app)':>21} {'ratio':>8}  "
        "goal: ≥ 20× and < 100 ms"
    )
    print(header)
    print("-" * len(header))
    for view in checked:
        raw_median, raw_p95 = median_p95_ms(durations[f"raw {view.label}"])
        raw = f"{raw_median:7.1f} / {raw_p95:7.1f} ms"
        if problems:
            print(f"{view.label:<20} {raw:>21} {'not measured':>21}")
            continue
        page_median, page_p95 = median_p95_ms(durations[f"dashboard {view.label}"])
        page = f"{page_median:7.1f} / {page_p95:7.1f} ms"
        ratio = raw_median / page_median
        verdict = "met" if ratio >= 20 and page_median < 100 else "NOT met"
        if page_p95 >= 100:
            verdict += " (p95 ≥ 100 ms)"
        print(f"{view.label:<20} {raw:>21} {page:>21} {ratio:7.1f}×  {verdict}")
    print("median / p95; ratio of the medians; GET " + ", ".join(v.url for v in checked))
    if problems:
        print("\nTHE DASHBOARD WAS NOT MEASURED:", file=sys.stderr)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
