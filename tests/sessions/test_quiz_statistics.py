"""Quiz statistics against the example worked by hand in docs/statistiques-quiz.md."""

import pytest

from training.sessions.quiz_statistics import (
    AttemptAnswers,
    QuestionSpec,
    correlation,
    flags_of,
    quiz_statistics,
)

QUESTIONS = [
    QuestionSpec(1, (11, 12, 13), frozenset({11})),  # a, b, c
    QuestionSpec(2, (21, 22), frozenset({21})),  # d, e
    QuestionSpec(3, (31, 32, 33), frozenset({31, 32})),  # f, g, h
]
ATTEMPTS = [
    AttemptAnswers(score, {q: frozenset(c) for q, c in chosen.items()})
    for chosen, score in (
        ({1: {11}, 2: {21}, 3: {31, 32}}, 100),
        ({1: {11}, 2: {21}, 3: {31}}, 66),
        ({1: {11}, 2: {22}, 3: {31, 32}}, 66),
        ({1: {11}, 2: {22}, 3: {33}}, 33),
        ({1: {12}, 2: {21}, 3: {32, 33}}, 33),
    )
]


def test_the_worked_example():
    stats = quiz_statistics(QUESTIONS, ATTEMPTS)
    assert stats.attempts == 5
    assert stats.mean_score == pytest.approx(59.6)
    q1, q2, q3 = stats.questions
    assert (q1.facility, q1.discrimination) == (pytest.approx(80), pytest.approx(0))
    assert q1.choice_shares == {11: 80, 12: 20, 13: 0}
    assert q1.flags == ()
    assert q2.facility == pytest.approx(60)
    assert q2.discrimination == pytest.approx(-32.73, abs=0.01)
    assert q2.choice_shares == {21: 60, 22: 40}
    assert q2.flags == ("discrimination-negative",)
    assert (q3.facility, q3.discrimination) == (pytest.approx(40), pytest.approx(16.67, abs=0.01))
    assert q3.choice_shares == {31: 60, 32: 60, 33: 40}
    assert q3.flags == ()


def test_hidden_under_five_attempts():
    assert quiz_statistics(QUESTIONS, ATTEMPTS[:4]) is None
    assert quiz_statistics([], ATTEMPTS) is None


def test_discrimination_is_undefined_when_everyone_scores_the_same():
    assert correlation([1, 1, 1], [0, 1, 2]) is None
    assert correlation([0, 1, 1], [2, 2, 2]) is None
    everyone_right = [AttemptAnswers(100, {1: frozenset({11})})] * 5
    (only,) = quiz_statistics(QUESTIONS[:1], everyone_right).questions
    assert only.discrimination is None
    assert only.flags == ("tres-facile",)


def test_flags():
    assert flags_of(90, 10, {1: 90, 2: 10}, frozenset({1})) == ("tres-facile",)
    assert flags_of(89.9, None, {1: 89.9, 2: 10.1}, frozenset({1})) == ()
    assert flags_of(30, 5, {1: 30, 2: 70}, frozenset({1})) == ("bonne-reponse-delaissee",)
    # A multiple-answer question: its least picked right answer is compared.
    assert flags_of(40, -1, {1: 80, 2: 30, 3: 50}, frozenset({1, 2})) == (
        "discrimination-negative",
        "bonne-reponse-delaissee",
    )
