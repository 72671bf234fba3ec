"""The quiz editor's form: settings, introduction, and questions with their choices (FieldList of
FormField), converted from and to the quiz file's data, and the form's errors and the check's
problems placed next to the fields they concern. Its buttons that change its structure without
saving are in quiz_actions.py.
"""

import re
from dataclasses import dataclass, field

from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from training.authoring.forms import RevisionForm
from training.content.parsed import ParsedChoice, ParsedQuestion
from training.content.problems import Problem
from training.content.quiz import MAX_CHOICES, TRUE_FALSE
from training.content.quiz_file import Place, QuizFile, WrittenQuiz
from training.plain_text import clean_line, clean_text

#: Far more than a quiz needs; bounds what one request makes the server read and render.
MAX_QUESTIONS = 100
KINDS = [
    SelectChoice("single", "Choix unique"),
    SelectChoice("multiple", "Choix multiple"),
    SelectChoice("true_false", "Vrai ou faux"),
]
TRUE_FALSE_TEXTS = ("Vrai", "Faux")


class _Part(Form):
    """A part of the quiz form (a question, a choice): no token of its own."""

    class Meta:
        locales = ("fr_FR", "fr")


class ChoiceForm(_Part):
    text = StringField("Texte du choix", validators=[Length(max=2000)])
    is_correct = BooleanField("Bonne réponse")
    feedback = TextAreaField(
        "Retour (recommandé)",
        description="Pourquoi ce choix est juste ou faux ; montré après la réponse.",
        validators=[Length(max=20_000)],
    )


class QuestionForm(_Part):
    prompt = StringField("Texte de la question", validators=[Length(max=2000)])
    kind = SelectField(
        "Type de question",
        choices=KINDS,
        default="single",
        description="Choix multiple : une ou plusieurs bonnes réponses. Vrai ou faux : deux"
        " choix, « Vrai » et « Faux ».",
    )
    context = TextAreaField(
        "Contexte (facultatif)",
        description="Une courte situation, en Markdown, montrée sous la question.",
        validators=[Length(max=20_000)],
    )
    choices = FieldList(FormField(ChoiceForm), max_entries=MAX_CHOICES)
    explanation = TextAreaField(
        "Explication (facultatif)",
        description="En Markdown, montrée après la réponse, pour toute la question.",
        validators=[Length(max=20_000)],
    )

    def validate_kind(self, kind: SelectField) -> None:
        texts = sorted((choice.text.data or "").strip().casefold() for choice in self.choices)
        if kind.data == "true_false" and tuple(texts) != TRUE_FALSE:
            raise ValidationError(
                "une question « Vrai ou faux » a exactement deux choix : « Vrai » et « Faux »"
            )


#: The texts of the questions and choices, cleaned as FrenchForm cleans its own fields.
_NESTED_TEXT = re.compile(r"^questions-\d+-(?:choices-\d+-)?(?P<name>[a-z_]+)$")
_CLEANERS = {
    "prompt": clean_line,
    "kind": clean_line,
    "text": clean_line,
    "context": clean_text,
    "explanation": clean_text,
    "feedback": clean_text,
}


class QuizForm(RevisionForm):
    class Meta:
        def wrap_formdata(self, form, formdata):
            formdata = super().wrap_formdata(form, formdata)
            if formdata is None:
                return None
            for key in list(formdata):
                match = _NESTED_TEXT.match(key)
                clean = _CLEANERS.get(match["name"]) if match else None
                if clean is not None:
                    formdata.setlist(key, [clean(value) for value in formdata.getlist(key)])
            return formdata

    title = StringField(
        "Titre du quiz",
        validators=[InputRequired("Donnez un titre au quiz."), Length(max=200)],
    )
    estimated_minutes = IntegerField(
        "Durée estimée, en minutes (facultatif)",
        validators=[Optional(), NumberRange(min=0, message="Indiquez 0 minute ou plus.")],
    )
    pass_mark = IntegerField(
        "Note de réussite, en pourcentage (facultatif)",
        description="De 0 à 100 ; vide : la note de réussite de la formation.",
        validators=[Optional(), NumberRange(0, 100, "Indiquez un pourcentage de 0 à 100.")],
    )
    max_attempts = IntegerField(
        "Nombre de tentatives (facultatif)",
        description="1 ou plus ; vide : sans limite.",
        validators=[Optional(), NumberRange(min=1, message="Indiquez 1 tentative ou plus.")],
    )
    shuffle = BooleanField("Présenter les choix dans un ordre aléatoire")
    intro = TextAreaField(
        "Introduction (facultatif)",
        description="En Markdown, montrée avant la première question.",
        validators=[Length(max=100_000)],
    )
    questions = FieldList(FormField(QuestionForm), max_entries=MAX_QUESTIONS)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.questions.entries:
            self.form_errors.append(
                "Ajoutez au moins une question : un quiz en compte une ou plus."
            )
            return False
        return valid


# --- Between the form and the quiz file ---------------------------------------------------


def form_data(quiz: QuizFile) -> dict:
    """The values of the form showing `quiz`."""
    return {
        "title": quiz.title,
        "estimated_minutes": quiz.estimated_minutes,
        "pass_mark": quiz.pass_mark,
        "max_attempts": quiz.max_attempts,
        "shuffle": quiz.shuffle,
        "intro": quiz.intro,
        "questions": [
            {
                # A choice is one paragraph, which the form shows on one line.
                "prompt": question.prompt,
                "kind": question.kind,
                "context": question.context,
                "explanation": question.explanation,
                "choices": [
                    {
                        "text": " ".join(choice.text.split()),
                        "is_correct": choice.is_correct,
                        "feedback": choice.feedback,
                    }
                    for choice in question.choices
                ],
            }
            for question in quiz.questions
        ],
    }


def quiz_of(form: QuizForm) -> QuizFile:
    """The quiz the validated form describes."""
    questions = []
    for entry in form.questions:
        question = entry.form
        choices = [
            ParsedChoice(
                choice.form.text.data or "",
                bool(choice.form.is_correct.data),
                choice.form.feedback.data or "",
            )
            for choice in question.choices
        ]
        kind = question.kind.data
        texts = tuple(sorted(choice.text.strip().casefold() for choice in choices))
        if kind == "single" and texts == TRUE_FALSE:
            kind = "true_false"  # as the check reads it: the file says nothing more
        questions.append(
            ParsedQuestion(
                kind=kind,
                prompt=question.prompt.data or "",
                context=question.context.data or "",
                explanation=question.explanation.data or "",
                choices=choices,
            )
        )
    return QuizFile(
        title=form.title.data or "",
        estimated_minutes=form.estimated_minutes.data,
        pass_mark=form.pass_mark.data,
        max_attempts=form.max_attempts.data,
        shuffle=bool(form.shuffle.data),
        intro=form.intro.data or "",
        questions=questions,
    )


# --- Errors and the check's problems, next to their fields ----------------------------------


@dataclass(frozen=True)
class Message:
    text: str
    is_error: bool = True


@dataclass
class Messages:
    """What the page says about the form: next to each field, and in its summaries."""

    #: The form's errors and the check's problems, by the id of the field they concern.
    by_field: dict[str, list[Message]] = field(default_factory=dict)
    #: Errors as the summary lists them: (the id of their field or None, text), in order.
    errors: list[tuple[str | None, str]] = field(default_factory=list)
    #: The check's warnings, listed the same way.
    remarks: list[tuple[str | None, str]] = field(default_factory=list)

    def of(self, field_id: str) -> list[Message]:
        return self.by_field.get(field_id, [])

    def add(self, field_id: str | None, message: Message, summary: str) -> None:
        if field_id is not None:
            self.by_field.setdefault(field_id, []).append(message)
        (self.errors if message.is_error else self.remarks).append((field_id, summary))


_SETTING_FIELDS = ("title", "estimated_minutes", "pass_mark", "max_attempts", "shuffle")


def messages(
    form: QuizForm, problems: list[Problem], written: WrittenQuiz | None, path: str
) -> Messages:
    """The form's errors, and the check's `problems` in the quiz file `path`, each next to the
    field whose text is at its line in `written` (None when the file is not as written then);
    a problem at no field's line is in the summaries only."""
    found = Messages()
    for error in form.form_errors:
        found.add(None, Message(error), error)
    if form.csrf_token.errors:
        expired = "Le formulaire a expiré : cliquez de nouveau sur le bouton."
        found.add(None, Message(expired), expired)
    for name in (*_SETTING_FIELDS, "intro"):
        for error in form[name].errors:
            found.add(form[name].id, Message(error), f"{form[name].label.text} : {error}")
    for number, entry in enumerate(form.questions, start=1):
        question = entry.form
        for subfield in (question.prompt, question.kind, question.context, question.explanation):
            for error in subfield.errors:
                summary = f"Question {number}, {subfield.label.text.lower()} : {error}"
                found.add(subfield.id, Message(error), summary)
        for choice_number, choice in enumerate(question.choices, start=1):
            for subfield in choice.form:
                for error in subfield.errors:
                    summary = (
                        f"Question {number}, choix {choice_number},"
                        f" {subfield.label.text.lower()} : {error}"
                    )
                    found.add(subfield.id, Message(error), summary)
    for problem in problems:
        place = written.place_of(problem.line) if written is not None else None
        field_id, where = _field_of(place, form)
        what = "" if problem.is_error else "remarque, "
        text = f"{what}ligne {problem.line} : {problem.message}"
        summary = f"{where or path}, {text}"
        found.add(field_id, Message(text[0].upper() + text[1:], problem.is_error), summary)
    return found


def _field_of(place: Place | None, form: QuizForm) -> tuple[str | None, str]:
    """The id of the field that holds `place`, and how the summaries name it."""
    if place is None:
        return None, ""
    if place.part in (*_SETTING_FIELDS, "intro"):
        return form[place.part].id, form[place.part].label.text
    if place.question is None or place.question >= len(form.questions):
        return None, ""
    question = form.questions[place.question].form
    where = f"Question {place.question + 1}"
    if place.part in ("prompt", "context", "explanation"):
        return question[place.part].id, where
    if place.choice is None or place.choice >= len(question.choices):
        return None, ""
    choice = question.choices[place.choice].form
    where += f", choix {place.choice + 1}"
    return (choice.feedback if place.part == "feedback" else choice.text).id, where
