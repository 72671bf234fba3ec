"""Writing a version back as course files, which import again to the same content hash."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import selectinload, undefer

from training.content.fiche import FICHE_FILE, FICHE_KIND
from training.content.models import CourseAsset, CourseVersion, Module, Question, Step
from training.extensions import db


class ExportError(Exception):
    """The export cannot be written (the message is in French, for the command line)."""


@dataclass(frozen=True)
class ExportedImage:
    content_type: str
    data: bytes


@dataclass(frozen=True)
class VersionFiles:
    """The files of a version as `export_version` writes them, without touching the disk."""

    #: Markdown files by path inside the course folder, in the order of the course: "course.md",
    #: then each "<module>/module.md" followed by its "<module>/<step>.md", then the
    #: "fiche-reflexe.md" if the version has one.
    texts: dict[str, str]
    #: Images by path inside the course folder, e.g. "images/schema.png".
    images: dict[str, ExportedImage]


def version_files(version: CourseVersion) -> VersionFiles:
    """The course files of `version` (three queries), which import again to its content hash."""
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
        .order_by(CourseAsset.path)
        .options(undefer(CourseAsset.data))
    ).all()
    texts = {"course.md": file_text(course_fields(version), version.presentation_md)}
    for module in modules:
        texts[f"{module.key}/module.md"] = file_text({"title": module.title}, module.intro_md)
        for step in module.steps:
            texts[f"{step.key}.md"] = file_text(step_fields(step), step_markdown(step))
    if version.fiche_md is not None:
        texts[FICHE_FILE] = file_text(fiche_fields(version), version.fiche_md)
    images = {asset.path: ExportedImage(asset.content_type, asset.data) for asset in assets}
    return VersionFiles(texts, images)


def export_version(version: CourseVersion, dest: Path) -> Path:
    """Write `version` as the folder `dest/<slug>` and return that folder.

    Refuses to write into a folder that exists and is not empty, so an export never mixes with
    older files (which the importer would then read as part of the course).
    """
    folder = Path(dest) / version.course.slug
    if folder.exists() and any(folder.iterdir()):
        raise ExportError(f"le dossier {folder} existe déjà et n'est pas vide")
    files = version_files(version)
    folder.mkdir(parents=True, exist_ok=True)
    for path, text in files.texts.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for path, image in files.images.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(image.data)
    return folder


def course_fields(version: CourseVersion) -> dict[str, Any]:
    fields = {
        "slug": version.course.slug,
        "title": version.title,
        "summary": version.summary,
        "audiences": list(version.audiences),
        "prerequisites": list(version.prerequisites) or None,
        "estimated_minutes": version.estimated_minutes,
        "pass_mark": version.pass_mark,
        "certificate_validity_months": version.certificate_validity_months,
        "content_notice": version.content_notice,
    }
    return {key: value for key, value in fields.items() if value is not None}


def fiche_fields(version: CourseVersion) -> dict[str, Any]:
    """The front matter of the version's fiche-reflexe.md."""
    return {"kind": FICHE_KIND, "title": version.fiche_title}


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
