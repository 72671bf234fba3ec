"""The in-memory form of a course read from files, and its content hash.

The hash is a sha256 of a canonical JSON representation of the parsed content (Markdown sources,
settings, structure and image bytes), never of the raw files: reformatting the YAML, changing line
endings or exporting then re-importing a course gives the same hash. Rendered HTML is left out, so
that a change of renderer does not publish new versions of every course.
"""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from training.content.fiche import FICHE_FILE, ParsedFiche
from training.content.problems import Problem
from training.content.review import LocatedReviewNote, ReviewNote


@dataclass
class ParsedChoice:
    text: str
    is_correct: bool
    feedback: str
    text_html: str = ""
    feedback_html: str = ""


@dataclass
class ParsedQuestion:
    kind: str
    prompt: str
    context: str
    explanation: str
    choices: list[ParsedChoice]
    prompt_html: str = ""
    context_html: str = ""
    explanation_html: str = ""
    #: 1-based line of the question's « ## » heading in its file (0 when not read from a file).
    line: int = field(default=0, compare=False)


@dataclass
class ParsedScenarioChoice:
    #: Markdown of the choice, without the trailing « → clé (évaluation) ».
    text: str
    #: "best", "acceptable" or "harmful" (scenario.RATINGS).
    rating: str
    #: Key of the stage or ending the choice leads to.
    next_stage: str
    #: Markdown of the consequence shown after the decision, without the « > ».
    consequence: str
    text_html: str = ""
    consequence_html: str = ""
    #: 1-based line of the choice in its file (0 when not read from a file).
    line: int = field(default=0, compare=False)


@dataclass
class ParsedStage:
    """A stage of a scenario (`## Étape clé : titre`) or one of its endings (`## Fin …`)."""

    key: str
    #: Plain text after « : » in the heading.
    title: str
    is_ending: bool
    #: Markdown of the stage's text; for an ending, its debrief.
    text: str
    text_html: str = ""
    choices: list[ParsedScenarioChoice] = field(default_factory=list)
    #: 1-based line of the stage's « ## » heading in its file (0 when not read from a file).
    line: int = field(default=0, compare=False)


@dataclass
class ParsedStep:
    key: str
    kind: str
    title: str
    estimated_minutes: int | None
    pass_mark: int | None
    max_attempts: int | None
    shuffle: bool
    body: str
    body_html: str = ""
    questions: list[ParsedQuestion] = field(default_factory=list)
    #: The stages of a scenario, in file order (their Markdown is also in `body`, which a
    #: scenario keeps whole and which covers them in the content hash).
    stages: list[ParsedStage] = field(default_factory=list)
    #: Paths of the course images this step shows, part of its content hash.
    images: set[str] = field(default_factory=set)
    content_hash: str = ""
    #: The `::: a-valider` notes of the step file (not part of the hash: they are in `body`).
    review_notes: list[ReviewNote] = field(default_factory=list)


@dataclass
class ParsedModule:
    key: str
    title: str
    intro: str
    intro_html: str = ""
    steps: list[ParsedStep] = field(default_factory=list)
    review_notes: list[ReviewNote] = field(default_factory=list)


@dataclass
class ParsedAsset:
    #: Path inside the course folder, e.g. "images/schema.png".
    path: str
    content_type: str
    data: bytes


@dataclass
class ParsedCourse:
    source: Path
    slug: str
    title: str
    summary: str
    audiences: list[str]
    estimated_minutes: int
    pass_mark: int
    certificate_validity_months: int | None
    content_notice: str | None
    presentation: str
    presentation_html: str = ""
    #: Slugs of the courses to complete before enrolling in this one (from the catalogue).
    prerequisites: list[str] = field(default_factory=list)
    modules: list[ParsedModule] = field(default_factory=list)
    assets: list[ParsedAsset] = field(default_factory=list)
    content_hash: str = ""
    warnings: list[Problem] = field(default_factory=list)
    #: Line of each front-matter key in course.md, to point problems found later at it.
    key_lines: dict[str, int] = field(default_factory=dict)
    review_notes: list[ReviewNote] = field(default_factory=list)
    #: The « fiche réflexe » (fiche-reflexe.md), if the course has one.
    fiche: ParsedFiche | None = None

    @property
    def steps(self) -> list[ParsedStep]:
        return [step for module in self.modules for step in module.steps]

    def located_review_notes(self) -> list[LocatedReviewNote]:
        """Every review note of the course files, with its file, module and step."""
        located = [LocatedReviewNote(self.source / "course.md", n) for n in self.review_notes]
        if self.fiche is not None:
            located += [
                LocatedReviewNote(self.source / FICHE_FILE, note)
                for note in self.fiche.review_notes
            ]
        for module in self.modules:
            where = {"module_key": module.key, "module_title": module.title}
            located += [
                LocatedReviewNote(self.source / module.key / "module.md", note, **where)
                for note in module.review_notes
            ]
            for step in module.steps:
                located += [
                    LocatedReviewNote(
                        self.source / f"{step.key}.md",
                        note,
                        **where,
                        step_key=step.key,
                        step_title=step.title,
                    )
                    for note in step.review_notes
                ]
        return located


def sha256_of(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical_question(question: ParsedQuestion) -> dict[str, Any]:
    return {
        "kind": question.kind,
        "prompt": question.prompt,
        "context": question.context,
        "explanation": question.explanation,
        "choices": [
            {"text": choice.text, "is_correct": choice.is_correct, "feedback": choice.feedback}
            for choice in question.choices
        ],
    }


def canonical_step(step: ParsedStep, course_pass_mark: int, image_hashes: dict[str, str]) -> dict:
    """What a step says, whatever its place: the key and position are left out on purpose."""
    # A scenario is passed at a mark too; its stages are in its body, already hashed.
    is_graded = step.kind in ("quiz", "scenario")
    return {
        "kind": step.kind,
        "title": step.title,
        "estimated_minutes": step.estimated_minutes,
        "pass_mark": (step.pass_mark if step.pass_mark is not None else course_pass_mark)
        if is_graded
        else None,
        "max_attempts": step.max_attempts,
        "shuffle": step.shuffle,
        "body": step.body,
        "questions": [_canonical_question(question) for question in step.questions],
        "images": {path: image_hashes.get(path, "") for path in sorted(step.images)},
    }


def compute_hashes(course: ParsedCourse) -> None:
    """Fill in the content hash of every step and of the course."""
    image_hashes = {asset.path: hashlib.sha256(asset.data).hexdigest() for asset in course.assets}
    modules = []
    for module in course.modules:
        steps = []
        for step in module.steps:
            canonical = canonical_step(step, course.pass_mark, image_hashes)
            step.content_hash = sha256_of(canonical)
            steps.append({"key": step.key, **canonical, "pass_mark": step.pass_mark})
        modules.append(
            {"key": module.key, "title": module.title, "intro": module.intro, "steps": steps}
        )
    # Prerequisites count only when set, so that adding the setting left every other course's
    # hash (and so its published version) as it was.
    prerequisites = {"prerequisites": course.prerequisites} if course.prerequisites else {}
    # Likewise the fiche réflexe, which only some courses have.
    fiche = (
        {"fiche": {"title": course.fiche.title, "body": course.fiche.body}}
        if course.fiche is not None
        else {}
    )
    course.content_hash = sha256_of(
        {
            **prerequisites,
            **fiche,
            "slug": course.slug,
            "title": course.title,
            "summary": course.summary,
            "audiences": course.audiences,
            "estimated_minutes": course.estimated_minutes,
            "pass_mark": course.pass_mark,
            "certificate_validity_months": course.certificate_validity_months,
            "content_notice": course.content_notice,
            "presentation": course.presentation,
            "modules": modules,
            "assets": image_hashes,
        }
    )
