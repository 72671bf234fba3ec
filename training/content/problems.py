"""Problems found in course files, and the error that carries them to the caller."""

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in one file, printed as `path:line: message` (message in French)."""

    path: Path
    #: 1-based line in `path`; 1 for problems about a whole file or folder.
    line: int
    message: str
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        prefix = "" if self.is_error else "avertissement : "
        return f"{self.path}:{self.line}: {prefix}{self.message}"


class CourseFormatError(Exception):
    """A course (or a catalogue) that cannot be read: carries every problem found, sorted."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]
