"""What other features (and the command line) call: parse, validate, import, export, look up.

The functions that write flush and never commit: the caller commits once.
"""

import functools
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import defer, selectinload, undefer

from training.content.archive import export_course_zip, import_course_zip, read_course_zip
from training.content.exporter import (
    ExportError,
    body_line,
    course_fields,
    export_version,
    fiche_fields,
    step_fields,
    step_markdown,
)
from training.content.fiche import FICHE_FILE
from training.content.importer import (
    ImportResult,
    ReviewNotesError,
    import_courses,
    import_parsed_courses,
)
from training.content.models import (
    Choice,
    Course,
    CourseAsset,
    CourseVersion,
    Module,
    Question,
    Step,
)
from training.content.parser import parse_course
from training.content.problems import CourseFormatError, Problem
from training.content.renderer import REVIEW_NOTE
from training.content.rendering import StepPreview, preview_step, rerender_versions
from training.content.review import LocatedReviewNote, find_review_notes
from training.content.validation import (
    known_audience_codes,
    known_course_slugs,
    validate_catalogue,
)
from training.extensions import built_once, db

__all__ = [
    "CourseFormatError",
    "ExportError",
    "ImportResult",
    "LocatedReviewNote",
    "Problem",
    "ReviewNotesError",
    "StepPreview",
    "export_course_zip",
    "export_version",
    "find_version",
    "get_asset",
    "import_course_zip",
    "import_courses",
    "import_parsed_courses",
    "known_audience_codes",
    "known_course_slugs",
    "latest_version",
    "parse_course",
    "preview_step",
    "read_course_zip",
    "rerender_versions",
    "validate_catalogue",
    "without_version_texts",
]


def without_version_texts() -> tuple:
    """Loader options that leave out a version's presentation and fiche (Markdown and HTML),
    which lists of courses and the player never show: loaded on first use."""
    return tuple(
        defer(column)
        for column in (
            CourseVersion.presentation_md,
            CourseVersion.presentation_html,
            CourseVersion.fiche_md,
            CourseVersion.fiche_html,
        )
    )


def latest_version(slug: str) -> CourseVersion | None:
    """The most recently published version of the course `slug`, or None."""
    return db.session.scalar(_latest_version(), {"slug": slug})


@built_once
def _latest_version() -> sa.Select:
    return (
        sa.select(CourseVersion)
        .join(Course)
        .where(Course.slug == sa.bindparam("slug"))
        .order_by(CourseVersion.number.desc())
        .limit(1)
    )


def find_version(slug: str, number: int) -> CourseVersion | None:
    return db.session.scalar(
        sa.select(CourseVersion)
        .join(Course)
        .where(Course.slug == slug, CourseVersion.number == number)
    )


def get_asset(version_id: int, path: str) -> CourseAsset | None:
    """The image `path` (e.g. "images/schema.png") of a version, bytes included, or None.

    For the HTTP route that will serve it: send `content_type` with `X-Content-Type-Options:
    nosniff`, use `sha256` as ETag (a version's assets never change, so they may be cached for
    long), and for SVG add `Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'`
    (the importer already refuses SVG with scripts; this is the second lock).
    """
    return db.session.scalar(
        sa.select(CourseAsset)
        .where(CourseAsset.version_id == version_id, CourseAsset.path == path)
        .options(undefer(CourseAsset.data))
    )


def find_step(version: CourseVersion, key: str) -> Step | None:
    """The step `key` ("<module>/<name>") of `version`, or None."""
    return db.session.scalar(sa.select(Step).where(Step.version_id == version.id, Step.key == key))


def review_notes(version: CourseVersion) -> list[LocatedReviewNote]:
    """Every open review note of `version`, in the order of the course, with its step.

    Paths are relative to the catalogue (« sante/01-…/02-….md ») and lines are those of the
    file as the catalogue holds it and as `flask courses export` writes it.
    """
    slug = version.course.slug
    notes = [
        LocatedReviewNote(Path(slug, "course.md"), note)
        for note in find_review_notes(version.presentation_md, body_line(course_fields(version)))
    ]
    if version.fiche_md is not None:
        notes += [
            LocatedReviewNote(Path(slug, FICHE_FILE), note)
            for note in find_review_notes(version.fiche_md, body_line(fiche_fields(version)))
        ]
    modules = db.session.scalars(
        sa.select(Module)
        .where(Module.version_id == version.id)
        .order_by(Module.position)
        .options(
            selectinload(Module.steps).selectinload(Step.questions).selectinload(Question.choices)
        )
    )
    for module in modules:
        where = {"module_key": module.key, "module_title": module.title}
        intro_line = body_line({"title": module.title})
        notes += [
            LocatedReviewNote(Path(slug, module.key, "module.md"), note, **where)
            for note in find_review_notes(module.intro_md, intro_line)
        ]
        for step in module.steps:
            found = find_review_notes(step_markdown(step), body_line(step_fields(step)))
            notes += [
                LocatedReviewNote(
                    Path(slug, f"{step.key}.md"),
                    note,
                    **where,
                    step_key=step.key,
                    step_title=step.title,
                )
                for note in found
            ]
    return notes


def has_review_notes(version: CourseVersion) -> bool:
    """Whether `version` has an open review note (for the course page's notice).

    Only the texts that mention the note's name are parsed. A published version never changes,
    so the answer is kept in the process per version and content hash (a bounded LRU): the
    course page, shown on every visit, runs neither these queries nor the parsing again.
    """
    return _version_has_review_notes(version.id, version.content_hash)


@functools.lru_cache(maxsize=512)
def _version_has_review_notes(version_id: int, content_hash: str) -> bool:
    version = db.session.get(CourseVersion, version_id)
    pattern = f"%{REVIEW_NOTE}%"
    candidates = [version.presentation_md, version.fiche_md or ""]
    candidates += db.session.scalars(
        sa.select(Module.intro_md).where(
            Module.version_id == version.id, Module.intro_md.like(pattern)
        )
    )
    candidates += db.session.scalars(
        sa.select(Step.body_md).where(Step.version_id == version.id, Step.body_md.like(pattern))
    )
    for column in (Question.context_md, Question.explanation_md):
        candidates += db.session.scalars(
            sa.select(column).join(Step).where(Step.version_id == version.id, column.like(pattern))
        )
    candidates += db.session.scalars(
        sa.select(Choice.feedback_md)
        .join(Question)
        .join(Step)
        .where(Step.version_id == version.id, Choice.feedback_md.like(pattern))
    )
    return any(find_review_notes(text) for text in candidates)
