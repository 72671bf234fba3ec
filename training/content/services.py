"""What other features (and the command line) call: parse, validate, import, export, look up.

The functions that write flush and never commit: the caller commits once.
"""

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from training.content.exporter import ExportError, export_version
from training.content.importer import ImportResult, import_courses
from training.content.models import Course, CourseAsset, CourseVersion
from training.content.parser import parse_course
from training.content.problems import CourseFormatError, Problem
from training.content.validation import known_audience_codes, validate_catalogue
from training.extensions import db

__all__ = [
    "CourseFormatError",
    "ExportError",
    "ImportResult",
    "Problem",
    "export_version",
    "find_version",
    "get_asset",
    "import_courses",
    "known_audience_codes",
    "latest_version",
    "parse_course",
    "validate_catalogue",
]


def latest_version(slug: str) -> CourseVersion | None:
    """The most recently published version of the course `slug`, or None."""
    return db.session.scalar(
        sa.select(CourseVersion)
        .join(Course)
        .where(Course.slug == slug)
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
