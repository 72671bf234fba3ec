"""A quiz step file as data and back: what `write_quiz` writes reads back as the same quiz
(hypothesis), the example quiz is written back byte for byte, each line's field is known, and
Markdown typed in a text stays text."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from training.content.parsed import ParsedChoice, ParsedQuestion
from training.content.quiz_file import Place, QuizFile, heading, is_quiz, read_quiz, write_quiz

from .conftest import EXAMPLE, QUIZ

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Characters a trainer may type that mean something in Markdown, YAML or a template.
HOSTILE = "abcéèàçXYZ0123456789 ,.;:!?'’\"«»()[]{}<>/\\|#*_`~=+-%&$@^"
LETTERS = "abcdeéèàçXYZ"


def one_line(alphabet: str = HOSTILE, max_size: int = 40) -> st.SearchStrategy[str]:
    """A text on one line as the form sends it: no surrounding spaces, one space between words."""
    return (
        st.text(alphabet=alphabet, min_size=1, max_size=max_size)
        .map(lambda text: " ".join(text.split()))
        .filter(bool)
    )


def block_line() -> st.SearchStrategy[str]:
    """A line of a paragraph: it starts with a letter (a line starting with « - », « > » or
    « ## » is Markdown structure, which the check reports), then anything."""
    return st.builds(lambda first, rest: (first + rest).rstrip(), st.sampled_from(LETTERS),
                     st.text(alphabet=HOSTILE, max_size=30))  # fmt: skip


def paragraphs() -> st.SearchStrategy[str]:
    paragraph = st.lists(block_line(), min_size=1, max_size=3).map("\n".join)
    return st.lists(paragraph, min_size=1, max_size=2).map("\n\n".join)


def feedbacks() -> st.SearchStrategy[str]:
    """A choice's feedback: any lines, since each is written behind « > »."""
    line = st.text(alphabet=HOSTILE, max_size=30).map(str.rstrip)
    return (
        st.lists(line, min_size=1, max_size=4)
        .map(lambda lines: "\n".join(lines).strip("\n"))
        .filter(lambda text: text.strip() == text and text != "")
    )


def optional(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.just("") | strategy


@st.composite
def questions(draw) -> ParsedQuestion:
    kind = draw(st.sampled_from(["single", "multiple", "true_false"]))
    if kind == "true_false":
        true_is_right = draw(st.booleans())
        choices = [
            ParsedChoice("Vrai", true_is_right, draw(optional(feedbacks()))),
            ParsedChoice("Faux", not true_is_right, draw(optional(feedbacks()))),
        ]
    else:
        count = draw(st.integers(min_value=2, max_value=6))
        texts = draw(st.lists(one_line(), min_size=count, max_size=count))
        if kind == "single":
            right = draw(st.integers(min_value=0, max_value=count - 1))
            flags = [number == right for number in range(count)]
            if sorted(text.casefold() for text in texts) == ["faux", "vrai"]:
                kind = "true_false"
        else:
            flags = draw(st.lists(st.booleans(), min_size=count, max_size=count))
            flags[draw(st.integers(min_value=0, max_value=count - 1))] = True
        choices = [
            ParsedChoice(text, flag, draw(optional(feedbacks())))
            for text, flag in zip(texts, flags, strict=True)
        ]
    return ParsedQuestion(
        kind=kind,
        prompt=draw(one_line()),
        context=draw(optional(paragraphs())),
        explanation=draw(optional(paragraphs())),
        choices=choices,
    )


quizzes = st.builds(
    QuizFile,
    title=one_line(max_size=60),
    estimated_minutes=st.none() | st.integers(min_value=0, max_value=600),
    pass_mark=st.none() | st.integers(min_value=0, max_value=100),
    max_attempts=st.none() | st.integers(min_value=1, max_value=20),
    shuffle=st.booleans(),
    intro=optional(paragraphs()),
    questions=st.lists(questions(), min_size=1, max_size=4),
)


@SETTINGS
@given(quizzes)
def test_a_written_quiz_reads_back_as_the_same_quiz(quiz):
    written = write_quiz(quiz)

    reading = read_quiz(written.text)

    assert reading.errors == [], written.text
    assert reading.quiz == quiz


@SETTINGS
@given(quizzes)
def test_every_line_of_a_written_quiz_names_its_field(quiz):
    written = write_quiz(quiz)
    lines = written.text.split("\n")

    for number, line in enumerate(lines[:-1], start=1):
        place = written.place_of(number)
        if line.startswith("## "):
            assert place.part == "prompt"
        elif line.startswith(("- (", "- [")):
            assert place.part == "choice"
        elif line.startswith("  >"):
            assert place.part == "feedback"
        elif line == "---":
            assert place is None
    assert written.place_of(0) is None
    assert written.place_of(len(lines) + 1) is None


def test_the_example_quiz_is_written_back_byte_for_byte():
    text = (EXAMPLE / QUIZ).read_text(encoding="utf-8")

    reading = read_quiz(text, Path(QUIZ), step_keys={"01-decouvrir/01-les-trois-elements"})

    assert reading.problems == []
    assert [question.kind for question in reading.quiz.questions] == [
        "single", "multiple", "true_false",
    ]  # fmt: skip
    assert (reading.quiz.title, reading.quiz.pass_mark, reading.quiz.max_attempts) == (
        "Les trois éléments", 80, 3,
    )  # fmt: skip
    assert reading.quiz.shuffle is True
    assert write_quiz(reading.quiz).text == text


def test_a_problem_is_placed_at_the_field_of_its_line():
    quiz = QuizFile(
        title="Quiz",
        intro="Lisez [ceci](../01-m/99-absent.md).",
        questions=[
            ParsedQuestion("single", "Première ?", "", "", [ParsedChoice("Oui", True, "Bien.")]),
            ParsedQuestion(
                "multiple", "Deuxième ?", "", "",
                [ParsedChoice("A", False, "Non."), ParsedChoice("", False, "")],
            ),
        ],
    )  # fmt: skip
    written = write_quiz(quiz)

    reading = read_quiz(written.text, Path("01-m/01-quiz.md"), step_keys={"01-m/01-quiz"})

    placed = {
        (written.place_of(p.line), p.severity, p.message.split(" :")[0]) for p in reading.problems
    }
    assert placed == {
        (Place("intro"), "error", "lien vers une étape qui n'existe pas"),
        (Place("prompt", 0), "error", "une question a de 2 à 20 choix (1 trouvés)"),
        (Place("prompt", 1), "error", "aucune bonne réponse"),
        (Place("choice", 1, 1), "error", "choix vide"),
        (Place("choice", 1, 1), "warning", "choix sans retour"),
    }


def test_markdown_typed_in_a_choice_stays_the_choice_text():
    texts = ["<script>alert(1)</script>", "{{7*7}}", "> citation", "- [x] piège", "(x) faux"]
    quiz = QuizFile(
        title="Quiz : « piégé »",
        questions=[
            ParsedQuestion(
                "single", "Laquelle ? ##", "", "",
                [ParsedChoice(text, number == 0, "") for number, text in enumerate(texts)],
            )
        ],
    )  # fmt: skip
    written = write_quiz(quiz)

    reading = read_quiz(written.text)

    assert reading.errors == []
    assert reading.quiz == quiz
    assert heading("Laquelle ? ##") == "## Laquelle ? ## #"
    assert "- ( ) > citation\n- ( ) - [x] piège\n- ( ) (x) faux\n" in written.text


def test_a_lesson_or_an_unreadable_header_is_no_quiz():
    lesson = "---\nkind: lesson\ntitle: Leçon\n---\nTexte.\n"

    assert read_quiz(lesson).quiz is None
    assert "n'est pas un quiz" in read_quiz(lesson).problems[-1].message
    assert read_quiz("pas d'en-tête").quiz is None
    assert not is_quiz(lesson)
    assert is_quiz((EXAMPLE / QUIZ).read_text(encoding="utf-8"))
