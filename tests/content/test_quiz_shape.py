"""The quiz-shape checks: what length, keys, counts and places of right answers give away."""

from pathlib import Path

from training.content import quiz_shape
from training.content.parsed import ParsedChoice, ParsedQuestion, ParsedStep
from training.content.parser import read_course
from training.content.quiz_shape import quiz_shape_findings


def single(right: str, *wrong: str, right_at: int = 0) -> ParsedQuestion:
    choices = [ParsedChoice(text, False, "") for text in wrong]
    choices.insert(right_at, ParsedChoice(right, True, ""))
    return ParsedQuestion("single", "Question ?", "", "", choices)


def true_false(key: str) -> ParsedQuestion:
    choices = [ParsedChoice("Vrai", key == "Vrai", ""), ParsedChoice("Faux", key == "Faux", "")]
    return ParsedQuestion("true_false", "Affirmation.", "", "", choices)


def multiple(*rights: bool) -> ParsedQuestion:
    choices = [ParsedChoice(f"choix {n}", right, "") for n, right in enumerate(rights)]
    return ParsedQuestion("multiple", "Lesquels ?", "", "", choices)


def quiz(*questions: ParsedQuestion, shuffle: bool = True, key: str = "01-m/01-quiz") -> ParsedStep:
    return ParsedStep(key, "quiz", "Quiz", None, None, None, shuffle, "", questions=list(questions))


def messages(*quizzes: ParsedStep) -> list[str]:
    return [finding.message for finding in quiz_shape_findings(quizzes)]


LONG = "une réponse nettement plus longue que les autres"


def test_longest_right_answer_over_the_threshold_is_reported_with_its_figures():
    questions = [single(LONG, "court", "bref", right_at=n % 3) for n in range(3)]
    questions += [single("court", LONG, "bref", right_at=n % 3) for n in range(2)]
    (message,) = messages(quiz(*questions))
    assert "3 sur 5 (60 %)" in message
    assert "le choix le plus long" in message
    assert f"seuil : {quiz_shape.MAX_LONGEST_RIGHT_PERCENT} %" in message


def test_longest_right_answer_at_the_threshold_or_on_few_questions_is_fine():
    at_threshold = [single(LONG, "court", right_at=n % 2) for n in range(2)]
    at_threshold += [single("court", LONG, right_at=n % 2) for n in range(3)]
    assert messages(quiz(*at_threshold)) == []  # 2 of 5: 40 %, not above
    few = [single(LONG, "court", right_at=n % 2) for n in range(3)]
    assert messages(quiz(*few)) == []  # under MIN_SINGLE_QUESTIONS


def test_a_tie_for_the_longest_choice_does_not_count_and_true_false_are_left_out():
    tied = [single("même long", "aussi lon", right_at=n % 2) for n in range(5)]
    assert messages(quiz(*tied)) == []
    # « Faux » is longer than « Vrai »: true/false items never count as longest-right.
    assert not any("plus long" in m for m in messages(quiz(*[true_false("Faux")] * 2 * 2)))


def test_true_false_balance():
    unbalanced = [true_false("Faux")] * 3 + [true_false("Vrai")]
    (message,) = messages(quiz(*unbalanced))
    assert "1 sur 4 (25 %)" in message
    assert "« Vrai »" in message
    assert messages(quiz(*[true_false("Vrai")] * 3, true_false("Faux"), true_false("Faux"))) == []
    assert len(messages(quiz(*[true_false("Vrai")] * 4))) == 1
    assert messages(quiz(*[true_false("Faux")] * 3)) == []  # under MIN_TRUE_FALSE_ITEMS


def test_multiple_answer_questions_all_with_the_same_count():
    same = [multiple(True, True, False, False), multiple(False, True, True, False)] * 2
    (message,) = messages(quiz(*same[:3]))
    assert "les 3 questions à choix multiple ont toutes 2 bonnes réponses" in message
    assert messages(quiz(*same[:2])) == []
    varied = [*same[:2], multiple(True, False, False)]
    assert messages(quiz(*varied)) == []


def test_a_multiple_answer_question_whose_choices_are_all_right():
    all_right = multiple(True, True, True)
    findings = quiz_shape_findings([quiz(all_right, multiple(True, False))])
    assert [finding.question for finding in findings] == [all_right]
    assert "tous les choix" in findings[0].message
    course_level = quiz_shape_findings([quiz(all_right)], each_question=False)
    assert course_level == []


def test_same_position_counts_only_when_choices_are_not_shuffled():
    questions = [single("a", "b", "c", right_at=1) for _ in range(3)]
    questions += [single("a", "b", "c", right_at=0)]
    assert messages(quiz(*questions, shuffle=True)) == []
    (message,) = messages(quiz(*questions, shuffle=False))
    assert "3 sur 4 (75 %)" in message
    assert "position 2" in message
    half = questions[1:] + [single("a", "b", "c", right_at=2)]
    half[0] = single("a", "b", "c", right_at=2)
    assert messages(quiz(*half, shuffle=False)) == []  # 2 of 4 at position 2: not over half


def test_a_course_adds_up_its_quizzes(tmp_path: Path):
    # Two quizzes of two questions each: neither reaches 4 questions, together they do.
    first = quiz(single(LONG, "court"), single(LONG, "bref", right_at=1))
    second = quiz(single(LONG, "court"), single(LONG, "bref", right_at=1), key="01-m/02-quiz")
    assert messages(first) == messages(second) == []
    (message,) = messages(first, second)
    assert "4 sur 4 (100 %)" in message


QUIZ_TEXT = """---
kind: quiz
title: Quiz {n}
---
""" + "".join(
    f"""
## Question {n} ?
- (x) {LONG}
  > Oui.
- ( ) court
  > Non.
"""
    for n in range(4)
)


def test_check_reports_quiz_and_course_warnings_without_errors(tmp_path: Path):
    folder = tmp_path / "cours-forme"
    (folder / "01-m").mkdir(parents=True)
    (folder / "course.md").write_text(
        "---\nslug: cours-forme\ntitle: Cours\nsummary: Résumé.\naudiences: [autre]\n"
        "estimated_minutes: 10\npass_mark: 80\n---\nPrésentation.\n",
        encoding="utf-8",
    )
    (folder / "01-m" / "module.md").write_text("---\ntitle: Module\n---\n", encoding="utf-8")
    for n in (1, 2):
        (folder / "01-m" / f"0{n}-quiz.md").write_text(QUIZ_TEXT.format(n=n), encoding="utf-8")
    reading = read_course(folder)
    assert reading.errors == []
    warnings = [str(problem) for problem in reading.problems]
    longest = [w for w in warnings if "plus long" in w]
    assert len(longest) == 3, warnings  # each quiz, then the course
    assert f"{folder / '01-m' / '01-quiz.md'}:1: avertissement : ce quiz : 4 sur 4" in longest[0]
    assert longest[2].startswith(f"{folder / 'course.md'}:1: avertissement : ensemble des 2 quiz")
    assert "8 sur 8 (100 %)" in longest[2]
    # Position: every right answer is first and the quizzes are not shuffled.
    assert sum("position 1" in w for w in warnings) == 3
    assert reading.course is not None
    assert reading.course.content_hash
