"""A quiz step file as data and back: `read_quiz` reads one as `flask courses check` does, and
`write_quiz` writes one in the course file format (docs/format-des-cours.md), saying which field
each line holds, so that a problem found at a line can be shown next to the field it concerns.

Every quiz the format can hold comes back unchanged: `read_quiz(write_quiz(quiz).text).quiz ==
quiz`, for texts as the parser keeps them (without surrounding blank lines or spaces; a question
on one line, its words one space apart; a choice in one paragraph). The texts are Markdown,
written as they are: Markdown that changes the file's structure (a `## ` line in an explanation
starts a new question) is reported by the check, not escaped away.
"""

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from training.content.files import parse_document
from training.content.parsed import ParsedChoice, ParsedQuestion
from training.content.parser import build_step
from training.content.problems import Problem
from training.content.renderer import CourseRenderer


@dataclass
class QuizFile:
    """What a quiz step file says: its settings, its introduction and its questions (their
    `*_html` fields left empty)."""

    title: str
    estimated_minutes: int | None = None
    #: None: the course's pass mark applies.
    pass_mark: int | None = None
    #: None: as many attempts as the learner wants.
    max_attempts: int | None = None
    shuffle: bool = False
    #: Markdown shown before the first question.
    intro: str = ""
    questions: list[ParsedQuestion] = field(default_factory=list)

    def front_matter(self) -> dict[str, Any]:
        """The header's keys, in the order of the exported files; unset ones left out."""
        fields = {
            "kind": "quiz",
            "title": self.title,
            "estimated_minutes": self.estimated_minutes,
            "pass_mark": self.pass_mark,
            "max_attempts": self.max_attempts,
            "shuffle": True if self.shuffle else None,
        }
        return {key: value for key, value in fields.items() if value is not None}


@dataclass(frozen=True)
class Place:
    """What a line of a written quiz holds: a key of the header (`part` is the key), the
    introduction (« intro »), or a part of a question (« prompt », « context », « choice »,
    « feedback », « explanation »), with the question's and the choice's index (from 0)."""

    part: str
    question: int | None = None
    choice: int | None = None


@dataclass(frozen=True)
class WrittenQuiz:
    text: str
    #: The place of each line, the first line at index 0; None for a line of structure
    #: (« --- », a blank line).
    places: tuple[Place | None, ...]

    def place_of(self, line: int) -> Place | None:
        """The place of the line numbered `line` (from 1), if it holds a field."""
        return self.places[line - 1] if 1 <= line <= len(self.places) else None


@dataclass(frozen=True)
class QuizReading:
    #: None if the file is not a quiz or its header cannot be read.
    quiz: QuizFile | None
    #: Every problem of the file (errors and warnings), sorted by line.
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]


def read_quiz(
    text: str,
    path: Path = Path("quiz.md"),
    *,
    step_keys: set[str] | frozenset[str] = frozenset(),
    image_paths: set[str] | frozenset[str] = frozenset(),
) -> QuizReading:
    """The quiz written in `text`, as the file `path` ("<module>/<name>.md") of a course whose
    steps and images are `step_keys` and `image_paths` (for the checks of links and images),
    and every problem the course check reports in it, with the same messages and lines."""
    problems: list[Problem] = []
    document = parse_document(path, text.replace("\r\n", "\n").replace("\r", "\n"), problems)
    if document is None:
        return QuizReading(None, problems)
    renderer = CourseRenderer(set(step_keys), set(image_paths))
    step = build_step(path.with_suffix("").as_posix(), document, renderer, problems)
    problems = sorted(problems + renderer.problems)
    if step is None or step.kind != "quiz":
        if step is not None:
            problems.append(
                Problem(
                    path,
                    document.line_of("kind"),
                    "ce fichier n'est pas un quiz : son en-tête indique « kind: lesson »",
                )
            )
        return QuizReading(None, sorted(problems))
    quiz = QuizFile(
        title=step.title,
        estimated_minutes=step.estimated_minutes,
        pass_mark=step.pass_mark,
        max_attempts=step.max_attempts,
        shuffle=step.shuffle,
        intro=step.body,
        questions=[_without_html(question) for question in step.questions],
    )
    return QuizReading(quiz, problems)


def is_quiz(text: str) -> bool:
    """Whether the header of the step file `text` says « kind: quiz »."""
    document = parse_document(Path("step.md"), text, [])
    return document is not None and document.fields.get("kind") == "quiz"


def _without_html(question: ParsedQuestion) -> ParsedQuestion:
    return replace(
        question,
        prompt_html="",
        context_html="",
        explanation_html="",
        choices=[replace(choice, text_html="", feedback_html="") for choice in question.choices],
    )


class _Lines:
    """Lines being written, each with its place."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.places: list[Place | None] = []

    def add(self, text: str, place: Place | None) -> None:
        for line in text.split("\n"):
            self.lines.append(line)
            self.places.append(place)

    def blank(self) -> None:
        self.add("", None)


def write_quiz(quiz: QuizFile) -> WrittenQuiz:
    """The quiz step file of `quiz`, with the place of each of its lines."""
    out = _Lines()
    out.add("---", None)
    for key, value in quiz.front_matter().items():
        dumped = yaml.safe_dump(
            {key: value},
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=False,
            width=1_000_000,
        )
        out.add(dumped.rstrip("\n"), Place(key))
    out.add("---", None)
    blocks_written = False
    if quiz.intro:
        out.add(quiz.intro, Place("intro"))
        blocks_written = True
    for index, question in enumerate(quiz.questions):
        if blocks_written:
            out.blank()
        _write_question(out, index, question)
        blocks_written = True
    return WrittenQuiz("\n".join(out.lines) + "\n", tuple(out.places))


def heading(prompt: str) -> str:
    """The `## ` line of a question. A last word made of « # » alone gets a closing « # »,
    which Markdown drops, so that it is kept as text rather than read as closing the title."""
    text = " ".join(prompt.split())
    if text and set(text.split()[-1]) == {"#"}:
        text += " #"
    return f"## {text}" if text else "##"


def _write_question(out: _Lines, index: int, question: ParsedQuestion) -> None:
    out.add(heading(question.prompt), Place("prompt", index))
    if question.context:
        out.blank()
        out.add(question.context, Place("context", index))
    if question.choices:
        out.blank()
        for number, choice in enumerate(question.choices):
            _write_choice(out, question.kind, choice, Place("choice", index, number))
    if question.explanation:
        out.blank()
        out.add(question.explanation, Place("explanation", index))


def _write_choice(out: _Lines, kind: str, choice: ParsedChoice, place: Place) -> None:
    if kind == "multiple":
        box = "[x]" if choice.is_correct else "[ ]"
    else:
        box = "(x)" if choice.is_correct else "( )"
    first, *rest = choice.text.split("\n")
    out.add(f"- {box} {first}".rstrip(), place)
    for line in rest:
        out.add(f"  {line}" if line else "", place)
    if choice.feedback:
        feedback = Place("feedback", place.question, place.choice)
        for line in choice.feedback.split("\n"):
            out.add(f"  > {line}" if line else "  >", feedback)
