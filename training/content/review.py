"""Review notes (`::: a-valider`): finding them in Markdown, with their line, as data.

A review note is an exchange between a trainer and a reviewer (« check this article of law »),
never content: learners never see it (content/renderer.py leaves it out of their HTML), trainers
find every open note of a course in one list, and a course with open notes is published only
on an admin's explicit confirmation.
"""

import textwrap
from dataclasses import dataclass
from pathlib import Path

from training.content.renderer import REVIEW_NOTE, tokenize

_NOTE_OPEN = f"container_{REVIEW_NOTE}_open"


@dataclass(frozen=True)
class ReviewNote:
    #: Line of the opening `::: a-valider` in its file (1-based).
    line: int
    #: Optional words written after `a-valider` on the opening line.
    title: str
    #: The Markdown inside the note.
    text: str


@dataclass(frozen=True)
class LocatedReviewNote:
    """A note with the file it is in and the module and step that file belongs to."""

    path: Path
    note: ReviewNote
    module_key: str | None = None
    module_title: str | None = None
    step_key: str | None = None
    step_title: str | None = None

    @property
    def line(self) -> int:
        return self.note.line

    @property
    def location(self) -> str:
        """« path:line », as `flask courses check` prints problems."""
        return f"{self.path}:{self.note.line}"

    def describe(self) -> str:
        """One line in French for the command line."""
        summary = " ".join(self.note.text.split())
        if len(summary) > 100:
            summary = summary[:99] + "…"
        title = f" ({self.note.title})" if self.note.title else ""
        return f"{self.location}: à valider{title} : {summary}"


def find_review_notes(text: str, first_line: int = 1) -> list[ReviewNote]:
    """Every review note of a Markdown text, nested ones included, in the order of the text.

    `first_line` is the line of the file on which `text` starts. A `::: a-valider` inside a
    code block is an example, not a note, and is not returned: the Markdown parser decides.
    """
    if REVIEW_NOTE not in text:
        return []
    lines = text.split("\n")
    notes = []
    for token in tokenize(text):
        if token.type != _NOTE_OPEN or not token.map:
            continue
        start, end = token.map
        opening = lines[start]
        prefix = opening[: len(opening) - len(opening.lstrip(" >"))]
        inner = [line.removeprefix(prefix) for line in lines[start + 1 : end]]
        notes.append(
            ReviewNote(
                line=first_line + start,
                title=token.info.strip()[len(REVIEW_NOTE) :].strip(),
                text=textwrap.dedent("\n".join(inner)).strip(),
            )
        )
    return notes
