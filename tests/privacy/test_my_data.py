"""« Mes données »: a user downloads everything the platform holds about them, and only that."""

import json

from tests.learning.conftest import (
    LESSON_1,
    enrol,
    finish_lesson,
    quiz_answers,
    start_attempt,
    submit,
)
from training.accounts.models import Role


def download(client) -> dict:
    response = client.get("/compte/mes-donnees.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="mes-donnees.json"'
    assert response.headers["Cache-Control"] == "private, no-store"
    return json.loads(response.get_data(as_text=True))


def test_my_data_holds_my_account_progress_answers_and_certificates(app, login_as, example_course):
    client = login_as(profession="sante", territory="bordeaux", full_name="Inès Leroy")
    enrol(client)
    finish_lesson(client, LESSON_1)
    attempt = start_attempt(client)
    answers = quiz_answers(app, False)
    submit(client, attempt, answers)

    data = download(client)
    assert data["compte"]["adresse_electronique"] == client.user.email
    assert data["compte"]["nom"] == "Inès Leroy"
    assert data["compte"]["role"] == "Apprenant"
    assert data["compte"]["territoire"] == "Bordeaux"
    [enrolment] = data["inscriptions"]
    assert enrolment["profession_a_l_inscription"] == "Professionnel de santé"
    assert [step["etape"] for step in enrolment["etapes_terminees"]] == [LESSON_1]
    [tried] = enrolment["tentatives_de_quiz"]
    assert tried["score"] == 0
    assert tried["reponses"] == [
        {
            "question": "Un salarié vous dit que son employeur garde son passeport « pour le "
            "protéger ». Que retenez-vous ?",
            "reponses_cochees": ["C'est une pratique courante sans conséquence."],
        },
        {
            "question": "Parmi ces éléments, lesquels sont des moyens au sens de la définition "
            "de la traite ?",
            "reponses_cochees": ["Le lieu de travail"],
        },
        {
            "question": "Pour un mineur, il faut prouver l'emploi d'un moyen de contrainte pour "
            "caractériser la traite.",
            "reponses_cochees": ["Vrai"],
        },
    ]
    assert data["attestations"] == []


def test_my_answers_are_plain_text_and_my_role_a_french_label(app, login_as, example_course):
    client = login_as(Role.TRAINER)
    enrol(client)
    attempt = start_attempt(client)
    submit(client, attempt, quiz_answers(app, True))

    data = download(client)
    assert data["compte"]["role"] == "Formateur"
    [tried] = data["inscriptions"][0]["tentatives_de_quiz"]
    assert tried["reponses"][1]["reponses_cochees"] == [
        "La menace",
        "L'abus d'une situation de vulnérabilité",
    ]
    assert "<" not in json.dumps(tried)
    assert "&#" not in json.dumps(tried)


def test_my_data_holds_nothing_of_other_people(login_as, example_course):
    other = login_as(full_name="Autre Personne")
    enrol(other)
    finish_lesson(other, LESSON_1)
    me = login_as()
    data = download(me)
    assert data["inscriptions"] == []
    assert "Autre Personne" not in json.dumps(data)


def test_my_data_needs_to_be_logged_in(client):
    response = client.get("/compte/mes-donnees.json")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")


def test_the_page_explains_and_links_the_download(login_as):
    html = login_as().get("/compte/mes-donnees").get_data(as_text=True)
    assert "Télécharger mes données (JSON)" in html
    assert 'href="/compte/mes-donnees.json"' in html
