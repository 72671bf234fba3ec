"""Time the import of a ten-course catalogue: first import, then the unchanged re-import.

Goal: under 2 seconds for the first import. The ten courses are copies of the real catalogue
(courses/, cycled) under new slugs, or of the example course when courses/ is empty.

    .venv/bin/python bench/import_courses.py                      # fresh SQLite file
    .venv/bin/python bench/import_courses.py --database-url postgresql+psycopg://user@host/scratch

A PostgreSQL database is migrated if needed and receives ten new courses on every run (their
slugs carry a random suffix): use a scratch database.
"""

import argparse
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config import TestingConfig  # noqa: E402
from training import create_app  # noqa: E402
from training.content import services  # noqa: E402
from training.extensions import db  # noqa: E402

COURSES = 10


def sources() -> list[Path]:
    catalogue = ROOT / "courses"
    found = sorted(path for path in catalogue.glob("*") if (path / "course.md").is_file())
    return found or [ROOT / "docs" / "exemple-cours"]


def make_catalogue(destination: Path, suffix: str) -> list[str]:
    """Copy COURSES courses into `destination`, each under a new slug; return the slugs."""
    slugs = []
    available = sources()
    for number in range(COURSES):
        source = available[number % len(available)]
        slug = f"bench-{number + 1:02d}-{suffix}"
        shutil.copytree(source, destination / slug)
        course_file = destination / slug / "course.md"
        text = course_file.read_text(encoding="utf-8")
        course_file.write_text(text.replace(f"slug: {source.name}", f"slug: {slug}", 1))
        slugs.append(slug)
    return slugs


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = arguments.database_url or f"sqlite:///{Path(scratch) / 'bench.sqlite3'}"

        class BenchConfig(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(BenchConfig)
        catalogue = Path(scratch) / "courses"
        catalogue.mkdir()
        slugs = make_catalogue(catalogue, secrets.token_hex(3))
        with app.app_context():
            upgrade()

            def import_and_commit():
                results = services.import_courses([catalogue])
                db.session.commit()
                return results

            first_seconds, first = timed(import_and_commit)
            second_seconds, second = timed(import_and_commit)
            steps = sum(
                len(module.steps)
                for slug in slugs
                for module in services.latest_version(slug).modules
            )
            db.engine.dispose()
    statuses = {result.status for result in first}, {result.status for result in second}
    assert statuses == ({"created"}, {"unchanged"}), statuses
    backend = url.split(":", 1)[0]
    print(f"database: {backend}; {COURSES} courses, {steps} steps")
    print(f"first import:       {first_seconds:.2f} s")
    print(f"unchanged reimport: {second_seconds:.2f} s")


if __name__ == "__main__":
    main()
