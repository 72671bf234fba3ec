"""Checking a catalogue: every course of a folder, plus the rules that span courses.

A path given to these functions is either one course folder (it holds a course.md) or a folder of
courses (each sub-folder is a course; files beside them, such as a README, are left alone).
"""

from collections.abc import Callable, Iterable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from training.content.parsed import ParsedCourse
from training.content.parser import read_course
from training.content.problems import Problem
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
_COURSES = sa.table("courses", sa.column("slug"))


def _stored_values(column: sa.ColumnClause) -> frozenset[str]:
    """The values of a column of the database; empty when it has no such table (yet).

    Reads the table without importing the feature that owns it (content depends only on the
    database), and never creates a SQLite file just to find it empty.
    """
    url = db.engine.url
    in_a_file = url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:")
    if in_a_file and not Path(url.database).exists():
        return frozenset()
    try:
        connection = db.session.connection()
        if not sa.inspect(connection).has_table(column.table.name):
            return frozenset()
        return frozenset(db.session.scalars(sa.select(column)))
    except SQLAlchemyError:
        db.session.rollback()
        return frozenset()


def known_audience_codes() -> frozenset[str]:
    """Profession codes of the database when it has them, else the seeded defaults."""
    return _stored_values(_PROFESSIONS.c.code) or DEFAULT_AUDIENCE_CODES


def known_course_slugs() -> frozenset[str]:
    """Slugs of the courses already published, which a course read may name as prerequisites."""
    return _stored_values(_COURSES.c.slug)


def course_folders(root: Path) -> list[Path]:
    """The course folders designated by `root` (see the module docstring)."""
    if (root / "course.md").is_file():
        return [root]
    return sorted(
        entry for entry in root.iterdir() if entry.is_dir() and not entry.name.startswith(".")
    )


def load_catalogue(
    roots: Iterable[Path],
    audience_codes: Iterable[str],
    published_slugs: Callable[[], Iterable[str]] = frozenset,
) -> tuple[list[ParsedCourse], list[Problem]]:
    """Parse every course under `roots`; return the courses without error and every problem.

    The rules that span courses (known audiences, unique slugs, known prerequisites) also run on
    the courses in error, on what could be read of their course.md, so that one run reports
    every problem. A prerequisite is known when it is one of the courses read or one of
    `published_slugs()` (called only if a prerequisite is not among the courses read: pass
    `known_course_slugs` to accept the courses of the database).
    """
    codes = frozenset(audience_codes)
    read: list[ParsedCourse] = []
    in_error: set[int] = set()
    problems: list[Problem] = []
    for root in map(Path, roots):
        if not root.is_dir():
            problems.append(Problem(root, 1, "dossier introuvable"))
            continue
        for folder in course_folders(root):
            reading = read_course(folder)
            problems.extend(reading.problems)
            if reading.course is None:
                continue
            catalogue_problems = _catalogue_problems(reading.course, read, codes)
            problems.extend(catalogue_problems)
            if reading.errors or catalogue_problems:
                in_error.add(id(reading.course))
            read.append(reading.course)
    for course, problem in _prerequisite_problems(read, published_slugs):
        problems.append(problem)
        in_error.add(id(course))
    courses = [course for course in read if id(course) not in in_error]
    return courses, sorted(problems)


def _catalogue_problems(
    course: ParsedCourse, earlier: list[ParsedCourse], codes: frozenset[str]
) -> list[Problem]:
    course_file = course.source / "course.md"
    problems = []
    for other in earlier:
        if course.slug and other.slug == course.slug:
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


def _prerequisite_problems(
    courses: list[ParsedCourse], published_slugs: Callable[[], Iterable[str]]
) -> list[tuple[ParsedCourse, Problem]]:
    """Prerequisites that name no course, and prerequisites that lead back to the course
    (no one could enrol in either course), each with the course whose course.md says so."""
    read = {course.slug: course for course in courses if course.slug}
    named = {slug for course in courses for slug in course.prerequisites}
    known = set(read) | (set(published_slugs()) if named - set(read) else set())
    found = []
    for course in courses:
        line = course.key_lines.get("prerequisites", 1)
        course_file = course.source / "course.md"
        for slug in course.prerequisites:
            if slug not in known:
                message = f"prérequis inconnu « {slug} » : aucun cours de ce slug dans le catalogue"
                found.append((course, Problem(course_file, line, message)))
        cycle = _cycle_from(course.slug, read)
        if cycle:
            message = "prérequis circulaires : " + " → ".join(cycle)
            found.append((course, Problem(course_file, line, message)))
    return found


def _cycle_from(start: str, courses: dict[str, ParsedCourse]) -> list[str]:
    """The slugs of a path of prerequisites from `start` back to it, or [] if there is none."""
    path, seen = [start], set()

    def visit(slug: str) -> bool:
        for prerequisite in courses[slug].prerequisites if slug in courses else []:
            if prerequisite == slug:  # the parser reports a course naming itself
                continue
            if prerequisite == start:
                path.append(start)
                return True
            if prerequisite in seen:
                continue
            seen.add(prerequisite)
            path.append(prerequisite)
            if visit(prerequisite):
                return True
            path.pop()
        return False

    return path if start and visit(start) else []


def validate_catalogue(
    root: Path,
    audience_codes: Iterable[str],
    published_slugs: Callable[[], Iterable[str]] = frozenset,
) -> list[Problem]:
    """Every problem (errors and warnings) of the courses under `root`, sorted by file and line."""
    return load_catalogue([root], audience_codes, published_slugs)[1]
