"""The quiz editor in the browser's terms (test client): the form sent back as a browser sends
it, its buttons changing it without saving, saving in the course file format, the check's
problems next to their fields, the revision, and hostile text kept inert."""

import re
from html.parser import HTMLParser
from pathlib import Path

from werkzeug.datastructures import MultiDict

from tests.conftest import csrf_token
from training.authoring.quiz_actions import Action, edit
from training.content.quiz_file import read_quiz

from . import test_editor_pages
from .conftest import QUIZ
from .test_editor_pages import DRAFT, save, stored

#: The fixture: a client of an author of the example course, its draft opened.
author = test_editor_pages.author

EDITOR = f"{DRAFT}/quiz/{QUIZ}"


class _FormValues(HTMLParser):
    """The values a browser sends for the first form with a `revision` field, and its buttons."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: list[tuple[str, str]] = []
        self.buttons: list[dict[str, str]] = []
        self._form: list[tuple[str, str]] | None = None
        self._buttons: list[dict[str, str]] = []
        self._found = False
        self._textarea: str | None = None
        self._select: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form" and not self._found:
            self._form, self._buttons = [], []
            return
        if self._form is None:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind == "checkbox":
                if "checked" in attributes:
                    self._form.append((name, attributes.get("value", "on")))
            else:
                self._form.append((name, attributes.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attributes:
            self._form.append((self._select, attributes.get("value", "")))
        elif tag == "button":
            self._buttons.append(attributes)

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            text = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self._form.append((self._textarea, text))
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            if any(name == "revision" for name, _value in self._form):
                self.values, self.buttons, self._found = self._form, self._buttons, True
            self._form = None


def form_of(html: str) -> MultiDict:
    parser = _FormValues()
    parser.feed(html)
    return MultiDict(parser.values)


def buttons_of(html: str) -> list[dict[str, str]]:
    parser = _FormValues()
    parser.feed(html)
    return parser.buttons


def press(client, values: MultiDict, action: str | None):
    data = MultiDict(values)
    if action is not None:
        data["action"] = action
    return client.post(EDITOR, data=data)


def quiz_text(client) -> str:
    return stored(client).files[QUIZ]


def test_the_form_shows_the_quiz_and_saves_it_back_as_it_was(author):
    page = author.get(EDITOR)
    values = form_of(page.text)

    assert page.status_code == 200
    assert values["title"] == "Les trois éléments"
    assert values["pass_mark"] == "80"
    assert values["shuffle"] == "y"
    assert values["questions-1-kind"] == "multiple"
    assert values["questions-2-kind"] == "true_false"
    assert values.getlist("questions-1-choices-1-is_correct") == ["y"]
    assert "questions-1-choices-2-is_correct" not in values
    assert values["questions-0-choices-0-feedback"].startswith("La confiscation")
    before = quiz_text(author)

    response = press(author, values, "enregistrer")

    assert response.status_code == 302
    assert response.headers["Location"] == EDITOR
    assert stored(author).revision == 2
    assert quiz_text(author) == before
    assert f"Le quiz {QUIZ} est enregistré." in author.get(EDITOR).text


def test_the_buttons_change_the_form_keep_everything_typed_and_save_nothing(author):
    values = form_of(author.get(EDITOR).text)
    values["title"] = "Titre en cours de frappe"
    values["estimated_minutes"] = "deux"  # not valid yet: shown again as typed
    values["questions-0-prompt"] = "Question retouchée ?"
    values["questions-0-choices-1-feedback"] = "Retour\nsur deux lignes."

    added = press(author, values, "ajouter-question")
    values = form_of(added.text)
    assert added.status_code == 200
    assert "Question 4 ajoutée." in added.text
    assert re.search(
        r'id="questions-3-prompt"[^>]*autofocus|autofocus[^>]*id="questions-3-prompt"', added.text
    )
    assert values["title"] == "Titre en cours de frappe"
    assert values["estimated_minutes"] == "deux"
    assert values["questions-0-prompt"] == "Question retouchée ?"
    assert values["questions-0-choices-1-feedback"] == "Retour\nsur deux lignes."
    assert values["questions-3-prompt"] == ""
    assert values["questions-3-choices-1-text"] == ""

    values["questions-3-prompt"] = "Une nouvelle question ?"
    moved = form_of(press(author, values, "monter:3").text)
    assert moved["questions-2-prompt"] == "Une nouvelle question ?"
    assert moved["questions-3-prompt"].startswith("Pour un mineur")
    moved = form_of(press(author, moved, "descendre:0").text)
    assert moved["questions-1-prompt"] == "Question retouchée ?"
    assert moved["questions-1-choices-1-feedback"] == "Retour\nsur deux lignes."

    fewer = form_of(press(author, moved, "supprimer-choix:1:0").text)
    assert fewer["questions-1-choices-0-text"] == "C'est une pratique courante sans conséquence."
    assert "questions-1-choices-1-text" not in fewer
    more = form_of(press(author, fewer, "ajouter-choix:1").text)
    assert more["questions-1-choices-1-text"] == ""
    gone = form_of(press(author, more, "supprimer-question:0").text)
    assert gone["questions-0-prompt"] == "Question retouchée ?"
    assert gone["questions-2-prompt"].startswith("Pour un mineur")
    assert "questions-3-prompt" not in gone

    assert stored(author).revision == 1


def test_a_button_past_the_last_question_or_an_unknown_action_changes_nothing(author):
    values = form_of(author.get(EDITOR).text)

    refused = press(author, values, "descendre:2")
    unknown = press(author, values, "effacer-tout")

    assert refused.status_code == 200
    assert "Cette question ne peut pas aller plus loin." in refused.text
    shown = form_of(refused.text)
    assert [item for item in shown.items(multi=True) if item[0] != "csrf_token"] == [
        item for item in values.items(multi=True) if item[0] != "csrf_token"
    ]
    assert unknown.status_code == 400
    assert stored(author).revision == 1


def test_enter_in_a_field_saves(author):
    html = author.get(EDITOR).text
    first = buttons_of(html)[0]

    assert first["value"] == "enregistrer"
    assert "hidden" in first
    values = form_of(html)
    values["title"] = "Titre modifié"
    assert press(author, values, None).status_code == 302
    assert "title: Titre modifié\n" in quiz_text(author)


def new_quiz_values(client) -> MultiDict:
    """A whole quiz typed in the form, as the browser sends it."""
    return MultiDict(
        [
            ("csrf_token", csrf_token(client, EDITOR)),
            ("revision", "1"),
            ("title", "Repérer : les indicateurs"),
            ("estimated_minutes", "4"),
            ("pass_mark", ""),
            ("max_attempts", "2"),
            ("intro", "Trois questions."),
            ("questions-0-prompt", "Un employeur garde le passeport. Que retenez-vous ?"),
            ("questions-0-kind", "single"),
            ("questions-0-context", "Un salarié vous en parle."),
            ("questions-0-choices-0-text", "Un indicateur de contrôle"),
            ("questions-0-choices-0-is_correct", "y"),
            ("questions-0-choices-0-feedback", "Oui.\n\nC'est un indicateur de l'OIT."),
            ("questions-0-choices-1-text", "Rien de grave"),
            ("questions-0-choices-1-feedback", "Non."),
            ("questions-0-explanation", "Un indicateur isolé ne suffit pas."),
            ("questions-1-prompt", "Lesquels sont des moyens ?"),
            ("questions-1-kind", "multiple"),
            ("questions-1-choices-0-text", "La menace"),
            ("questions-1-choices-0-is_correct", "y"),
            ("questions-1-choices-0-feedback", "Oui."),
            ("questions-1-choices-1-text", "Le lieu"),
            ("questions-1-choices-1-feedback", "Non."),
            ("questions-2-prompt", "Le consentement de la victime compte."),
            ("questions-2-kind", "true_false"),
            ("questions-2-choices-0-text", "Vrai"),
            ("questions-2-choices-0-feedback", "Non : il est indifférent."),
            ("questions-2-choices-1-text", "Faux"),
            ("questions-2-choices-1-is_correct", "y"),
            ("questions-2-choices-1-feedback", "Exact."),
        ]
    )


def test_saving_writes_the_quiz_in_the_course_file_format(author):
    response = press(author, new_quiz_values(author), "enregistrer")

    assert response.status_code == 302
    assert quiz_text(author) == (
        "---\n"
        "kind: quiz\n"
        "title: 'Repérer : les indicateurs'\n"
        "estimated_minutes: 4\n"
        "max_attempts: 2\n"
        "---\n"
        "Trois questions.\n"
        "\n"
        "## Un employeur garde le passeport. Que retenez-vous ?\n"
        "\n"
        "Un salarié vous en parle.\n"
        "\n"
        "- (x) Un indicateur de contrôle\n"
        "  > Oui.\n"
        "  >\n"
        "  > C'est un indicateur de l'OIT.\n"
        "- ( ) Rien de grave\n"
        "  > Non.\n"
        "\n"
        "Un indicateur isolé ne suffit pas.\n"
        "\n"
        "## Lesquels sont des moyens ?\n"
        "\n"
        "- [x] La menace\n"
        "  > Oui.\n"
        "- [ ] Le lieu\n"
        "  > Non.\n"
        "\n"
        "## Le consentement de la victime compte.\n"
        "\n"
        "- ( ) Vrai\n"
        "  > Non : il est indifférent.\n"
        "- (x) Faux\n"
        "  > Exact.\n"
    )


def messages_of(html: str, field_id: str) -> str:
    match = re.search(
        rf'<div id="{field_id}-messages" class="fr-messages-group">(.*?)</div>', html, re.S
    )
    return match.group(1) if match else ""


def test_the_checks_problems_are_shown_next_to_their_fields_and_nothing_is_saved(author):
    values = new_quiz_values(author)
    values["questions-0-choices-1-text"] = ""  # an empty choice
    del values["questions-1-choices-0-is_correct"]  # no right answer
    for key in ("text", "is_correct", "feedback"):  # a question with one choice
        del values[f"questions-2-choices-1-{key}"]
    values["questions-2-kind"] = "single"
    values["questions-2-choices-0-is_correct"] = "y"
    before = quiz_text(author)

    response = press(author, values, "enregistrer")
    html = response.text

    assert response.status_code == 422
    assert "Le quiz n'est pas enregistré : 3 erreurs" in html
    assert "choix vide : écrivez le texte du choix après la case" in messages_of(
        html, "questions-0-choices-1-text"
    )
    assert "aucune bonne réponse : marquez-la avec « (x) » ou « [x] »" in messages_of(
        html, "questions-1-prompt"
    )
    assert "une question a de 2 à 20 choix (1 trouvés)" in messages_of(html, "questions-2-prompt")
    assert re.search(
        r'aria-describedby="questions-1-prompt-messages"[^>]*aria-invalid="true"', html
    )
    assert '<a href="#questions-1-prompt">Question 2, ligne ' in html
    assert form_of(html)["questions-0-context"] == "Un salarié vous en parle."
    assert quiz_text(author) == before
    assert stored(author).revision == 1


def test_a_true_false_question_with_other_choices_is_refused(author):
    values = new_quiz_values(author)
    values["questions-2-choices-0-text"] = "Oui"

    response = press(author, values, "enregistrer")

    assert response.status_code == 422
    assert "une question « Vrai ou faux » a exactement deux choix" in messages_of(
        response.text, "questions-2-kind"
    )
    assert form_of(response.text)["questions-2-choices-0-text"] == "Oui"
    assert stored(author).revision == 1


def test_form_errors_are_french_and_keep_the_values(author):
    values = new_quiz_values(author)
    values["title"] = "   "
    values["pass_mark"] = "120"
    for key in list(values):
        if key.startswith("questions-"):
            del values[key]

    response = press(author, values, "enregistrer")

    assert response.status_code == 422
    assert "Donnez un titre au quiz." in messages_of(response.text, "title")
    assert "Indiquez un pourcentage de 0 à 100." in messages_of(response.text, "pass_mark")
    assert "Ajoutez au moins une question" in response.text
    assert form_of(response.text)["pass_mark"] == "120"
    assert stored(author).revision == 1


def test_remarks_after_saving_are_next_to_their_choice(author):
    values = new_quiz_values(author)
    values["questions-1-choices-1-feedback"] = ""

    response = press(author, values, "enregistrer")
    page = author.get(response.headers["Location"]).text

    assert response.status_code == 302
    remark = messages_of(page, "questions-1-choices-1-text")
    assert "fr-message--warning" in remark
    assert "Remarque, ligne 26 : choix sans retour" in remark
    assert "1 remarque de la vérification" in page


def test_a_save_on_an_older_revision_is_refused_and_the_text_kept(author):
    values = form_of(author.get(EDITOR).text)
    assert save(author, QUIZ, quiz_text(author) + "\nAjout de Léa.\n", 1).status_code == 302
    values["questions-0-prompt"] = "La question de Karim ?"

    response = press(author, values, "enregistrer")

    assert response.status_code == 409
    assert "Ce brouillon a été modifié par" in response.text
    assert form_of(response.text)["questions-0-prompt"] == "La question de Karim ?"
    assert "Ajout de Léa." in quiz_text(author)
    assert "Karim" not in quiz_text(author)


def test_hostile_text_is_saved_as_typed_and_shown_inert(author):
    hostile = ["<script>alert(1)</script>", "{{7*7}} fois", "> citation", "- [x] piège"]
    values = new_quiz_values(author)
    values["questions-0-prompt"] = "<img src=x onerror=alert(2)> {{ config }} ?"
    for number, text in enumerate(hostile):
        values[f"questions-1-choices-{number}-text"] = text
        values[f"questions-1-choices-{number}-feedback"] = f"> {text}"
    values["questions-1-choices-0-is_correct"] = "y"

    response = press(author, values, "enregistrer")
    page = author.get(EDITOR).text

    assert response.status_code == 302
    reading = read_quiz(quiz_text(author), Path(QUIZ))
    question = reading.quiz.questions[1]
    assert [(c.text, c.is_correct, c.feedback) for c in question.choices] == [
        (text, number == 0, f"> {text}") for number, text in enumerate(hostile)
    ]
    assert reading.quiz.questions[0].prompt == "<img src=x onerror=alert(2)> {{ config }} ?"
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "49 fois" not in page, "a template expression evaluated"
    assert form_of(page)["questions-1-choices-1-text"] == "{{7*7}} fois"
    assert form_of(page)["questions-1-choices-3-text"] == "- [x] piège"


def test_a_quiz_the_check_cannot_read_whole_is_not_offered_in_the_form(author):
    broken = (
        quiz_text(author)
        .replace("- [x] La menace", "La menace", 1)
        .replace("## Parmi ces", "## Sans choix\n\n## Parmi ces", 1)
    )
    assert save(author, QUIZ, broken, 1).status_code == 302

    page = author.get(EDITOR)

    assert page.status_code == 200
    assert "ne peut pas être modifié avec le formulaire" in page.text
    assert "question sans choix" in page.text
    assert 'name="revision"' not in page.text


def test_only_the_drafts_quizzes_have_an_editor(author):
    assert author.get(f"{DRAFT}/quiz/01-decouvrir/01-les-trois-elements.md").status_code == 404
    assert author.get(f"{DRAFT}/quiz/02-verifier/absent.md").status_code == 404
    page = author.get(DRAFT).text
    assert f'href="{EDITOR}">Éditeur de quiz' in page
    assert f'href="{DRAFT}/gift/{QUIZ}">Exporter en GIFT' in page
    assert "/quiz/01-decouvrir/" not in page


def test_the_texts_of_questions_and_choices_are_cleaned_as_every_form_field(author):
    values = new_quiz_values(author)
    values["questions-0-prompt"] = "  Que retenez-vous\u202e ?\x00  "
    values["questions-0-choices-0-text"] = "Un indicateur\nde contrôle"
    values["questions-0-choices-0-feedback"] = "  Oui.\r\nC'est un indicateur.\x07  "

    assert press(author, values, "enregistrer").status_code == 302

    question = read_quiz(quiz_text(author), Path(QUIZ)).quiz.questions[0]
    assert question.prompt == "Que retenez-vous ?"
    assert question.choices[0].text == "Un indicateur de contrôle"
    assert question.choices[0].feedback == "Oui.\nC'est un indicateur."


def test_a_question_takes_at_most_twenty_choices_and_the_form_is_kept():
    values = MultiDict(
        [("questions-0-prompt", "Q ?")]
        + [(f"questions-0-choices-{n}-text", f"Choix {n}") for n in range(20)]
    )

    edited = edit(values, Action("ajouter-choix", 0))

    assert edited.refused
    assert edited.notice == "Une question a au plus 20 choix."
    assert edited.formdata == values
    assert Action.parse("ajouter-choix:0") == Action("ajouter-choix", 0)
    assert Action.parse(None) == Action("enregistrer")
    assert Action.parse("supprimer-choix:1") is None
