"""Simulated quiz answers for the demo learners, so that quiz statistics have something to show.

Each attempt has an ability and each question a difficulty drawn from the question's place in
its quiz (the same on every demo database); a question is answered right with a probability
rising with ability and falling with difficulty, so that stronger attempts get more questions
right and the statistics discriminate as real ones do. A wrong answer prefers the question's
first wrong choice (the most plausible distractor a trainer writes first).
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass

from training.learning.grading import AnswerSheet, QuestionKey, grade


@dataclass(frozen=True)
class SimulatedQuestion:
    key: QuestionKey
    #: Choice ids in the order of the course file.
    choice_ids: tuple[int, ...]
    #: 0 (everyone gets it) to 0.5 (a hard one), fixed by the question's place.
    difficulty: float


def simulated_questions(quiz_key: str, questions: Sequence) -> list[SimulatedQuestion]:
    """`questions`: content Question objects of one quiz, in order, with their choices."""
    result = []
    for question in questions:
        draw = random.Random(f"{quiz_key}/{question.position}")
        result.append(
            SimulatedQuestion(
                key=QuestionKey(
                    id=question.id,
                    kind=question.kind,
                    choice_ids=frozenset(c.id for c in question.choices),
                    correct_choice_ids=frozenset(c.id for c in question.choices if c.is_correct),
                ),
                choice_ids=tuple(c.id for c in question.choices),
                difficulty=draw.uniform(0, 0.5),
            )
        )
    return result


def _wrong_answer(rng: random.Random, question: SimulatedQuestion) -> frozenset[int]:
    correct = question.key.correct_choice_ids
    wrong = [choice for choice in question.choice_ids if choice not in correct]
    if question.key.kind == "multiple" and len(correct) > 1 and (not wrong or rng.random() < 0.6):
        return frozenset(sorted(correct)[: len(correct) - 1])  # one right box missing
    if not wrong:
        return correct
    weights = [3] + [1] * (len(wrong) - 1)
    picked = frozenset(rng.choices(wrong, weights=weights))
    return picked | correct if question.key.kind == "multiple" else picked


def simulate_attempt(
    rng: random.Random, questions: Sequence[SimulatedQuestion], ability: float, pass_mark: int
) -> tuple[dict[str, list[int]], int, bool]:
    """Answers as a submission stores them (question id -> choice ids), score and passed."""
    chosen = {}
    for question in questions:
        right = rng.random() < min(0.97, max(0.05, ability + 0.25 - question.difficulty))
        chosen[question.key.id] = (
            question.key.correct_choice_ids if right else _wrong_answer(rng, question)
        )
    result = grade([q.key for q in questions], AnswerSheet(chosen, ()), pass_mark)
    answers = {str(question_id): sorted(ids) for question_id, ids in chosen.items()}
    return answers, result.score, result.passed
