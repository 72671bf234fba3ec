"""Writing a version back as course files, which import again to the same content hash."""

from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import selectinload, undefer

from training.content.models import CourseAsset, CourseVersion, Module, Question, Step
from training.extensions import db


class ExportError(Exception):
    """The export cannot be written (the message is in French, for the command line)."""


def export_version(version: CourseVersion, dest: Path) -> Path:
    """Write `version` as the folder `dest/<slug>` and return that folder.

    Refuses to write into a folder that exists and is not empty, so an export never mixes with
    older files (which the importer would then read as part of the course).
    """
    folder = Path(dest) / version.course.slug
    if folder.exists() and any(folder.iterdir()):
        raise ExportError(f"le dossier {folder} existe déjà et n'est pas vide")
    modules = db.session.scalars(
        sa.select(Module)
        .where(Module.version_id == version.id)
        .order_by(Module.position)
        .options(
            selectinload(Module.steps).selectinload(Step.questions).selectinload(Question.choices)
        )
    ).all()
    assets = db.session.scalars(
        sa.select(CourseAsset)
        .where(CourseAsset.version_id == version.id)
        .options(undefer(CourseAsset.data))
    ).all()
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "course.md", course_fields(version), version.presentation_md)
    for module in modules:
        (folder / module.key).mkdir()
        _write(folder / module.key / "module.md", {"title": module.title}, module.intro_md)
        for step in module.steps:
            _write(folder / f"{step.key}.md", step_fields(step), step_markdown(step))
    for asset in assets:
        target = folder / asset.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(asset.data)
    return folder


def course_fields(version: CourseVersion) -> dict[str, Any]:
    fields = {
        "slug": version.course.slug,
        "title": version.title,
        "summary": version.summary,
        "audiences": list(version.audiences),
        "estimated_minutes": version.estimated_minutes,
        "pass_mark": version.pass_mark,
        "certificate_validity_months": version.certificate_validity_months,
        "content_notice": version.content_notice,
    }
    return {key: value for key, value in fields.items() if value is not None}


def step_fields(step: Step) -> dict[str, Any]:
    fields = {
        "kind": step.kind,
        "title": step.title,
        "estimated_minutes": step.estimated_minutes,
        "pass_mark": step.pass_mark,
        "max_attempts": step.max_attempts,
        "shuffle": True if step.shuffle else None,
    }
    return {key: value for key, value in fields.items() if value is not None}


def step_markdown(step: Step) -> str:
    """The body of a step file: the lesson, or the quiz's introduction and questions."""
    if step.kind != "quiz":
        return step.body_md
    parts = [step.body_md] if step.body_md else []
    for question in step.questions:
        parts.append(f"## {question.prompt_md}")
        if question.context_md:
            parts.append(question.context_md)
        parts.append("\n".join(_choice_lines(question)))
        if question.explanation_md:
            parts.append(question.explanation_md)
    return "\n\n".join(parts)


def _choice_lines(question: Question) -> list[str]:
    lines = []
    for choice in question.choices:
        box = ("(x)" if choice.is_correct else "( )") if question.kind != "multiple" else None
        box = box or ("[x]" if choice.is_correct else "[ ]")
        first, *rest = choice.text_md.split("\n")
        lines.append(f"- {box} {first}")
        lines.extend(f"  {line}" if line else "" for line in rest)
        if choice.feedback_md:
            lines.extend(
                f"  > {line}" if line else "  >" for line in choice.feedback_md.split("\n")
            )
    return lines


def file_text(fields: dict[str, Any], body: str) -> str:
    """A course file: the front matter, then the body right after it, as in courses/.

    No blank line between them, so that a line shown from a stored version (a review note's,
    see `body_line`) is the line of the file in the catalogue and in an export.
    """
    front_matter = yaml.safe_dump(
        fields, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1_000_000
    )
    text = f"---\n{front_matter}---\n"
    if body:
        text += f"{body}\n"
    return text


def body_line(fields: dict[str, Any]) -> int:
    """The line on which the body of a file written with `fields` starts."""
    return file_text(fields, "").count("\n") + 1


def _write(path: Path, fields: dict[str, Any], body: str) -> None:
    path.write_text(file_text(fields, body), encoding="utf-8")
