"""Grading and progress rules, without the database."""

import pytest

from training.learning.grading import (
    AnswerSheet,
    ForgedAnswerError,
    Judgement,
    QuestionKey,
    Verdict,
    grade,
    judge_answer,
    read_answers,
)
from training.learning.progress import progress_of

SINGLE = QuestionKey(1, "single", frozenset({10, 11, 12}), frozenset({11}))
MULTIPLE = QuestionKey(2, "multiple", frozenset({20, 21, 22}), frozenset({20, 22}))
TRUE_FALSE = QuestionKey(3, "true_false", frozenset({30, 31}), frozenset({31}))
QUIZ = [SINGLE, MULTIPLE, TRUE_FALSE]


def test_all_right_passes():
    sheet = read_answers(QUIZ, {1: [11], 2: [22, 20], 3: [31]})
    result = grade(QUIZ, sheet, pass_mark=80)
    assert (result.score, result.passed) == (100, True)


def test_a_multiple_choice_question_needs_exactly_the_right_set():
    partly = read_answers(QUIZ, {1: [11], 2: [20], 3: [31]})
    too_many = read_answers(QUIZ, {1: [11], 2: [20, 21, 22], 3: [31]})
    assert grade(QUIZ, partly, 80).correct_question_ids == {1, 3}
    assert grade(QUIZ, too_many, 80).correct_question_ids == {1, 3}


@pytest.mark.parametrize(
    ("question", "chosen", "judgement"),
    [
        (MULTIPLE, {20, 22}, Judgement(Verdict.CORRECT)),
        (MULTIPLE, {22}, Judgement(Verdict.INCOMPLETE, missing=1)),
        (MULTIPLE, {20, 21}, Judgement(Verdict.INCORRECT)),  # a right and a wrong choice
        (MULTIPLE, {20, 21, 22}, Judgement(Verdict.INCORRECT)),  # every choice ticked
        (MULTIPLE, {21}, Judgement(Verdict.INCORRECT)),
        (MULTIPLE, set(), Judgement(Verdict.INCORRECT)),
        (SINGLE, {11}, Judgement(Verdict.CORRECT)),
        (SINGLE, {10}, Judgement(Verdict.INCORRECT)),
        (TRUE_FALSE, {30}, Judgement(Verdict.INCORRECT)),
    ],
)
def test_an_answer_is_judged_correct_incomplete_or_incorrect(question, chosen, judgement):
    assert judge_answer(question, frozenset(chosen)) == judgement


def test_the_missing_right_choices_are_counted():
    four_right = QuestionKey(5, "multiple", frozenset(range(50, 56)), frozenset(range(50, 54)))
    assert judge_answer(four_right, frozenset({51})) == Judgement(Verdict.INCOMPLETE, missing=3)


def test_an_incomplete_answer_scores_like_a_wrong_one():
    sheet = read_answers(QUIZ, {1: [11], 2: [22], 3: [31]})
    assert judge_answer(MULTIPLE, sheet.chosen[2]).verdict is Verdict.INCOMPLETE
    assert grade(QUIZ, sheet, 80).correct_question_ids == {1, 3}


def test_score_is_rounded_down_so_the_mark_is_never_given_away():
    result = grade(QUIZ, read_answers(QUIZ, {1: [11], 2: [20, 22], 3: [30]}), pass_mark=67)
    assert result.score == 66
    assert not result.passed


def test_unanswered_questions_are_reported_not_forged():
    sheet = read_answers(QUIZ, {1: [11]})
    assert sheet.unanswered == (2, 3)


@pytest.mark.parametrize(
    "submitted",
    [
        {1: [20]},  # a choice of another question
        {1: [99]},  # a choice of another quiz
        {4: [40]},  # a question of another quiz
        {2: [20, 20]},  # a duplicated choice
        {1: [10, 11]},  # two answers to a single-choice question
        {3: [30, 31]},  # true and false at once
    ],
)
def test_forged_submissions_are_refused(submitted):
    with pytest.raises(ForgedAnswerError):
        read_answers(QUIZ, submitted)


def test_an_empty_quiz_scores_zero():
    assert grade([], AnswerSheet({}, ()), 0).score == 0


def test_progress_counts_only_this_versions_steps_and_resumes_at_the_first_gap():
    progress = progress_of([5, 6, 7, 8], {5, 7, 99})
    assert (progress.done, progress.total, progress.percent) == (2, 4, 50)
    assert progress.next_step_id == 6
    assert not progress.is_complete


def test_progress_complete():
    progress = progress_of([5, 6], {6, 5})
    assert progress.is_complete
    assert progress.next_step_id is None
    assert progress.percent == 100
    assert not progress_of([], set()).is_complete


@pytest.mark.parametrize(
    ("submitted", "pass_mark"),
    [
        ({1: [11], 2: [20, 22], 3: [30]}, 66),  # two questions of three: 66 %
        ({1: [11], 2: [20, 22], 3: [31]}, 100),
        ({1: [10], 2: [21], 3: [30]}, 0),
    ],
    ids=["66", "100", "0"],
)
def test_a_score_exactly_at_the_pass_mark_passes(submitted, pass_mark):
    result = grade(QUIZ, read_answers(QUIZ, submitted), pass_mark)
    assert (result.score, result.passed) == (pass_mark, True)


def test_a_one_step_course_completes():
    progress = progress_of([5], {5})
    assert (progress.done, progress.total, progress.percent) == (1, 1, 100)
    assert progress.is_complete
    assert progress.next_step_id is None
    assert progress_of([5], set()).percent == 0


def test_an_empty_outline_shows_zero_percent():
    progress = progress_of([], set())
    assert (progress.done, progress.total, progress.percent) == (0, 0, 0)
    assert progress.next_step_id is None
