"""Checking a catalogue: every course of a folder, plus the rules that span courses.

A path given to these functions is either one course folder (it holds a course.md) or a folder of
courses (each sub-folder is a course; files beside them, such as a README, are left alone).
"""

from collections.abc import Iterable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from training.content.parsed import ParsedCourse
from training.content.parser import parse_course
from training.content.problems import CourseFormatError, Problem
from training.extensions import db

#: The professions seeded by the first migration, used when no database can be read.
DEFAULT_AUDIENCE_CODES = frozenset(
    {
        "magistrat",
        "enseignant",
        "sante",
        "inspection-travail",
        "travail-social",
        "securite",
        "autre",
    }
)
_PROFESSIONS = sa.table("professions", sa.column("code"))


def known_audience_codes() -> frozenset[str]:
    """Profession codes of the database when it has them, else the seeded defaults.

    Reads the table without importing the accounts feature (content depends only on the
    database), and never creates a SQLite file just to find it empty.
    """
    url = db.engine.url
    in_a_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    if in_a_file and not Path(url.database).exists():
        return DEFAULT_AUDIENCE_CODES
    try:
        connection = db.session.connection()
        if not sa.inspect(connection).has_table("professions"):
            return DEFAULT_AUDIENCE_CODES
        codes = frozenset(db.session.scalars(sa.select(_PROFESSIONS.c.code)))
    except SQLAlchemyError:
        db.session.rollback()
        return DEFAULT_AUDIENCE_CODES
    return codes or DEFAULT_AUDIENCE_CODES


def course_folders(root: Path) -> list[Path]:
    """The course folders designated by `root` (see the module docstring)."""
    if (root / "course.md").is_file():
        return [root]
    return sorted(
        entry for entry in root.iterdir() if entry.is_dir() and not entry.name.startswith(".")
    )


def load_catalogue(
    roots: Iterable[Path], audience_codes: Iterable[str]
) -> tuple[list[ParsedCourse], list[Problem]]:
    """Parse every course under `roots`; return the courses read and every problem found."""
    codes = frozenset(audience_codes)
    courses: list[ParsedCourse] = []
    problems: list[Problem] = []
    for root in map(Path, roots):
        if not root.is_dir():
            problems.append(Problem(root, 1, "dossier introuvable"))
            continue
        for folder in course_folders(root):
            try:
                course = parse_course(folder)
            except CourseFormatError as error:
                problems.extend(error.problems)
                continue
            problems.extend(course.warnings)
            problems.extend(_catalogue_problems(course, courses, codes))
            courses.append(course)
    return courses, sorted(problems)


def _catalogue_problems(
    course: ParsedCourse, earlier: list[ParsedCourse], codes: frozenset[str]
) -> list[Problem]:
    course_file = course.source / "course.md"
    problems = []
    for other in earlier:
        if other.slug == course.slug:
            problems.append(
                Problem(
                    course_file,
                    course.key_lines.get("slug", 1),
                    f"slug « {course.slug} » déjà pris par {other.source}",
                )
            )
    known = ", ".join(sorted(codes))
    for code in course.audiences:
        if code not in codes:
            problems.append(
                Problem(
                    course_file,
                    course.key_lines.get("audiences", 1),
                    f"public inconnu « {code} » (codes connus : {known})",
                )
            )
    return problems


def validate_catalogue(root: Path, audience_codes: Iterable[str]) -> list[Problem]:
    """Every problem (errors and warnings) of the courses under `root`, sorted by file and line."""
    return load_catalogue([root], audience_codes)[1]
