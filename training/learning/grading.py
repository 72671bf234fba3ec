"""Quiz grading, without the database: what was answered, what is right, what it scores.

A question is answered correctly when the set of chosen choices is exactly the set of correct
ones (for a multiple-choice question, every right choice and no wrong one). The score is the
percentage of questions answered correctly, rounded down, so that 79.9 % never passes an 80 %
mark. The pass mark is the one the attempt recorded when it started.

For the result page only, a wrong answer to a multiple-choice question is told apart as
incomplete when it ticked some of the right choices and no wrong one: it still scores nothing.
"""

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SINGLE_ANSWER_KINDS = frozenset({"single", "true_false"})


@dataclass(frozen=True)
class QuestionKey:
    """What grading needs to know about a question: its choices and which are correct."""

    id: int
    kind: str
    choice_ids: frozenset[int]
    correct_choice_ids: frozenset[int]
    #: The choices in the quiz file's order (an attempt shuffles them when it starts).
    ordered_choice_ids: tuple[int, ...] = ()


class ForgedAnswerError(ValueError):
    """The submission names a question or choice that is not part of this quiz: not a mistake a
    person can make with the form, so it is refused without recording anything."""


@dataclass(frozen=True)
class AnswerSheet:
    """The chosen choices per question, and the questions left unanswered (a user mistake)."""

    chosen: dict[int, frozenset[int]]
    unanswered: tuple[int, ...]


@dataclass(frozen=True)
class Grade:
    score: int
    passed: bool
    correct_question_ids: frozenset[int]


def read_answers(
    questions: Iterable[QuestionKey], submitted: Mapping[int, list[int]]
) -> AnswerSheet:
    """Check a submission against the quiz.

    `submitted` maps question id to the choice ids sent (duplicates included, as sent).
    Raises ForgedAnswerError for a question of another quiz, a choice of another question,
    a choice sent twice, or several choices for a single-answer question.
    """
    by_id = {question.id: question for question in questions}
    unknown = set(submitted) - set(by_id)
    if unknown:
        raise ForgedAnswerError(f"questions not in this quiz: {sorted(unknown)}")
    chosen: dict[int, frozenset[int]] = {}
    unanswered = []
    for question_id, question in by_id.items():
        choice_ids = submitted.get(question_id, [])
        if len(set(choice_ids)) != len(choice_ids):
            raise ForgedAnswerError(f"a choice was sent twice for question {question_id}")
        if not set(choice_ids) <= question.choice_ids:
            raise ForgedAnswerError(f"choices not in question {question_id}: {choice_ids}")
        if question.kind in SINGLE_ANSWER_KINDS and len(choice_ids) > 1:
            raise ForgedAnswerError(f"several choices for single-answer question {question_id}")
        if not choice_ids:
            unanswered.append(question_id)
        chosen[question_id] = frozenset(choice_ids)
    return AnswerSheet(chosen=chosen, unanswered=tuple(unanswered))


class Verdict(enum.StrEnum):
    CORRECT = "correct"
    #: Some right choices and no wrong one, but not all of them: scores like an incorrect answer.
    INCOMPLETE = "incomplete"
    INCORRECT = "incorrect"


@dataclass(frozen=True)
class Judgement:
    """How one answer is judged, and what an incomplete one lacks."""

    verdict: Verdict
    #: Right choices left unticked (0 unless the answer is incomplete).
    missing: int = 0


def judge_answer(question: QuestionKey, chosen: frozenset[int]) -> Judgement:
    """Correct: exactly the right choices. Incomplete: a non-empty part of the right choices and
    nothing else. Incorrect: anything else, a mix of right and wrong choices included."""
    if chosen == question.correct_choice_ids:
        return Judgement(Verdict.CORRECT)
    if chosen and chosen < question.correct_choice_ids:
        return Judgement(Verdict.INCOMPLETE, missing=len(question.correct_choice_ids - chosen))
    return Judgement(Verdict.INCORRECT)


def grade(questions: Iterable[QuestionKey], sheet: AnswerSheet, pass_mark: int) -> Grade:
    questions = list(questions)
    correct = frozenset(
        question.id
        for question in questions
        if judge_answer(question, sheet.chosen.get(question.id, frozenset())).verdict
        is Verdict.CORRECT
    )
    score = (100 * len(correct)) // len(questions) if questions else 0
    return Grade(score=score, passed=score >= pass_mark, correct_question_ids=correct)
