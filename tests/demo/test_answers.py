"""Simulated quiz answers of the demo: valid submissions, scored as grading scores them, and
better for abler learners (so that the demo's quiz statistics discriminate)."""

import random
from types import SimpleNamespace

from training.demo.answers import simulate_attempt, simulated_questions


def question(position: int, kind: str, right: tuple[bool, ...]) -> SimpleNamespace:
    choices = [
        SimpleNamespace(id=position * 10 + index, is_correct=is_correct)
        for index, is_correct in enumerate(right)
    ]
    return SimpleNamespace(id=position, position=position, kind=kind, choices=choices)


QUIZ = simulated_questions(
    "module/quiz",
    [question(1, "single", (True, False, False)), question(2, "multiple", (True, True, False)),
     question(3, "true_false", (False, True)), question(4, "single", (False, False, True))],
)  # fmt: skip


def test_answers_are_valid_submissions_scored_as_grading_scores_them():
    rng = random.Random(1)
    for _ in range(200):
        answers, score, passed = simulate_attempt(rng, QUIZ, rng.uniform(0, 1), pass_mark=75)
        assert set(answers) == {"1", "2", "3", "4"}
        for item in QUIZ:
            picked = set(answers[str(item.key.id)])
            assert picked
            assert picked <= item.key.choice_ids
            if item.key.kind != "multiple":
                assert len(picked) == 1
        right = sum(set(answers[str(q.key.id)]) == q.key.correct_choice_ids for q in QUIZ)
        assert score == 25 * right
        assert passed == (score >= 75)


def test_abler_learners_score_higher_and_draws_repeat():
    def mean_score(ability: float) -> float:
        rng = random.Random(7)
        return sum(simulate_attempt(rng, QUIZ, ability, 80)[1] for _ in range(300)) / 300

    assert mean_score(0.9) > mean_score(0.6) + 15 > mean_score(0.3) + 30
    again = simulated_questions("module/quiz", [question(1, "single", (True, False, False))])
    elsewhere = simulated_questions("autre/quiz", [question(1, "single", (True, False, False))])
    assert again[0].difficulty == QUIZ[0].difficulty != elsewhere[0].difficulty
