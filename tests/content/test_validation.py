"""The validator: each rule of the format, reported as `path:line: message` in French."""

from pathlib import Path

import pytest

from training.content.parser import parse_course
from training.content.problems import CourseFormatError, Problem
from training.content.validation import DEFAULT_AUDIENCE_CODES, validate_catalogue

from .conftest import LESSON, QUIZ, CourseFolder, copy_example

VALID_QUESTION = "## Question ?\n\n- (x) Oui\n  > Bien.\n- ( ) Non\n  > Non.\n"


def quiz_with(body: str) -> str:
    return f"---\nkind: quiz\ntitle: Quiz\n---\n{body}"


def choices(count: int, marker: str = "( )") -> str:
    return "".join(f"- {marker} Choix {number}\n  > Retour.\n" for number in range(count))


def errors_of(course: CourseFolder) -> list[Problem]:
    with pytest.raises(CourseFormatError) as error:
        parse_course(course.path)
    return error.value.errors


# (edit of the example course, file of the problem, text on the problem's line, message)
CASES = {
    "invalid YAML": (
        lambda c: c.replace("course.md", "title: \"Cours", "title: [\"Cours"),
        "course.md", "summary:", "en-tête YAML invalide",
    ),
    "missing key": (
        lambda c: c.replace("course.md", "estimated_minutes: 10\n", ""),
        "course.md", "---", "clé obligatoire manquante dans l'en-tête : estimated_minutes",
    ),
    "unknown key": (
        lambda c: c.replace("course.md", "pass_mark: 70", "pass_mark: 70\nauthor: moi"),
        "course.md", "author: moi", "clé inconnue « author »",
    ),
    "slug is not the folder name": (
        lambda c: c.replace("course.md", "slug: exemple-cours", "slug: autre-nom"),
        "course.md", "slug:", "doit être le nom du dossier",
    ),
    "slug with capitals": (
        lambda c: c.replace("course.md", "slug: exemple-cours", "slug: Exemple"),
        "course.md", "slug:", "slug : lettres minuscules",
    ),
    "pass mark out of range": (
        lambda c: c.replace("course.md", "pass_mark: 70", "pass_mark: 101"),
        "course.md", "pass_mark", "pass_mark : nombre entier attendu, de 0 à 100",
    ),
    "text where a number is expected": (
        lambda c: c.replace(QUIZ, "max_attempts: 3", "max_attempts: trois"),
        QUIZ, "max_attempts", "max_attempts : nombre entier attendu, au moins 1",
    ),
    "unknown kind": (
        lambda c: c.replace(LESSON, "kind: lesson", "kind: video"),
        LESSON, "kind:", "« lesson » (leçon), « quiz » ou « scenario » (mise en situation) attendu",
    ),
    "quiz setting on a lesson": (
        lambda c: c.replace(LESSON, "kind: lesson", "kind: lesson\nshuffle: true"),
        LESSON, "shuffle", "shuffle n'est permis que dans un quiz",
    ),
    "no front matter": (
        lambda c: c.write(LESSON, "Du texte sans en-tête.\n"),
        LESSON, "Du texte", "en-tête manquant",
    ),
    "front matter not closed": (
        lambda c: c.write(LESSON, "---\nkind: lesson\ntitle: Sans fin\n"),
        LESSON, "---", "en-tête non fermé",
    ),
    "no correct answer": (
        lambda c: c.replace(QUIZ, "- (x) Faux", "- ( ) Faux"),
        QUIZ, "## Pour un mineur", "aucune bonne réponse",
    ),
    "several correct answers to a single choice": (
        lambda c: c.replace(QUIZ, "- ( ) Vrai", "- (x) Vrai"),
        QUIZ, "## Pour un mineur", "2 bonnes réponses pour une question à choix unique",
    ),
    "mixed boxes": (
        lambda c: c.replace(QUIZ, "- ( ) Vrai", "- [ ] Vrai"),
        QUIZ, "## Pour un mineur", "cases mélangées",
    ),
    "empty choice": (
        lambda c: c.replace(QUIZ, "- [ ] Le lieu de travail", "- [ ]"),
        QUIZ, "- [ ]", "choix vide",
    ),
    "one choice": (
        lambda c: c.write(QUIZ, quiz_with("## Une seule ?\n\n" + choices(1, "(x)"))),
        QUIZ, "## Une seule", "de 2 à 20 choix (1 trouvés)",
    ),
    "question without choices": (
        lambda c: c.write(QUIZ, quiz_with("## Sans choix ?\n\nDu texte.\n")),
        QUIZ, "## Sans choix", "question sans choix",
    ),
    "quiz without question": (
        lambda c: c.write(QUIZ, quiz_with("Seulement une introduction.\n")),
        QUIZ, "Seulement", "quiz sans question",
    ),
    "feedback not indented": (
        lambda c: c.write(QUIZ, quiz_with("## Q ?\n\n- (x) Oui\n> Bien.\n- ( ) Non\n")),
        QUIZ, "> Bien.", "un retour « > » se place sous son choix",
    ),
    "choice without a box": (
        lambda c: c.write(QUIZ, quiz_with("## Q ?\n\n- (x) Oui\n  > Bien.\n- Non\n")),
        QUIZ, "- Non", "choix sans case",
    ),
    "empty question": (
        lambda c: c.write(QUIZ, quiz_with("## \n\n" + choices(2).replace("( )", "(x)", 1))),
        QUIZ, "## ", "question vide : écrivez la question après « ## »",
    ),
    "choice of two paragraphs": (
        lambda c: c.write(QUIZ, quiz_with(
            "## Q ?\n\n- (x) Oui\n\n  Un second paragraphe.\n  > Bien.\n- ( ) Non\n  > Non.\n"
        )),
        QUIZ, "- (x) Oui", "un choix tient en un seul paragraphe de texte",
    ),
    "text after a feedback": (
        lambda c: c.write(QUIZ, quiz_with(
            "## Q ?\n\n- (x) Oui\n  > Bien.\n\n  Encore du texte.\n- ( ) Non\n  > Non.\n"
        )),
        QUIZ, "Encore du texte", "contenu inattendu après le retour du choix",
    ),
    "second list of choices": (
        lambda c: c.write(QUIZ, quiz_with(
            "## Q ?\n\n" + choices(2).replace("( )", "(x)", 1) + "\nExplication.\n\n"
            "- ( ) Choix oublié\n  > Retour.\n"
        )),
        QUIZ, "Choix oublié", "les choix d'une question forment une seule liste",
    ),
    "second list right after the first": (
        lambda c: c.write(QUIZ, quiz_with(
            "## Q ?\n\n" + choices(2).replace("( )", "(x)", 1) + "* ( ) Choix oublié\n"
        )),
        QUIZ, "Choix oublié", "les choix d'une question forment une seule liste",
    ),
    "numbering gap in steps": (
        lambda c: (c / LESSON.replace("01-les", "02-les")).parent.joinpath("04-suite.md")
        .write_text((c / LESSON).read_text()),
        "01-decouvrir/04-suite.md", None, "numérotation : 03 attendu, 04 trouvé",
    ),
    "duplicate step number": (
        lambda c: c.write("01-decouvrir/02-doublon.md", c.read(LESSON)),
        "01-decouvrir/02-doublon.md", None, "numéro 02 déjà pris par 02-a-qui-signaler.md",
    ),
    "module numbering gap": (
        lambda c: (c / "02-verifier").rename(c / "03-verifier"),
        "03-verifier", None, "numérotation : 02 attendu, 03 trouvé",
    ),
    "badly named step": (
        lambda c: c.write("01-decouvrir/3-étape.md", c.read(LESSON)),
        "01-decouvrir/3-étape.md", None, "nom de fichier d'étape invalide",
    ),
    "missing module.md": (
        lambda c: (c / "02-verifier/module.md").unlink(),
        "02-verifier/module.md", None, "fichier manquant : module.md",
    ),
    "missing course.md": (
        lambda c: (c / "course.md").unlink(),
        "course.md", None, "fichier manquant : course.md",
    ),
    "link to a missing image": (
        lambda c: c.replace(LESSON, "../images/trois-elements.svg", "../images/absente.png"),
        LESSON, "![Schéma", "image introuvable : ../images/absente.png",
    ),
    "external image": (
        lambda c: c.replace(LESSON, "../images/trois-elements.svg", "https://exemple.fr/x.png"),
        LESSON, "![Schéma", "image externe refusée",
    ),
    "link to a step that does not exist": (
        lambda c: c.replace(LESSON, "../02-verifier/01-quiz.md", "../02-verifier/09-quiz.md"),
        LESSON, "[quiz]", "lien vers une étape qui n'existe pas : ../02-verifier/09-quiz.md",
    ),
    "link to another kind of file": (
        lambda c: c.replace(LESSON, "(02-a-qui-signaler.md)", "(notes.txt)"),
        LESSON, "[à qui signaler]", "lien relatif non pris en charge (notes.txt)",
    ),
    "unknown callout": (
        lambda c: c.replace(LESSON, "::: a-retenir", "::: a-savoir"),
        LESSON, "::: a-savoir", "encadré inconnu « a-savoir »",
    ),
    "callout not closed": (
        lambda c: c.append(LESSON, "\n::: attention Dernier point\nSans fermeture.\n"),
        LESSON, "::: attention Dernier point", "encadré non fermé",
    ),
    "unsupported image type": (
        lambda c: c.write("images/schema.bmp", "BM"),
        "images/schema.bmp", None, "type d'image non pris en charge",
    ),
    "image that is not what its name says": (
        lambda c: c.write("images/photo.png", "<html>pas une image</html>"),
        "images/photo.png", None, "n'est pas une image PNG valide",
    ),
    "course without module": (
        lambda c: [(c / name).rename(c.path.parent / name.replace("/", "-"))
                   for name in ("01-decouvrir", "02-verifier")],
        "course.md", None, "le cours ne contient aucun module",
    ),
}  # fmt: skip


@pytest.mark.parametrize(("edit", "file", "line_text", "message"), CASES.values(), ids=CASES)
def test_each_rule_is_reported_on_its_line(course, edit, file, line_text, message):
    edit(course)

    problems = [problem for problem in errors_of(course) if message in problem.message]

    assert problems, f"no problem says {message!r}"
    expected_line = 1 if line_text is None else course.line_of(file, line_text)
    assert (problems[0].path, problems[0].line) == (course / file, expected_line)


def test_a_problem_reads_path_line_message(course):
    course.replace(QUIZ, "- (x) Faux", "- ( ) Faux")

    [problem] = errors_of(course)

    line = course.line_of(QUIZ, "## Pour un mineur")
    assert str(problem) == (
        f"{course / QUIZ}:{line}: aucune bonne réponse : marquez-la avec « (x) » ou « [x] »"
    )


def test_the_catalogue_knows_audience_codes(course):
    course.replace("course.md", "  - autre", "  - autre\n  - pompier")

    [problem] = validate_catalogue(course.path.parent, DEFAULT_AUDIENCE_CODES)

    assert problem.line == course.line_of("course.md", "audiences:")
    assert "public inconnu « pompier »" in problem.message
    assert validate_catalogue(course.path.parent, {*DEFAULT_AUDIENCE_CODES, "pompier"}) == []


def test_a_slug_is_unique_across_the_catalogue(tmp_path: Path):
    first = copy_example(tmp_path / "a")
    copy_example(tmp_path / "b")

    from training.content.validation import load_catalogue

    _, problems = load_catalogue([first.path.parent, tmp_path / "b"], DEFAULT_AUDIENCE_CODES)

    [problem] = problems
    assert problem.path == tmp_path / "b" / "exemple-cours" / "course.md"
    assert "slug « exemple-cours » déjà pris" in problem.message


def test_a_catalogue_checks_every_course_folder(tmp_path: Path):
    copy_example(tmp_path, "premier-cours")
    second = copy_example(tmp_path, "second-cours")
    second.replace(QUIZ, "- (x) Faux", "- ( ) Faux")
    (tmp_path / "README.md").write_text("Notes sur le catalogue.\n")
    (tmp_path / "brouillon").mkdir()

    problems = validate_catalogue(tmp_path, DEFAULT_AUDIENCE_CODES)

    assert [(problem.path, problem.message[:20]) for problem in problems] == [
        (tmp_path / "brouillon" / "course.md", "fichier manquant : c"),
        (second / QUIZ, "aucune bonne réponse"),
    ]


def test_a_missing_folder_is_a_problem(tmp_path: Path):
    [problem] = validate_catalogue(tmp_path / "absent", DEFAULT_AUDIENCE_CODES)
    assert problem.message == "dossier introuvable"


def test_an_unexpected_file_is_a_warning(course):
    course.write("notes.txt", "à faire")
    course.write("02-verifier/brouillon.txt", "à faire")

    warnings = parse_course(course.path).warnings

    assert [(problem.path, problem.severity) for problem in warnings] == [
        (course / "02-verifier/brouillon.txt", "warning"),
        (course / "notes.txt", "warning"),
    ]


def test_an_image_without_alternative_text_is_a_warning(course):
    course.replace(LESSON, "![Schéma : un acte, plus un moyen, plus un but d'exploitation]", "![]")

    [warning] = parse_course(course.path).warnings

    assert warning.line == course.line_of(LESSON, "![](")
    assert "image sans texte alternatif" in warning.message


def test_a_course_with_step_errors_still_gets_its_catalogue_checks(tmp_path: Path):
    """Issue 11: one run reports the step errors and the catalogue problems together."""
    first = copy_example(tmp_path / "a")
    first.replace(QUIZ, "- (x) Faux", "- ( ) Faux")
    first.replace("course.md", "  - autre", "  - autre\n  - pompier")
    second = copy_example(tmp_path / "b")
    second.replace(LESSON, "kind: lesson", "kind: video")

    from training.content.validation import load_catalogue

    courses, problems = load_catalogue([tmp_path / "a", tmp_path / "b"], DEFAULT_AUDIENCE_CODES)

    assert courses == []
    assert [(problem.path, problem.line, problem.message) for problem in problems] == [
        (
            first / QUIZ,
            first.line_of(QUIZ, "## Pour un mineur"),
            "aucune bonne réponse : marquez-la avec « (x) » ou « [x] »",
        ),
        (
            first / "course.md",
            first.line_of("course.md", "audiences:"),
            "public inconnu « pompier » (codes connus : autre, enseignant, inspection-travail,"
            " magistrat, sante, securite, travail-social)",
        ),
        (
            second / LESSON,
            second.line_of(LESSON, "kind:"),
            "kind : « lesson » (leçon), « quiz » ou « scenario » (mise en situation) attendu",
        ),
        (
            second / "course.md",
            second.line_of("course.md", "slug:"),
            f"slug « exemple-cours » déjà pris par {first.path}",
        ),
    ]


def test_a_course_without_a_slug_is_not_a_duplicate(tmp_path: Path):
    for name in ("premier", "second"):
        copy_example(tmp_path, name).replace("course.md", f"slug: {name}\n", "")

    problems = validate_catalogue(tmp_path, DEFAULT_AUDIENCE_CODES)

    assert [problem.message for problem in problems] == [
        "clé obligatoire manquante dans l'en-tête : slug"
    ] * 2


def drop_key(course: CourseFolder, name: str, key: str) -> None:
    """Remove the front-matter line of `key` from file `name`, with its indented list items."""
    lines = course.read(name).split("\n")
    start = next(index for index, line in enumerate(lines) if line.startswith(f"{key}:"))
    end = start + 1
    while lines[end].startswith("  "):
        end += 1
    course.write(name, "\n".join(lines[:start] + lines[end:]))


@pytest.mark.parametrize(
    ("file", "key"),
    [
        *[
            ("course.md", key)
            for key in ("slug", "title", "summary", "audiences", "estimated_minutes", "pass_mark")
        ],
        (LESSON, "kind"),
        (LESSON, "title"),
        (QUIZ, "kind"),
        (QUIZ, "title"),
    ],
)
def test_every_required_key_is_refused_when_missing(course, file, key):
    drop_key(course, file, key)

    problems = [(problem.path, problem.line, problem.message) for problem in errors_of(course)]

    assert (course / file, 1, f"clé obligatoire manquante dans l'en-tête : {key}") in problems


def test_a_module_without_a_title_is_refused(course):
    # Its only key: without the line, the empty header is refused earlier (« en-tête invalide »).
    course.replace("01-decouvrir/module.md", "title: Découvrir la définition", "title:")

    [problem] = errors_of(course)

    assert (problem.path, problem.line, problem.message) == (
        course / "01-decouvrir/module.md",
        1,
        "clé obligatoire manquante dans l'en-tête : title",
    )


@pytest.mark.parametrize("setting", ["pass_mark: 80", "max_attempts: 3"])
def test_a_lesson_with_a_quiz_setting_is_refused(course, setting):
    course.replace(LESSON, "kind: lesson", f"kind: lesson\n{setting}")
    key = setting.split(":")[0]

    [problem] = errors_of(course)

    assert (problem.path, problem.line, problem.message) == (
        course / LESSON,
        course.line_of(LESSON, setting),
        f"{key} n'est permis que dans un quiz"
        + (" ou une mise en situation" if key == "pass_mark" else ""),
    )


@pytest.mark.parametrize("count", [2, 20])
def test_a_question_of_2_or_20_choices_is_accepted(course, count):
    course.write(QUIZ, quiz_with("## Combien ?\n\n" + choices(count).replace("( )", "(x)", 1)))

    [question] = parse_course(course.path).steps[-1].questions

    assert len(question.choices) == count


@pytest.mark.parametrize("count", [1, 21])
def test_a_question_of_1_or_21_choices_is_refused(course, count):
    course.write(QUIZ, quiz_with("## Combien ?\n\n" + choices(count).replace("( )", "(x)", 1)))

    [problem] = errors_of(course)

    assert problem.line == course.line_of(QUIZ, "## Combien")
    assert problem.message == f"une question a de 2 à 20 choix ({count} trouvés)"


#: The pass_mark line of each file that may set one, as the example course has it.
PASS_MARKS = {"course.md": "pass_mark: 70", QUIZ: "pass_mark: 80"}


@pytest.mark.parametrize("file", PASS_MARKS)
@pytest.mark.parametrize("mark", [0, 100])
def test_a_pass_mark_of_0_or_100_is_accepted(course, file, mark):
    course.replace(file, PASS_MARKS[file], f"pass_mark: {mark}")

    parsed = parse_course(course.path)

    assert (parsed if file == "course.md" else parsed.steps[-1]).pass_mark == mark


@pytest.mark.parametrize("file", PASS_MARKS)
@pytest.mark.parametrize("mark", [-1, 101])
def test_a_pass_mark_below_0_or_above_100_is_refused(course, file, mark):
    course.replace(file, PASS_MARKS[file], f"pass_mark: {mark}")

    [problem] = errors_of(course)

    assert (problem.path, problem.line, problem.message) == (
        course / file,
        course.line_of(file, "pass_mark:"),
        "pass_mark : nombre entier attendu, de 0 à 100",
    )


SLUG_OF_80 = "cours-" + "a" * 74


def test_a_slug_of_80_characters_is_accepted(tmp_path: Path):
    assert len(SLUG_OF_80) == 80
    assert parse_course(copy_example(tmp_path, SLUG_OF_80).path).slug == SLUG_OF_80


def test_a_slug_of_81_characters_is_refused(tmp_path: Path):
    course = copy_example(tmp_path, SLUG_OF_80 + "b")

    [problem] = errors_of(course)

    assert (problem.path, problem.line) == (
        course / "course.md",
        course.line_of("course.md", "slug:"),
    )
    assert problem.message.startswith("slug : ")
