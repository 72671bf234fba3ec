"""Property-based tests: whatever the folder holds, the parser returns a course or raises
CourseFormatError, and never anything else."""

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from training.content.parsed import ParsedCourse
from training.content.parser import COURSE_KEYS, STEP_KEYS, parse_course
from training.content.problems import CourseFormatError, Problem

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-5, max_value=200)
    | st.sampled_from(["lesson", "quiz", "exemple", "autre", "magistrat", "01-a"])
    | st.text(max_size=12)
)
yaml_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=6,
)
keys = st.sampled_from([*COURSE_KEYS, *STEP_KEYS, "title"]) | st.text(max_size=8)
MARKDOWN_PIECES = [
    "## Question ?\n", "- (x) Oui\n", "- ( ) Non\n", "- [x] A\n", "- [ ] B\n", "  > retour\n",
    "> citation\n", "::: a-retenir\n", "::: cas-pratique Titre\n", ":::\n", "::: inconnu\n",
    "[lien](../02-b/01-c.md)", "[site](https://exemple.fr)", "[mal](javascript:x)",
    "![image](../images/x.png)", "![i](images/x.png)", "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "<script>alert(1)</script>", "`code`", "*", "#", "\n", "\n\n", "texte ", "    ", "Vrai", "Faux",
    "1. un\n", "---\n", "```\nbloc\n```\n", "- " * 30, "> " * 30, "\t", "\r\n", "\x00",
]  # fmt: skip
markdown = st.lists(st.sampled_from(MARKDOWN_PIECES) | st.text(max_size=8), max_size=25).map(
    "".join
)


@st.composite
def markdown_files(draw) -> str:
    """A Markdown file: usually front matter and body, sometimes anything at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=60))
    fields = draw(st.dictionaries(keys, yaml_values, max_size=8))
    try:
        header = yaml.safe_dump(fields, allow_unicode=True)
    except yaml.YAMLError:
        header = ""
    if draw(st.booleans()):
        header = draw(st.sampled_from(["kind: quiz\ntitle: Q\n", "kind: lesson\ntitle: L\n"]))
    return f"---\n{header}---\n{draw(markdown)}"


names = st.sampled_from(["01-a", "02-b", "01-c", "03-d", "1-e", "01-é", "images", "notes"])


@st.composite
def course_folders(draw) -> dict[str, bytes]:
    """Relative path -> bytes of every file of a random course folder named `exemple`."""
    files: dict[str, bytes] = {}
    if draw(st.integers(0, 9)):
        header = {
            "slug": "exemple",
            "title": "T",
            "summary": "S",
            "audiences": ["autre"],
            "estimated_minutes": 5,
            "pass_mark": 50,
        }
        header.update(draw(st.dictionaries(keys, yaml_values, max_size=3)))
        files["course.md"] = f"---\n{yaml.safe_dump(header)}---\n{draw(markdown)}".encode()
    for module in draw(st.lists(names, max_size=3, unique=True)):
        if draw(st.integers(0, 5)):
            files[f"{module}/module.md"] = draw(markdown_files()).encode()
        for step in draw(st.lists(names, max_size=3, unique=True)):
            files[f"{module}/{step}.md"] = draw(markdown_files()).encode(errors="surrogatepass")
    if draw(st.booleans()):
        files["images/x.png"] = draw(st.sampled_from([b"\x89PNG\r\n\x1a\n", b"", b"<svg>"]))
    if draw(st.integers(0, 4)) == 0:
        files["01-a/02-b.md"] = draw(st.binary(max_size=40))
    return files


def parse_or_error(folder: Path) -> tuple[ParsedCourse | None, CourseFormatError | None]:
    try:
        return parse_course(folder), None
    except CourseFormatError as error:
        return None, error


def write_folder(root: Path, files: dict[str, bytes]) -> Path:
    folder = root / "exemple"
    folder.mkdir()
    for name, data in files.items():
        target = folder / name
        if target.exists() and target.is_dir():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return folder


@SETTINGS
@given(files=course_folders())
def test_the_parser_returns_a_course_or_raises_course_format_error(files):
    with tempfile.TemporaryDirectory() as tmp:
        course, error = parse_or_error(write_folder(Path(tmp), files))
    if error is not None:
        assert error.errors, "a CourseFormatError carries at least one error"
        assert all(isinstance(problem, Problem) for problem in error.problems)
        assert all(problem.line >= 1 for problem in error.problems)
    else:
        assert len(course.content_hash) == 64
        assert all(not problem.is_error for problem in course.warnings)


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéèàç'", min_size=1, max_size=10)
sentences = st.lists(words, min_size=1, max_size=6).map(" ".join)
questions = st.lists(
    st.tuples(
        sentences,
        st.lists(st.tuples(sentences, st.booleans(), sentences), min_size=2, max_size=6),
    ),
    min_size=1,
    max_size=4,
)


@SETTINGS
@given(questions=questions)
def test_a_written_quiz_reads_back_as_written(questions):
    body = ""
    for prompt, choices in questions:
        body += f"## {prompt}\n\n"
        for text, is_correct, feedback in choices:
            body += f"- [{'x' if is_correct else ' '}] {text}\n  > {feedback}\n"
        body += "\n"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "exemple"
        (folder / "01-m").mkdir(parents=True)
        (folder / "course.md").write_text(
            "---\nslug: exemple\ntitle: T\nsummary: S\naudiences: [autre]\n"
            "estimated_minutes: 1\npass_mark: 50\n---\n"
        )
        (folder / "01-m" / "module.md").write_text("---\ntitle: M\n---\n")
        (folder / "01-m" / "01-q.md").write_text(f"---\nkind: quiz\ntitle: Q\n---\n{body}")
        course, error = parse_or_error(folder)
    if error is not None:
        assert any(not any(choice[1] for choice in choices) for _prompt, choices in questions)
        assert "aucune bonne réponse" in str(error)
        return
    assert [
        (question.prompt, [(c.text, c.is_correct, c.feedback) for c in question.choices])
        for question in course.steps[0].questions
    ] == questions
