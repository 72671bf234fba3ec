"""What the trainers' pages show: the courses they author, each one's newest version and its
open review notes (an admin sees every course)."""

from dataclasses import dataclass
from itertools import groupby

import sqlalchemy as sa

from training.accounts.models import User
from training.authoring import authors
from training.content import services as content
from training.content.models import Course, CourseVersion, Step
from training.content.renderer import Source
from training.content.rendering import version_renderer
from training.extensions import db


@dataclass(frozen=True)
class CourseOverview:
    course: Course
    version: CourseVersion
    review_note_count: int


@dataclass(frozen=True)
class RenderedReviewNote:
    located: content.LocatedReviewNote
    #: The note's Markdown as HTML, for trainers (links inside it are not rewritten for this
    #: page: they work in the step's preview).
    html: str


@dataclass(frozen=True)
class StepReviewNotes:
    """The open notes of one file of the course: a step, a module introduction or course.md."""

    module_title: str | None
    step: Step | None
    notes: list[RenderedReviewNote]

    @property
    def title(self) -> str:
        if self.step is not None:
            return self.step.title
        if self.module_title is not None:
            return f"Introduction du module « {self.module_title} »"
        return "Présentation de la formation"


def course_overviews(user: User) -> list[CourseOverview]:
    """The courses `user` may edit with their newest version and how many review notes each
    holds, by title."""
    course_ids = [course.id for course in authors.courses_of_author(user)]
    newest = (
        sa.select(CourseVersion.course_id, sa.func.max(CourseVersion.number).label("number"))
        .group_by(CourseVersion.course_id)
        .subquery()
    )
    versions = db.session.scalars(
        sa.select(CourseVersion)
        .join(
            newest,
            sa.and_(
                CourseVersion.course_id == newest.c.course_id,
                CourseVersion.number == newest.c.number,
            ),
        )
        .where(CourseVersion.course_id.in_(course_ids))
        .order_by(CourseVersion.title)
    ).all()
    return [
        CourseOverview(version.course, version, len(content.review_notes(version)))
        for version in versions
    ]


def review_notes_by_step(version: CourseVersion) -> list[StepReviewNotes]:
    """The version's open review notes grouped by file, in the order of the course."""
    steps = {
        step.key: step
        for step in db.session.scalars(sa.select(Step).where(Step.version_id == version.id))
    }
    renderer = version_renderer(version, show_review_notes=True)
    groups = []
    for _path, notes in groupby(content.review_notes(version), key=lambda note: note.path):
        notes = list(notes)
        first = notes[0]
        step = steps.get(first.step_key) if first.step_key else None
        folder = first.module_key or ""
        rendered = [
            RenderedReviewNote(note, renderer.render(note.note.text, Source(note.path, folder, 1)))
            for note in notes
        ]
        groups.append(StepReviewNotes(first.module_title, step, rendered))
    return groups
