"""GIFT (Moodle's quiz format): reading each feature, reporting what is left out with its line,
refusing hostile files, and writing back GIFT and quiz files that read as the same questions."""

import contextlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from training.content.gift import (
    MAX_GIFT_BYTES,
    GiftError,
    ParsedGift,
    parse_gift,
    quiz_markdown,
    to_gift,
)
from training.content.parsed import ParsedChoice, ParsedQuestion
from training.content.quiz import QuizParser
from training.content.renderer import CourseRenderer, Source

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def only(text: str) -> ParsedQuestion:
    parsed = parse_gift(text)
    assert [p for p in parsed.problems if p.is_error] == [], parsed.problems
    [question] = parsed.questions
    return question


def choices(question: ParsedQuestion) -> list[tuple[str, bool, str]]:
    return [(c.text, c.is_correct, c.feedback) for c in question.choices]


def messages(parsed: ParsedGift) -> list[tuple[int, str, str]]:
    return [(p.line, p.severity, p.message) for p in parsed.problems]


def test_single_choice_with_feedback_and_general_feedback():
    question = only(
        "::Q1:: Un employeur garde le passeport d'un salarié. C'est :{\n"
        "  =un indicateur#Oui : confiscation.\n"
        "  ~une pratique courante#Non.\n"
        "  ####Voir la leçon.\n"
        "}\n"
    )

    assert question.kind == "single"
    assert question.prompt == "Un employeur garde le passeport d'un salarié. C'est :"
    assert choices(question) == [
        ("un indicateur", True, "Oui : confiscation."),
        ("une pratique courante", False, "Non."),
    ]
    assert question.explanation == "Voir la leçon."


def test_multiple_choice_with_weights():
    question = only("Éléments ?{~%50%L'acte#Oui ~%50%Le but ~%-100%La nationalité#Non}")

    assert question.kind == "multiple"
    assert choices(question) == [
        ("L'acte", True, "Oui"),
        ("Le but", True, ""),
        ("La nationalité", False, "Non"),
    ]


def test_weights_that_do_not_add_up_are_reported():
    parsed = parse_gift("Q ?{~%50%A ~%20%B ~%-100%C}")

    assert parsed.questions[0].kind == "multiple"
    assert "font 70 %" in parsed.problems[0].message


@pytest.mark.parametrize(
    ("answers", "true_is_correct", "true_feedback", "false_feedback"),
    [
        ("{T}", True, "", ""),
        ("{TRUE#Non, c'est vrai.#Bravo.}", True, "Bravo.", "Non, c'est vrai."),
        ("{F#Faux \\: consentement indifférent.}", False, "Faux : consentement indifférent.", ""),
        ("{FALSE##Exact.####Article 225-4-1.}", False, "", "Exact."),
    ],
)  # fmt: skip
def test_true_false(answers, true_is_correct, true_feedback, false_feedback):
    question = only(f"Le consentement efface l'infraction.{answers}")

    assert question.kind == "true_false"
    assert choices(question) == [
        ("Vrai", true_is_correct, true_feedback),
        ("Faux", not true_is_correct, false_feedback),
    ]


def test_escaped_characters():
    question = only(
        "Que vaut \\{a\\} \\= 1 \\# \\~ 2 \\: ?{=oui \\~ \\= \\# \\{ \\} \\: \\\\ fin ~non\\nsuite}"
    )

    assert question.prompt == "Que vaut {a} = 1 # ~ 2 : ?"
    assert choices(question)[0][0] == "oui ~ = # { } : \\ fin"
    assert choices(question)[1][0] == "non\nsuite"


def test_comments_titles_blank_lines_and_category():
    parsed = parse_gift(
        "// commentaire\n$CATEGORY: $course$/Traite\n\n"
        "::Titre \\: long:: Q1 ?{=a ~b}\n\n\n"
        "// autre\n[markdown]**Q2** ?{=c ~d}\n"
    )

    assert [q.prompt for q in parsed.questions] == ["Q1 ?", "**Q2** ?"]
    assert messages(parsed) == [
        (2, "warning", parsed.problems[0].message),
    ]
    assert "catégorie Moodle ignorée ($course$/Traite)" in parsed.problems[0].message


def test_context_after_a_blank_line_in_the_question_text():
    question = only("[markdown]Que faites-vous ?\\n\\nUn élève manque les cours.{=A ~B}")

    assert (question.prompt, question.context) == (
        "Que faites-vous ?",
        "Un élève manque les cours.",
    )


def test_missing_word_keeps_a_blank():
    question = only("La traite est un {=crime ~délit} puni par la loi.")

    assert question.prompt == "La traite est un _____ puni par la loi."


def test_html_is_converted_to_text_never_kept():
    parsed = parse_gift(
        "[html]<p>Texte <b>gras</b></p><script>alert(1)</script>?{=<i>Oui</i> ~Non}"
    )

    [question] = parsed.questions
    assert question.prompt == "Texte gras\n?".replace("\n", " ")
    assert question.choices[0].text == "Oui"
    assert "script" not in repr(question)
    assert "alert" not in repr(question)
    assert parsed.problems[0].severity == "warning"
    assert "[html]" in parsed.problems[0].message


def test_partial_credit_on_a_single_choice_is_dropped_with_a_note():
    parsed = parse_gift("Q ?{=A ~%50%B ~C}")

    assert choices(parsed.questions[0]) == [("A", True, ""), ("B", False, ""), ("C", False, "")]
    assert "crédit partiel" in parsed.problems[0].message


def test_vrai_faux_as_a_single_choice_is_a_true_false():
    assert only("Q ?{=Vrai ~Faux}").kind == "true_false"


def test_unsupported_questions_are_reported_with_their_line():
    parsed = parse_gift(
        "Bonne ?{=a ~b}\n"
        "\n"
        "// numérique\n"
        "Combien ?{#4:1}\n"
        "\n"
        "Associez.{\n"
        "=a -> b\n"
        "=c -> d\n"
        "}\n"
        "\n"
        "Capitale ?{=Paris =paris}\n"
        "\n"
        "Racontez.{}\n"
        "\n"
        "Simple texte sans réponses.\n"
        "\n"
        "Deux bonnes ?{=a =b ~c}\n"
        "\n"
        "Non fermée {=a ~b\n"
        "\n"
        "Imbriquée {=a {~b}}\n"
        "\n"
        "Une seule réponse ?{~%100%a}\n"
        "\n"
        "::Titre sans fin Q ?{=a ~b}\n"
    )

    assert [q.prompt for q in parsed.questions] == ["Bonne ?"]
    found = [(p.line, p.message.split(" ")[1]) for p in parsed.problems]
    assert [line for line, _ in found] == [4, 6, 11, 13, 15, 17, 19, 21, 23, 25]
    text = "\n".join(p.message for p in parsed.problems)
    for expected in [
        "numérique",
        "appariement",
        "réponse courte",
        "composition",
        "description",
        "2 réponses « = »",
        "non fermée",
        "\\{",
        "de 2 à 20 réponses",
        "titre non fermé",
    ]:
        assert expected in text
    assert all(p.is_error for p in parsed.problems)


@pytest.mark.parametrize(
    "data",
    [
        b"Q ?{=a ~b}\n" * (MAX_GIFT_BYTES // 10),
        b"Q ?{=caf\xe9 ~b}\n",
        b"\xff\xfe\x00Q",
    ],
    ids=["huge", "latin-1", "utf-16"],
)
def test_unreadable_files_are_refused_with_a_message(data):
    with pytest.raises(GiftError) as error:
        parse_gift(data)

    assert str(error.value)[0].islower()
    assert "Ko" in str(error.value) or "UTF-8" in str(error.value)


def test_deep_braces_and_long_lines_are_reported_not_crashed():
    parsed = parse_gift("Q " + "{" * 50_000 + "}" * 50_000 + "\n\nR ?" + "~" * 100_000)

    assert parsed.questions == []
    assert len(parsed.problems) == 2


def test_a_bom_and_windows_line_endings_are_accepted():
    parsed = parse_gift("\ufeffQ1 ?{=a ~b}\r\n\r\nQ2 ?{=c ~d}\r\n".encode())

    assert [q.prompt for q in parsed.questions] == ["Q1 ?", "Q2 ?"]


GIFT_PIECES = [
    "{", "}", "=", "~", "#", "####", "::", "\\", "\\{", "\\n", "%50%", "%-100%", "->", "T",
    "FALSE", "[html]", "[markdown]", "<b>", "$CATEGORY: x", "//", "\n", "\n\n", " ", "a", "é",
    "\x00", "\ue001",
]  # fmt: skip


@SETTINGS
@given(st.lists(st.sampled_from(GIFT_PIECES) | st.text(max_size=6), max_size=40).map("".join))
def test_the_parser_raises_nothing_but_its_own_error(text):
    try:
        parsed = parse_gift(text)
    except GiftError:
        return
    for question in parsed.questions:
        assert 2 <= len(question.choices) <= 20
        assert question.kind in ("single", "multiple", "true_false")
        assert any(choice.is_correct for choice in question.choices)


@SETTINGS
@given(st.binary(max_size=200))
def test_the_parser_raises_nothing_but_its_own_error_on_bytes(data):
    with contextlib.suppress(GiftError):
        parse_gift(data)


# --- Round trips ------------------------------------------------------------------------------

GIFT_ALPHABET = "abcdeéèàçXYZ0123456789,.;!?'’«»()-_*`[]%~=#{}:\\/>|<&"
SAFE_ALPHABET = "abcdeéèàçXYZ0123456789,.;!?'’«»()%"


def words(alphabet: str, max_words: int = 5) -> st.SearchStrategy[str]:
    word = st.text(alphabet=alphabet, min_size=1, max_size=7)
    return st.lists(word, min_size=1, max_size=max_words).map(" ".join)


def paragraphs(alphabet: str) -> st.SearchStrategy[str]:
    return st.lists(words(alphabet), min_size=1, max_size=3).map("\n".join)


@st.composite
def questions(draw, alphabet: str) -> ParsedQuestion:
    kind = draw(st.sampled_from(["single", "multiple", "true_false"]))
    optional = st.just("") | paragraphs(alphabet)
    if kind == "true_false":
        true_is_correct = draw(st.booleans())
        choice_list = [
            ParsedChoice("Vrai", true_is_correct, draw(optional)),
            ParsedChoice("Faux", not true_is_correct, draw(optional)),
        ]
    else:
        count = draw(st.integers(min_value=2, max_value=20))
        texts = draw(st.lists(words(alphabet), min_size=count, max_size=count))
        if kind == "single":
            right = draw(st.integers(min_value=0, max_value=count - 1))
            flags = [index == right for index in range(count)]
            if sorted(t.casefold() for t in texts) == ["faux", "vrai"]:
                kind = "true_false"
        else:
            flags = draw(st.lists(st.booleans(), min_size=count, max_size=count))
            flags[draw(st.integers(min_value=0, max_value=count - 1))] = True
        choice_list = [
            ParsedChoice(text, flag, draw(optional))
            for text, flag in zip(texts, flags, strict=True)
        ]
    return ParsedQuestion(
        kind=kind,
        prompt=draw(words(alphabet, 8)),
        context=draw(optional),
        explanation=draw(optional),
        choices=choice_list,
    )


@SETTINGS
@given(st.lists(questions(GIFT_ALPHABET), min_size=1, max_size=5))
def test_gift_round_trip(original):
    parsed = parse_gift(to_gift(original))

    assert [p for p in parsed.problems if p.is_error] == []
    assert parsed.questions == original


@SETTINGS
@given(st.lists(questions(SAFE_ALPHABET), min_size=1, max_size=5))
def test_quiz_file_round_trip(original):
    text = quiz_markdown(original, "Quiz importé")
    body = text.split("---\n", 2)[2]
    renderer = CourseRenderer(set(), set())

    _intro, parsed = QuizParser(renderer, Source(Path("quiz.md"), "", 4)).parse(body)

    assert [p for p in renderer.problems if p.is_error] == []
    for question in parsed:
        question.prompt_html = question.context_html = question.explanation_html = ""
        for choice in question.choices:
            choice.text_html = choice.feedback_html = ""
    assert parsed == original


def test_exported_gift_uses_what_moodle_accepts():
    gift = to_gift(
        [
            ParsedQuestion(
                "multiple",
                "Éléments ?",
                "",
                "Voir l'article 225-4-1.",
                [
                    ParsedChoice("L'acte", True, "Oui."),
                    ParsedChoice("Le moyen", True, ""),
                    ParsedChoice("Le but", True, ""),
                    ParsedChoice("La nationalité", False, "Non : sans rapport."),
                ],
            ),
            ParsedQuestion(
                "true_false", "Le consentement compte ?", "", "",
                [ParsedChoice("Vrai", False, "Non."), ParsedChoice("Faux", True, "Exact.")],
            ),
            ParsedQuestion(
                "single", "{Un} = deux ?", "", "",
                [ParsedChoice("%5% oui", False, ""), ParsedChoice("non", True, "")],
            ),
        ]
    )  # fmt: skip

    assert gift == (
        "// Question 1\n"
        "[markdown]Éléments ? {\n"
        "\t~%33.33333%L'acte#Oui.\n"
        "\t~%33.33333%Le moyen\n"
        "\t~%33.33333%Le but\n"
        "\t~%-100%La nationalité#Non \\: sans rapport.\n"
        "\t####Voir l'article 225-4-1.\n"
        "}\n"
        "\n"
        "// Question 2\n"
        "[markdown]Le consentement compte ? {\n"
        "\tF#Non.#Exact.\n"
        "}\n"
        "\n"
        "// Question 3\n"
        "[markdown]\\{Un\\} \\= deux ? {\n"
        "\t~%0%%5% oui\n"
        "\t=non\n"
        "}\n"
    )


# --- Command line -----------------------------------------------------------------------------


def run(app, *args):
    return app.test_cli_runner().invoke(args=["courses", *map(str, args)])


def test_gift_import_writes_a_quiz_the_validator_accepts(app, tmp_path):
    from tests.content.conftest import QUIZ, copy_example
    from training.content.parser import parse_course

    source = tmp_path / "banque.gift"
    source.write_text(
        "$CATEGORY: Traite\n\nQ1 ?{=a#Oui. ~b#Non.}\n\nCombien ?{#4}\n\nQ2 ?{T#Non.#Oui.}\n",
        encoding="utf-8",
    )
    course = copy_example(tmp_path / "cours")
    out = course / "02-verifier" / "02-banque.md"

    result = run(app, "gift-import", source, out, "--title", "Banque importée")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{source}:1: avertissement : catégorie Moodle ignorée (Traite) : sur la plateforme,"
        " un fichier de quiz tient lieu de catégorie",
        f"{source}:5: question numérique non prise en charge",
        f"2 questions reprises, 1 question non reprise ; fichier : {out}.",
    ]
    parsed = parse_course(course.path)
    step = next(step for step in parsed.steps if step.key == "02-verifier/02-banque")
    assert [q.prompt for q in step.questions] == ["Q1 ?", "Q2 ?"]
    assert step.title == "Banque importée"
    assert (course / QUIZ).is_file()


def test_gift_import_refuses_unreadable_files_and_existing_outputs(app, tmp_path):
    source = tmp_path / "banque.gift"
    source.write_bytes(b"Q ?{=caf\xe9 ~b}")
    existing = tmp_path / "existant.md"
    existing.write_text("garde-moi", encoding="utf-8")

    unreadable = run(app, "gift-import", source, tmp_path / "out.md")
    overwrite = run(app, "gift-import", source, existing)

    assert unreadable.exit_code == overwrite.exit_code == 1
    assert "n'est pas en UTF-8" in unreadable.output
    assert not (tmp_path / "out.md").exists()
    assert "existe déjà" in overwrite.output
    assert existing.read_text(encoding="utf-8") == "garde-moi"


def test_gift_export_prints_a_quiz_that_reads_back_the_same(app, example_course):
    from tests.content.conftest import EXAMPLE, QUIZ
    from training.content.parser import parse_course

    result = run(app, "gift-export", "exemple-cours", QUIZ.removesuffix(".md"))
    unknown = run(app, "gift-export", "exemple-cours", "01-decouvrir/01-les-trois-elements")

    assert result.exit_code == 0, result.output
    expected = next(s for s in parse_course(EXAMPLE).steps if s.key == QUIZ[:-3]).questions
    for question in expected:
        question.prompt_html = question.context_html = question.explanation_html = ""
        for choice in question.choices:
            choice.text_html = choice.feedback_html = ""
    assert parse_gift(result.output).questions == expected
    assert unknown.exit_code == 1
    assert "Introuvable" in unknown.output
