"""Quiz shape: what the form of the questions gives away, whatever their content.

A test-wise learner who has not read the course still passes a quiz whose right answer is most
often the longest choice, whose true/false items are nearly all « Faux », whose multiple-answer
questions always have the same number of right answers, or whose right answer always sits at the
same place. These checks measure that shape on parsed questions (one quiz, or every quiz of a
course together) and say, in French, what to vary. They are warnings: they never stop an import.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from training.content.parsed import ParsedQuestion, ParsedStep

#: Above this share of single-answer questions whose right answer is the strictly longest choice,
#: length gives the answer away (a random place would make it 1 in 3 or 4).
MAX_LONGEST_RIGHT_PERCENT = 40
#: The longest-choice share is judged from this many single-answer questions on.
MIN_SINGLE_QUESTIONS = 4
#: The share of true/false items keyed « Vrai » stays within these bounds (inclusive).
MIN_TRUE_PERCENT = 30
MAX_TRUE_PERCENT = 70
#: The true/false balance is judged from this many true/false items on.
MIN_TRUE_FALSE_ITEMS = 4
#: From this many multiple-answer questions on, they may not all have the same number of right
#: answers.
MIN_MULTIPLE_QUESTIONS = 3
#: Above this share of single-answer questions with the right answer at the same place (in a quiz
#: whose choices are not shuffled), the place gives the answer away.
MAX_SAME_POSITION_PERCENT = 50
#: The position share is judged from this many single-answer questions on.
MIN_POSITION_QUESTIONS = 4


@dataclass(frozen=True)
class ShapeFinding:
    """One thing the shape of the questions gives away, as a French message."""

    message: str
    #: The question it is about, or None when it is about the quiz (or course) as a whole.
    question: ParsedQuestion | None = None


def _percent(count: int, total: int) -> int:
    return round(100 * count / total)


def _share(count: int, total: int) -> str:
    return f"{count} sur {total} ({_percent(count, total)} %)"


def _right_indexes(question: ParsedQuestion) -> list[int]:
    return [index for index, choice in enumerate(question.choices) if choice.is_correct]


def _single_answer(questions: Sequence[ParsedQuestion]) -> list[ParsedQuestion]:
    """Single-answer questions other than true/false, with exactly one right answer."""
    return [q for q in questions if q.kind == "single" and len(_right_indexes(q)) == 1]


def right_is_longest(question: ParsedQuestion) -> bool:
    """Whether the right answer's text is strictly longer than every other choice's."""
    (right,) = _right_indexes(question)
    length = len(question.choices[right].text.strip())
    return all(
        len(choice.text.strip()) < length
        for index, choice in enumerate(question.choices)
        if index != right
    )


def longest_choice_findings(questions: Sequence[ParsedQuestion]) -> list[ShapeFinding]:
    single = _single_answer(questions)
    if len(single) < MIN_SINGLE_QUESTIONS:
        return []
    longest = sum(right_is_longest(question) for question in single)
    if 100 * longest <= MAX_LONGEST_RIGHT_PERCENT * len(single):
        return []
    return [
        ShapeFinding(
            f"{_share(longest, len(single))} des questions à choix unique ont pour bonne réponse"
            f" le choix le plus long (seuil : {MAX_LONGEST_RIGHT_PERCENT} %) : allongez des"
            " mauvaises réponses ou raccourcissez des bonnes"
        )
    ]


def true_false_findings(questions: Sequence[ParsedQuestion]) -> list[ShapeFinding]:
    items = [q for q in questions if q.kind == "true_false" and len(_right_indexes(q)) == 1]
    if len(items) < MIN_TRUE_FALSE_ITEMS:
        return []
    true_keyed = sum(
        question.choices[_right_indexes(question)[0]].text.strip().casefold() == "vrai"
        for question in items
    )
    total = len(items)
    if MIN_TRUE_PERCENT * total <= 100 * true_keyed <= MAX_TRUE_PERCENT * total:
        return []
    return [
        ShapeFinding(
            f"{_share(true_keyed, total)} des vrai ou faux ont pour réponse « Vrai » (attendu :"
            f" de {MIN_TRUE_PERCENT} % à {MAX_TRUE_PERCENT} %) : équilibrez les affirmations"
            " vraies et fausses"
        )
    ]


def multiple_answer_findings(
    questions: Sequence[ParsedQuestion], each_question: bool = True
) -> list[ShapeFinding]:
    """Multiple-answer questions that all have the same number of right answers, and (when
    `each_question`) each one whose choices are all right."""
    multiple = [q for q in questions if q.kind == "multiple" and q.choices]
    findings = []
    counts = Counter(len(_right_indexes(question)) for question in multiple)
    if len(multiple) >= MIN_MULTIPLE_QUESTIONS and len(counts) == 1:
        (count,) = counts
        answers = "bonne réponse" if count == 1 else "bonnes réponses"
        findings.append(
            ShapeFinding(
                f"les {len(multiple)} questions à choix multiple ont toutes {count} {answers} :"
                " variez le nombre de bonnes réponses d'une question à l'autre"
            )
        )
    if each_question:
        findings += [
            ShapeFinding(
                f"tous les choix de cette question à choix multiple sont bons"
                f" ({len(question.choices)} sur {len(question.choices)}) : ajoutez au moins une"
                " erreur plausible",
                question,
            )
            for question in multiple
            if all(choice.is_correct for choice in question.choices)
        ]
    return findings


def position_findings(questions: Sequence[ParsedQuestion]) -> list[ShapeFinding]:
    """For questions shown in the order written: the right answer too often at one place."""
    single = _single_answer(questions)
    if len(single) < MIN_POSITION_QUESTIONS:
        return []
    position, count = Counter(_right_indexes(q)[0] for q in single).most_common(1)[0]
    if 100 * count <= MAX_SAME_POSITION_PERCENT * len(single):
        return []
    return [
        ShapeFinding(
            f"{_share(count, len(single))} des questions à choix unique ont leur bonne réponse"
            f" en position {position + 1} (seuil : {MAX_SAME_POSITION_PERCENT} %) et les choix"
            " ne sont pas mélangés : déplacez des bonnes réponses, ou ajoutez « shuffle: true »"
            " à l'en-tête"
        )
    ]


def quiz_shape_findings(
    quizzes: Sequence[ParsedStep], each_question: bool = True
) -> list[ShapeFinding]:
    """What the shape of the questions of `quizzes` (one quiz, or all the quizzes of a course)
    gives away. The position check counts only the quizzes whose choices are not shuffled."""
    questions = [question for quiz in quizzes for question in quiz.questions]
    in_order = [question for quiz in quizzes if not quiz.shuffle for question in quiz.questions]
    return [
        *longest_choice_findings(questions),
        *true_false_findings(questions),
        *multiple_answer_findings(questions, each_question),
        *position_findings(in_order),
    ]
