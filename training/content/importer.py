"""Importing course folders as published versions, idempotently.

Everything is parsed and validated before the first row is written, so an invalid catalogue
changes nothing; the caller commits once, so the import is one transaction for every course.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import Literal

import sqlalchemy as sa

from training.content.models import (
    Choice,
    Course,
    CourseAsset,
    CourseVersion,
    Module,
    Question,
    ScenarioChoice,
    ScenarioStage,
    Step,
)
from training.content.parsed import ParsedCourse, ParsedStep
from training.content.problems import CourseFormatError, Problem
from training.content.review import LocatedReviewNote
from training.content.validation import known_audience_codes, known_course_slugs, load_catalogue
from training.extensions import db

ImportStatus = Literal["created", "new_version", "unchanged"]


@dataclass(frozen=True)
class ImportResult:
    slug: str
    status: ImportStatus
    #: The version now latest: the one created, or the unchanged one.
    version_number: int
    warnings: tuple[Problem, ...] = ()

    def describe(self) -> str:
        """One line in French for the command line."""
        if self.status == "created":
            return f"{self.slug} : créé (version {self.version_number})"
        if self.status == "new_version":
            return f"{self.slug} : nouvelle version {self.version_number}"
        return f"{self.slug} : inchangé (version {self.version_number})"


class ReviewNotesError(Exception):
    """Courses to publish still hold review notes, and no admin confirmed publishing them."""

    def __init__(self, notes: list[LocatedReviewNote]) -> None:
        self.notes = notes
        super().__init__("\n".join(note.describe() for note in notes))


def import_courses(
    paths: Iterable[Path],
    audience_codes: Iterable[str] | None = None,
    *,
    accept_review_notes: bool = True,
) -> list[ImportResult]:
    """Publish every course under `paths` whose content changed since its latest version.

    Raises CourseFormatError, having written nothing, if any course has an error (a prerequisite
    may be a course of `paths` or one already published). A course whose content hash equals its
    latest version's creates nothing. Flushes, never commits.

    With `accept_review_notes=False` (the publishing paths: `flask courses import`), raises
    ReviewNotesError, having written nothing, if a course to publish holds open review notes;
    an admin's explicit confirmation passes True. The default stays True for the loaders of
    sample content (the demo, the tests' fixtures), whose notes are expected.
    """
    codes = known_audience_codes() if audience_codes is None else audience_codes
    courses, problems = load_catalogue(paths, codes, known_course_slugs)
    if any(problem.is_error for problem in problems):
        raise CourseFormatError(problems)
    return import_parsed_courses(courses, accept_review_notes=accept_review_notes)


def import_parsed_courses(
    courses: list[ParsedCourse], *, accept_review_notes: bool = True
) -> list[ImportResult]:
    """Publish courses already read and checked without error (by `load_catalogue`, or from a
    zip by `archive.read_course_zip`), as `import_courses` does. Flushes, never commits."""
    if any(not parsed.content_hash for parsed in courses):
        raise ValueError("a course read with errors cannot be imported")
    if not accept_review_notes:
        notes = [
            note
            for parsed in courses
            if _would_publish(parsed)
            for note in parsed.located_review_notes()
        ]
        if notes:
            raise ReviewNotesError(notes)
    return [_import_course(parsed) for parsed in courses]


def _would_publish(parsed: ParsedCourse) -> bool:
    """Whether importing `parsed` creates a version (its content differs from the latest)."""
    latest_hash = db.session.scalar(
        sa.select(CourseVersion.content_hash)
        .join(Course)
        .where(Course.slug == parsed.slug)
        .order_by(CourseVersion.number.desc())
        .limit(1)
    )
    return latest_hash != parsed.content_hash


def _import_course(parsed: ParsedCourse) -> ImportResult:
    warnings = tuple(parsed.warnings)
    course = db.session.scalar(
        sa.select(Course).where(Course.slug == parsed.slug).with_for_update()
    )
    if course is None:
        course = Course(slug=parsed.slug)
        db.session.add(course)
        latest = None
    else:
        latest = db.session.scalar(
            sa.select(CourseVersion)
            .where(CourseVersion.course_id == course.id)
            .order_by(CourseVersion.number.desc())
            .limit(1)
        )
    if latest is not None and latest.content_hash == parsed.content_hash:
        return ImportResult(parsed.slug, "unchanged", latest.number, warnings)
    number = latest.number + 1 if latest is not None else 1
    db.session.add(build_version(course, parsed, number))
    db.session.flush()
    return ImportResult(parsed.slug, "new_version" if latest else "created", number, warnings)


def build_version(course: Course, parsed: ParsedCourse, number: int) -> CourseVersion:
    """The rows of a new version of `course` holding `parsed`."""
    version = CourseVersion(
        course=course,
        number=number,
        content_hash=parsed.content_hash,
        title=parsed.title,
        summary=parsed.summary,
        audiences=list(parsed.audiences),
        prerequisites=list(parsed.prerequisites),
        estimated_minutes=parsed.estimated_minutes,
        pass_mark=parsed.pass_mark,
        certificate_validity_months=parsed.certificate_validity_months,
        content_notice=parsed.content_notice,
        presentation_md=parsed.presentation,
        presentation_html=parsed.presentation_html,
        fiche_title=parsed.fiche.title if parsed.fiche else None,
        fiche_md=parsed.fiche.body if parsed.fiche else None,
        fiche_html=parsed.fiche.body_html if parsed.fiche else None,
    )
    for module_position, parsed_module in enumerate(parsed.modules, start=1):
        module = Module(
            position=module_position,
            key=parsed_module.key,
            title=parsed_module.title,
            intro_md=parsed_module.intro,
            intro_html=parsed_module.intro_html,
        )
        version.modules.append(module)
        for step_position, parsed_step in enumerate(parsed_module.steps, start=1):
            module.steps.append(_build_step(version, step_position, parsed_step))
    for asset in parsed.assets:
        db.session.add(
            CourseAsset(
                version=version,
                path=asset.path,
                content_type=asset.content_type,
                sha256=sha256(asset.data).hexdigest(),
                data=asset.data,
            )
        )
    return version


def _build_step(version: CourseVersion, position: int, parsed: ParsedStep) -> Step:
    step = Step(
        version=version,
        position=position,
        key=parsed.key,
        kind=parsed.kind,
        title=parsed.title,
        estimated_minutes=parsed.estimated_minutes,
        body_md=parsed.body,
        body_html=parsed.body_html,
        pass_mark=parsed.pass_mark,
        max_attempts=parsed.max_attempts,
        shuffle=parsed.shuffle,
        content_hash=parsed.content_hash,
    )
    for question_position, parsed_question in enumerate(parsed.questions, start=1):
        question = Question(
            position=question_position,
            kind=parsed_question.kind,
            prompt_md=parsed_question.prompt,
            prompt_html=parsed_question.prompt_html,
            context_md=parsed_question.context,
            context_html=parsed_question.context_html,
            explanation_md=parsed_question.explanation,
            explanation_html=parsed_question.explanation_html,
        )
        step.questions.append(question)
        for choice_position, parsed_choice in enumerate(parsed_question.choices, start=1):
            question.choices.append(
                Choice(
                    position=choice_position,
                    text_md=parsed_choice.text,
                    text_html=parsed_choice.text_html,
                    is_correct=parsed_choice.is_correct,
                    feedback_md=parsed_choice.feedback,
                    feedback_html=parsed_choice.feedback_html,
                )
            )
    for stage_position, parsed_stage in enumerate(parsed.stages, start=1):
        stage = ScenarioStage(
            position=stage_position,
            key=parsed_stage.key,
            title=parsed_stage.title,
            is_ending=parsed_stage.is_ending,
            text_html=parsed_stage.text_html,
        )
        step.stages.append(stage)
        stage.choices = [
            ScenarioChoice(
                position=choice_position,
                text_html=choice.text_html,
                consequence_html=choice.consequence_html,
                rating=choice.rating,
                next_stage=choice.next_stage,
            )
            for choice_position, choice in enumerate(parsed_stage.choices, start=1)
        ]
    return step
