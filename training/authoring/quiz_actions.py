"""The quiz editor's buttons that change the form's structure without saving: « Ajouter une
question », « Ajouter un choix », « Supprimer », « Monter » and « Descendre ».

They are submit buttons of the form (no script needed), whose value names the change. The
change is made on the submitted values themselves, renumbered, so that everything typed, even a
value not valid yet, is shown again as it was typed.
"""

import re
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from training.authoring.quiz_forms import MAX_QUESTIONS
from training.content.quiz import MAX_CHOICES

SAVE = "enregistrer"


@dataclass(frozen=True)
class Action:
    """What a button of the form asks: `SAVE`, or a change of the form's structure."""

    name: str
    question: int | None = None
    choice: int | None = None

    @property
    def saves(self) -> bool:
        return self.name == SAVE

    @classmethod
    def parse(cls, value: str | None) -> "Action | None":
        """The action of a button's value (« monter:2 », « supprimer-choix:2:0 »…), None if
        the value is none of them. The implicit submission (Enter in a field) saves."""
        name, *numbers = (value or SAVE).split(":")
        arity = _ACTIONS.get(name)
        if arity is None or len(numbers) != arity or not all(n.isdigit() for n in numbers):
            return None
        indexes = [int(number) for number in numbers] + [None, None]
        return cls(name, indexes[0], indexes[1])

    def value(self) -> str:
        return ":".join(
            [self.name, *(str(n) for n in (self.question, self.choice) if n is not None)]
        )


#: Each action and how many indexes (question, choice) its value carries.
_ACTIONS = {
    SAVE: 0,
    "ajouter-question": 0,
    "ajouter-choix": 1,
    "supprimer-question": 1,
    "supprimer-choix": 2,
    "monter": 1,
    "descendre": 1,
}
_QUESTION_KEY = re.compile(r"^questions-(\d{1,9})-(.+)$")
_CHOICE_KEY = re.compile(r"^choices-(\d{1,9})-(.+)$")
_NEW_CHOICE = (("text", ""), ("feedback", ""))


@dataclass
class _RawQuestion:
    """The submitted values of one question: its own fields, then each choice's."""

    values: list[tuple[str, str]] = field(default_factory=list)
    choices: dict[int, list[tuple[str, str]]] = field(default_factory=dict)


@dataclass(frozen=True)
class Edited:
    """The submitted values after a button's change, where to put the focus, and what to say."""

    formdata: MultiDict
    #: The id of the element the change concerns (the page focuses it), or None.
    focus: str | None
    notice: str
    refused: bool = False


def edit(formdata: MultiDict, action: Action) -> Edited:
    """Make the change `action` (not SAVE) on the submitted `formdata`."""
    others, questions = _split(formdata)
    count = len(questions)
    i, j = action.question, action.choice
    unsaved = " Rien n'est enregistré avant « Enregistrer »."
    if action.name == "ajouter-question":
        if count >= MAX_QUESTIONS:
            return _refusal(formdata, f"Un quiz compte au plus {MAX_QUESTIONS} questions.")
        new = _RawQuestion([("prompt", ""), ("kind", "single"), ("context", "")])
        new.choices = {0: list(_NEW_CHOICE), 1: list(_NEW_CHOICE)}
        new.values.append(("explanation", ""))
        questions.append(new)
        return Edited(
            _join(others, questions), f"questions-{count}-prompt", f"Question {count + 1} ajoutée."
        )
    if i is None or i >= count:
        return _refusal(formdata, "Cette question n'est plus dans le formulaire.")
    question = questions[i]
    choices = [question.choices[number] for number in sorted(question.choices)]
    if action.name == "ajouter-choix":
        if len(choices) >= MAX_CHOICES:
            return _refusal(formdata, f"Une question a au plus {MAX_CHOICES} choix.")
        choices.append(list(_NEW_CHOICE))
        question.choices = dict(enumerate(choices))
        focus, notice = (
            f"questions-{i}-choices-{len(choices) - 1}-text",
            (f"Choix {len(choices)} ajouté à la question {i + 1}."),
        )
    elif action.name == "supprimer-choix":
        if j is None or j >= len(choices):
            return _refusal(formdata, "Ce choix n'est plus dans le formulaire.")
        del choices[j]
        question.choices = dict(enumerate(choices))
        focus, notice = f"ajouter-choix-{i}", f"Choix {j + 1} de la question {i + 1} supprimé."
    elif action.name == "supprimer-question":
        del questions[i]
        focus, notice = "ajouter-question", f"Question {i + 1} supprimée."
    else:
        target = i - 1 if action.name == "monter" else i + 1
        if not 0 <= target < count:
            return _refusal(formdata, "Cette question ne peut pas aller plus loin.")
        questions[i], questions[target] = questions[target], questions[i]
        still_there = action.name == "monter" and target > 0
        still_there = still_there or (action.name == "descendre" and target < count - 1)
        focus = f"{action.name}-{target}" if still_there else f"questions-{target}-prompt"
        notice = f"Question {i + 1} déplacée en position {target + 1}."
    return Edited(_join(others, questions), focus, notice + unsaved)


def _refusal(formdata: MultiDict, message: str) -> Edited:
    return Edited(formdata, None, message, refused=True)


def _split(formdata: MultiDict) -> tuple[list[tuple[str, str]], list[_RawQuestion]]:
    others: list[tuple[str, str]] = []
    questions: dict[int, _RawQuestion] = {}
    for key, value in formdata.items(multi=True):
        match = _QUESTION_KEY.match(key)
        if match is None:
            others.append((key, value))
            continue
        question = questions.setdefault(int(match[1]), _RawQuestion())
        choice = _CHOICE_KEY.match(match[2])
        if choice is None:
            question.values.append((match[2], value))
        else:
            question.choices.setdefault(int(choice[1]), []).append((choice[2], value))
    return others, [questions[index] for index in sorted(questions)]


def _join(others: list[tuple[str, str]], questions: list[_RawQuestion]) -> MultiDict:
    items = list(others)
    for i, question in enumerate(questions):
        items += [(f"questions-{i}-{name}", value) for name, value in question.values]
        for j, number in enumerate(sorted(question.choices)):
            items += [
                (f"questions-{i}-choices-{j}-{name}", value)
                for name, value in question.choices[number]
            ]
    return MultiDict(items)
