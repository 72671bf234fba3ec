"""Rendering stored versions again: the trainers' preview (review notes shown) and `rerender`.

A version's HTML is rendered once, at import, from its Markdown, which is the content; the
HTML is derived from it and left out of the content hash. When the renderer changes what it
produces (review notes left out of the learners' HTML, say), `rerender_versions` brings every
stored version's HTML up to date from its stored Markdown, without changing what it says.
"""

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from training.content.fiche import FICHE_FILE
from training.content.models import (
    CourseAsset,
    CourseVersion,
    Module,
    Question,
    ScenarioStage,
    Step,
)
from training.content.parsed import ParsedStage
from training.content.renderer import CourseRenderer, Source
from training.content.scenario import ScenarioParser
from training.extensions import db


@dataclass(frozen=True)
class ChoicePreview:
    text_html: str
    feedback_html: str
    is_correct: bool


@dataclass(frozen=True)
class QuestionPreview:
    kind: str
    prompt_html: str
    context_html: str
    explanation_html: str
    choices: list[ChoicePreview]


@dataclass(frozen=True)
class StepPreview:
    """A step as trainers see it: review notes shown, correct answers and feedback too."""

    step: Step
    body_html: str
    questions: list[QuestionPreview]
    #: A scenario's stages, with each choice's rating and next stage.
    stages: list[ParsedStage] = field(default_factory=list)


def version_renderer(version: CourseVersion, *, show_review_notes: bool = False) -> CourseRenderer:
    """A renderer knowing the version's steps and images, as the importer's did."""
    step_keys = set(db.session.scalars(sa.select(Step.key).where(Step.version_id == version.id)))
    image_paths = set(
        db.session.scalars(sa.select(CourseAsset.path).where(CourseAsset.version_id == version.id))
    )
    return CourseRenderer(step_keys, image_paths, show_review_notes=show_review_notes)


def _source(path: str, folder: str) -> Source:
    return Source(Path(path), folder, 1)


def _step_body_html(renderer: CourseRenderer, step: Step) -> str:
    source = _source(f"{step.key}.md", step.module.key)
    if step.kind == "quiz" and not step.body_md:
        return ""
    if step.kind == "scenario":
        return _scenario(renderer, step)[0]
    return renderer.render(step.body_md, source)


def _scenario(renderer: CourseRenderer, step: Step) -> tuple[str, list[ParsedStage]]:
    """A scenario's starting situation (HTML) and its stages, rendered from its stored body as
    the parser renders them at import."""
    if step.kind != "scenario":
        return "", []
    parser = ScenarioParser(renderer, _source(f"{step.key}.md", step.module.key))
    _intro, stages = parser.parse(step.body_md)
    return parser.intro_html, stages


def _question_preview(renderer: CourseRenderer, step: Step, question: Question) -> QuestionPreview:
    """The question rendered exactly as the quiz parser renders it."""
    source = _source(f"{step.key}.md", step.module.key)

    def block(text: str) -> str:
        return renderer.render(text, source) if text else ""

    return QuestionPreview(
        kind=question.kind,
        prompt_html=renderer.render_inline(question.prompt_md, source),
        context_html=block(question.context_md),
        explanation_html=block(question.explanation_md),
        choices=[
            ChoicePreview(
                text_html=renderer.render_inline(choice.text_md, source),
                feedback_html=block(choice.feedback_md),
                is_correct=choice.is_correct,
            )
            for choice in question.choices
        ],
    )


def preview_step(version: CourseVersion, step: Step) -> StepPreview:
    """`step` of `version` rendered for trainers, review notes shown as DSFR alerts."""
    renderer = version_renderer(version, show_review_notes=True)
    return StepPreview(
        step=step,
        body_html=_step_body_html(renderer, step),
        questions=[_question_preview(renderer, step, question) for question in step.questions],
        stages=_scenario(renderer, step)[1],
    )


def _assign(row: object, attribute: str, html: str) -> int:
    if getattr(row, attribute) == html:
        return 0
    setattr(row, attribute, html)
    return 1


def rerender_version(version: CourseVersion) -> int:
    """Render the learners' HTML of `version` again from its Markdown; flushes.

    Returns how many HTML fields changed: 0 when the stored HTML is already what the renderer
    produces, so running it twice changes nothing the second time.
    """
    renderer = version_renderer(version)
    changed = _assign(
        version,
        "presentation_html",
        renderer.render(version.presentation_md, _source("course.md", "")),
    )
    if version.fiche_md is not None:
        changed += _assign(
            version, "fiche_html", renderer.render(version.fiche_md, _source(FICHE_FILE, ""))
        )
    modules = db.session.scalars(
        sa.select(Module)
        .where(Module.version_id == version.id)
        .options(
            selectinload(Module.steps).selectinload(Step.questions).selectinload(Question.choices),
            selectinload(Module.steps)
            .selectinload(Step.stages)
            .selectinload(ScenarioStage.choices),
        )
    )
    for module in modules:
        intro_source = _source(f"{module.key}/module.md", module.key)
        changed += _assign(module, "intro_html", renderer.render(module.intro_md, intro_source))
        for step in module.steps:
            changed += _assign(step, "body_html", _step_body_html(renderer, step))
            for question in step.questions:
                preview = _question_preview(renderer, step, question)
                changed += _assign(question, "prompt_html", preview.prompt_html)
                changed += _assign(question, "context_html", preview.context_html)
                changed += _assign(question, "explanation_html", preview.explanation_html)
                for choice, rendered in zip(question.choices, preview.choices, strict=True):
                    changed += _assign(choice, "text_html", rendered.text_html)
                    changed += _assign(choice, "feedback_html", rendered.feedback_html)
            for stage, parsed in zip(step.stages, _scenario(renderer, step)[1], strict=True):
                changed += _assign(stage, "text_html", parsed.text_html)
                for choice, parsed_choice in zip(stage.choices, parsed.choices, strict=True):
                    changed += _assign(choice, "text_html", parsed_choice.text_html)
                    changed += _assign(choice, "consequence_html", parsed_choice.consequence_html)
    db.session.flush()
    return changed


def rerender_versions() -> tuple[int, int]:
    """Re-render every stored version; returns (versions seen, HTML fields changed). Flushes."""
    versions = db.session.scalars(sa.select(CourseVersion).order_by(CourseVersion.id)).all()
    return len(versions), sum(rerender_version(version) for version in versions)
