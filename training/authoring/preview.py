"""The preview of one file of a draft, as the text stands in the editor (saved or not).

The file is read by the parser's own functions (front matter, quiz syntax) and rendered by the
learners' renderer with the review notes shown, knowing the draft's steps and images, so that
what the trainer previews is what learners will read, plus the notes between trainers.
"""

import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import sqlalchemy as sa

from training.authoring.drafts import MODULE_FILE
from training.authoring.models import CourseDraft, DraftAsset
from training.content.files import read_document
from training.content.parsed import ParsedQuestion, ParsedStage
from training.content.problems import Problem
from training.content.quiz import QuizParser
from training.content.renderer import CourseRenderer, Source
from training.content.scenario import ScenarioParser
from training.extensions import db


@dataclass
class FilePreview:
    title: str
    body_html: str = ""
    questions: list[ParsedQuestion] = field(default_factory=list)
    stages: list[ParsedStage] = field(default_factory=list)
    #: What reading this text alone found (the whole draft's check says more).
    problems: list[Problem] = field(default_factory=list)


def preview_file(draft: CourseDraft, path: str, text: str) -> FilePreview:
    """`text`, as the file `path` of `draft`, rendered for the trainer."""
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory(prefix="draft-preview-") as temporary:
        written = Path(temporary) / PurePosixPath(path).name
        written.write_text(text, encoding="utf-8")
        document = read_document(written, problems)
    problems = [_located(problem, path) for problem in problems]
    if document is None:
        return FilePreview(title=path, problems=problems)
    renderer = CourseRenderer(step_keys(draft), image_paths(draft), show_review_notes=True)
    folder = str(PurePosixPath(path).parent) if "/" in path else ""
    source = Source(Path(path), folder, document.body_line)
    preview = FilePreview(title=str(document.fields.get("title") or path))
    if document.fields.get("kind") == "quiz":
        intro, preview.questions = QuizParser(renderer, source).parse(document.body)
        preview.body_html = renderer.render(intro, source) if intro else ""
    elif document.fields.get("kind") == "scenario":
        intro, preview.stages = ScenarioParser(renderer, source).parse(document.body)
        preview.body_html = renderer.render(intro, source) if intro else ""
    else:
        preview.body_html = renderer.render(document.body, source)
    preview.problems = problems + renderer.problems
    return preview


def step_keys(draft: CourseDraft) -> set[str]:
    return {
        path.removesuffix(".md")
        for path in draft.files
        if "/" in path and PurePosixPath(path).name != MODULE_FILE
    }


def image_paths(draft: CourseDraft) -> set[str]:
    return set(
        db.session.scalars(sa.select(DraftAsset.path).where(DraftAsset.draft_id == draft.id))
    )


def _located(problem: Problem, path: str) -> Problem:
    return Problem(Path(path), problem.line, problem.message, problem.severity)
