"""Quiz statistics in the manner of Moodle's quiz statistics report, without the database.

Computed over first attempts only. A question scores 1 when the choices picked are exactly
its right ones (as grading counts it), 0 otherwise. With n attempts, x the question's score
and X the attempt's number of questions right, for each question:

- facility F = 100 · mean(x): the share of attempts that got it right;
- discrimination D = 100 · Cov(x, X − x) / √(Var(x) · Var(X − x)): the correlation between the
  question and the rest of the test (Moodle's « discrimination index »; with 0/1 scores, the
  point-biserial correlation). Population moments (÷ n); undefined when either variance is 0;
- the share of attempts that picked each choice.

docs/statistiques-quiz.md works a small example by hand; tests check these functions on it.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: Below this many first attempts nothing is shown: a statistic over fewer people says little
#: and could be traced back to a person.
MIN_ATTEMPTS = 5
#: A question at least this easy (facility, %) teaches little: almost everyone gets it right.
VERY_EASY = 90

#: Flag code -> what the page says.
FLAG_LABELS = {
    "tres-facile": "Presque tout le monde répond juste",
    "discrimination-negative": "Discrimination négative : mieux réussie par les moins bons",
    "bonne-reponse-delaissee": "Une bonne réponse est moins choisie qu'une mauvaise",
}


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    #: In the order shown to the trainer.
    choice_ids: tuple[int, ...]
    correct_choice_ids: frozenset[int]


@dataclass(frozen=True)
class AttemptAnswers:
    #: The recorded score, 0 to 100.
    score: int
    #: Question id -> the choices picked.
    chosen: Mapping[int, frozenset[int]]


@dataclass(frozen=True)
class QuestionStatistics:
    question_id: int
    #: Percentage of attempts right, 0 to 100.
    facility: float
    #: -100 to 100; None when the question or the rest of the test is the same for everyone.
    discrimination: float | None
    #: Choice id -> percentage of attempts that picked it.
    choice_shares: dict[int, float]
    flags: tuple[str, ...]


@dataclass(frozen=True)
class QuizStatistics:
    attempts: int
    mean_score: float
    questions: list[QuestionStatistics]


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r with population moments; None when either series is constant."""
    mx, my = mean(xs), mean(ys)
    covariance = mean([(x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)])
    vx = mean([(x - mx) ** 2 for x in xs])
    vy = mean([(y - my) ** 2 for y in ys])
    if vx == 0 or vy == 0:
        return None
    return covariance / math.sqrt(vx * vy)


def flags_of(
    facility: float,
    discrimination: float | None,
    shares: Mapping[int, float],
    correct: frozenset[int],
) -> tuple[str, ...]:
    """Very easy (facility ≥ VERY_EASY), negative discrimination (D < 0), and a right choice
    picked less often than some wrong one."""
    flags = []
    if facility >= VERY_EASY:
        flags.append("tres-facile")
    if discrimination is not None and discrimination < 0:
        flags.append("discrimination-negative")
    right = [share for choice, share in shares.items() if choice in correct]
    wrong = [share for choice, share in shares.items() if choice not in correct]
    if right and wrong and min(right) < max(wrong):
        flags.append("bonne-reponse-delaissee")
    return tuple(flags)


def quiz_statistics(
    questions: Sequence[QuestionSpec], attempts: Sequence[AttemptAnswers]
) -> QuizStatistics | None:
    """The statistics of these first attempts; None under MIN_ATTEMPTS."""
    if len(attempts) < MIN_ATTEMPTS or not questions:
        return None
    right = {
        question.id: [
            1 if attempt.chosen.get(question.id, frozenset()) == question.correct_choice_ids else 0
            for attempt in attempts
        ]
        for question in questions
    }
    totals = [sum(right[q.id][i] for q in questions) for i in range(len(attempts))]
    results = []
    for question in questions:
        xs = right[question.id]
        rest = [total - x for total, x in zip(totals, xs, strict=True)]
        facility = 100 * mean(xs)
        r = correlation(xs, rest)
        discrimination = None if r is None else 100 * r
        shares = {
            choice: 100
            * mean([1 if choice in a.chosen.get(question.id, ()) else 0 for a in attempts])
            for choice in question.choice_ids
        }
        results.append(
            QuestionStatistics(
                question_id=question.id,
                facility=facility,
                discrimination=discrimination,
                choice_shares=shares,
                flags=flags_of(facility, discrimination, shares, question.correct_choice_ids),
            )
        )
    return QuizStatistics(
        attempts=len(attempts),
        mean_score=mean([attempt.score for attempt in attempts]),
        questions=results,
    )
