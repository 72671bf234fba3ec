"""Fixtures of the content tests: copies of the example course to break in many ways."""

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "exemple-cours"
CATALOGUE = ROOT / "courses"
LESSON = "01-decouvrir/01-les-trois-elements.md"
OTHER_LESSON = "01-decouvrir/02-a-qui-signaler.md"
QUIZ = "02-verifier/01-quiz.md"


class CourseFolder:
    """A writable copy of the example course, with helpers to edit its files."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __truediv__(self, name: str) -> Path:
        return self.path / name

    def read(self, name: str) -> str:
        return (self.path / name).read_text(encoding="utf-8")

    def write(self, name: str, text: str) -> Path:
        target = self.path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def replace(self, name: str, old: str, new: str) -> None:
        text = self.read(name)
        assert old in text, f"{old!r} is not in {name}"
        self.write(name, text.replace(old, new, 1))

    def append(self, name: str, text: str) -> None:
        self.write(name, self.read(name) + text)

    def line_of(self, name: str, fragment: str) -> int:
        lines = self.read(name).split("\n")
        return next(number for number, line in enumerate(lines, 1) if fragment in line)


def copy_example(destination: Path, slug: str = "exemple-cours") -> CourseFolder:
    folder = destination / slug
    shutil.copytree(EXAMPLE, folder)
    course = CourseFolder(folder)
    if slug != "exemple-cours":
        course.replace("course.md", "slug: exemple-cours", f"slug: {slug}")
    return course


@pytest.fixture
def course(tmp_path: Path) -> CourseFolder:
    return copy_example(tmp_path / "catalogue")


def catalogue_courses() -> list[Path]:
    if not CATALOGUE.is_dir():
        return []
    return sorted(path for path in CATALOGUE.iterdir() if (path / "course.md").is_file())


def with_prerequisites(folder: Path) -> list[Path]:
    """The catalogue courses `folder` names as prerequisites, then `folder`: what imports alone."""
    from training.content.parser import parse_course

    return [CATALOGUE / slug for slug in parse_course(folder).prerequisites] + [folder]
