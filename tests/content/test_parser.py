"""Reading a course folder: the example course, quizzes, and the content hash (no database)."""

import pytest

from training.content.parser import parse_course
from training.content.problems import CourseFormatError

from .conftest import EXAMPLE, LESSON, OTHER_LESSON, QUIZ, catalogue_courses


def test_the_example_course_reads_without_any_problem():
    course = parse_course(EXAMPLE)

    assert course.slug == "exemple-cours"
    assert course.title == "Cours d'exemple : le format des fichiers"
    assert course.audiences == ["autre"]
    assert (course.estimated_minutes, course.pass_mark) == (10, 70)
    assert course.certificate_validity_months == 24
    assert course.content_notice.startswith("Ce cours d'exemple")
    assert course.warnings == []
    assert [module.key for module in course.modules] == ["01-decouvrir", "02-verifier"]
    assert [module.title for module in course.modules] == [
        "Découvrir la définition",
        "Vérifier ses acquis",
    ]
    assert [(step.key, step.kind) for step in course.steps] == [
        ("01-decouvrir/01-les-trois-elements", "lesson"),
        ("01-decouvrir/02-a-qui-signaler", "lesson"),
        ("02-verifier/01-quiz", "quiz"),
    ]
    [asset] = course.assets
    assert (asset.path, asset.content_type) == ("images/trois-elements.svg", "image/svg+xml")
    assert len(course.content_hash) == 64


def test_the_quiz_of_the_example_has_the_three_kinds_of_question():
    quiz = parse_course(EXAMPLE).steps[-1]

    assert (quiz.pass_mark, quiz.max_attempts, quiz.shuffle) == (80, 3, True)
    assert (
        quiz.body == "Répondez aux trois questions ; chaque réponse est expliquée après validation."
    )
    assert [question.kind for question in quiz.questions] == ["single", "multiple", "true_false"]
    first = quiz.questions[0]
    assert first.prompt.startswith("Un salarié vous dit que son employeur garde son passeport")
    assert [choice.is_correct for choice in first.choices] == [True, False]
    assert first.choices[0].feedback.startswith("La confiscation des documents")
    assert first.explanation == (
        "Un indicateur isolé ne suffit pas à conclure ; il invite à poursuivre le repérage."
    )
    assert [choice.text for choice in quiz.questions[2].choices] == ["Vrai", "Faux"]


def test_a_question_keeps_its_context_and_multi_line_feedback(course):
    course.write(
        QUIZ,
        "---\nkind: quiz\ntitle: Q\n---\n"
        "## Que faites-vous ?\n\nUne élève arrive en pleurs.\n\n"
        "- (x) Je l'écoute\n  > Oui.\n  >\n  > Écouter d'abord.\n"
        "- ( ) J'attends\n  > Non.\n",
    )

    question = parse_course(course.path).steps[-1].questions[0]

    assert question.context == "Une élève arrive en pleurs."
    assert question.choices[0].feedback == "Oui.\n\nÉcouter d'abord."
    assert question.choices[0].feedback_html == "<p>Oui.</p>\n<p>Écouter d'abord.</p>\n"
    assert question.explanation == ""


def test_a_choice_without_feedback_is_a_warning_not_an_error(course):
    course.replace(QUIZ, "  > Non : le lieu n'est pas un moyen.\n", "")

    parsed = parse_course(course.path)

    [warning] = parsed.warnings
    assert warning.severity == "warning"
    assert warning.line == course.line_of(QUIZ, "- [ ] Le lieu de travail")
    assert "choix sans retour" in str(warning)
    assert str(warning).startswith(f"{course / QUIZ}:{warning.line}: avertissement : ")


def test_the_hash_ignores_formatting_but_not_content(course):
    before = parse_course(course.path).content_hash
    course.replace("course.md", "title: \"Cours d'exemple : le format des fichiers\"",
                   "title: 'Cours d''exemple : le format des fichiers'")  # fmt: skip
    course.write(LESSON, course.read(LESSON).replace("\n", "\r\n") + "\n\n")
    assert parse_course(course.path).content_hash == before

    course.replace(LESSON, "trois éléments :", "trois éléments, que voici :")
    assert parse_course(course.path).content_hash != before


def test_a_changed_image_changes_the_hash_of_the_steps_that_show_it(course):
    before = {step.key: step.content_hash for step in parse_course(course.path).steps}
    course.replace("images/trois-elements.svg", "Un acte</text>", "Un acte !</text>")

    after = {step.key: step.content_hash for step in parse_course(course.path).steps}

    assert after[LESSON.removesuffix(".md")] != before[LESSON.removesuffix(".md")]
    assert after[QUIZ.removesuffix(".md")] == before[QUIZ.removesuffix(".md")]


def test_a_step_keeps_its_hash_when_only_its_place_changes(course):
    before = {step.key: step.content_hash for step in parse_course(course.path).steps}
    (course / QUIZ).rename(course / "02-verifier/01-quiz-final.md")
    course.replace(LESSON, "../02-verifier/01-quiz.md", "../02-verifier/01-quiz-final.md")

    after = {step.key: step.content_hash for step in parse_course(course.path).steps}

    assert after["02-verifier/01-quiz-final"] == before["02-verifier/01-quiz"]
    assert after[OTHER_LESSON.removesuffix(".md")] == before[OTHER_LESSON.removesuffix(".md")]


def test_the_quiz_pass_mark_defaults_to_the_course_one_in_the_step_hash(course):
    before = parse_course(course.path).steps[-1].content_hash
    course.replace(QUIZ, "pass_mark: 80\n", "")
    without = parse_course(course.path)
    assert without.steps[-1].pass_mark is None
    assert without.steps[-1].content_hash != before
    course.replace("course.md", "pass_mark: 70", "pass_mark: 80")
    assert parse_course(course.path).steps[-1].content_hash == before


def test_every_problem_is_reported_at_once(course):
    course.replace("course.md", "pass_mark: 70", "pass_mark: 170")
    course.replace(QUIZ, "- (x) Faux", "- ( ) Faux")
    (course / "01-decouvrir/module.md").unlink()

    with pytest.raises(CourseFormatError) as error:
        parse_course(course.path)

    assert len(error.value.errors) == 3


@pytest.mark.parametrize("folder", catalogue_courses(), ids=lambda path: path.name)
def test_every_course_of_the_catalogue_reads_without_error(folder):
    assert parse_course(folder).slug == folder.name


def test_a_question_context_is_rendered_and_checked_on_its_own_lines(course):
    course.write(
        QUIZ,
        "---\nkind: quiz\ntitle: Q\n---\n"
        "## Que faites-vous ?\n\nUne élève arrive *en pleurs*.\n\n"
        "- (x) Je l'écoute\n  > Oui.\n- ( ) J'attends\n  > Non.\n",
    )
    question = parse_course(course.path).steps[-1].questions[0]
    assert question.context_html == "<p>Une élève arrive <em>en pleurs</em>.</p>\n"

    course.replace(QUIZ, "*en pleurs*.", "*en pleurs*.\n\n[Lire](javascript:alert(1))")
    with pytest.raises(CourseFormatError) as error:
        parse_course(course.path)
    [problem] = error.value.errors
    assert problem.line == course.line_of(QUIZ, "[Lire]")
    assert problem.message.startswith("lien refusé")
