"""The web editor in the browser's terms (test client): who reaches it, editing with the
revision, preview, problems next to the file, adding and removing files, publishing, history."""

import io
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token
from training.accounts.models import Role
from training.authoring.editor_views import CALLOUTS
from training.content.models import CourseVersion
from training.content.renderer import CourseRenderer, Source
from training.extensions import db

from .conftest import LESSON, NOTE_BLOCK, SLUG, stored_draft
from .test_pages import author_client

DRAFT = f"/formateur/brouillons/{SLUG}"
PAGES = [
    DRAFT,
    f"{DRAFT}/fichiers/{LESSON}",
    f"{DRAFT}/modifications",
    f"{DRAFT}/publier",
    f"{DRAFT}/parametres",
    f"{DRAFT}/plan",
    f"{DRAFT}/plan/supprimer?chemin=02-verifier/01-quiz.md",
    f"{DRAFT}/quiz/02-verifier/01-quiz.md",
    f"{DRAFT}/importer-gift",
    f"{DRAFT}/gift/02-verifier/01-quiz.md",
    f"{DRAFT}/archive.zip",
    f"/formateur/formations/{SLUG}/versions",
    f"/formateur/formations/{SLUG}/versions/1/modifications",
    f"/formateur/formations/{SLUG}/versions/1/archive.zip",
]
ALLOWED = {Role.LEARNER: 403, Role.MONITOR: 403, "another trainer": 403, Role.ADMIN: 200}


@pytest.fixture
def author(app, example_course, login_as):
    """A client of an author of the example course, with the course's draft opened."""
    client = author_client(app, login_as)
    response = client.post(
        f"/formateur/formations/{SLUG}/modifier",
        data={"csrf_token": csrf_token(client, "/formateur/formations")},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == DRAFT
    return client


def save(client, path: str, text: str, revision: int, action: str = "enregistrer"):
    url = f"{DRAFT}/fichiers/{path}"
    return client.post(
        url,
        data={"csrf_token": csrf_token(client, url), "revision": revision, "text": text,
              "action": action},
    )  # fmt: skip


@dataclass
class Stored:
    revision: int
    files: dict[str, str]
    assets: list[str]


def stored(client) -> Stored | None:
    """The draft as the database holds it, read in an app context of its own (the client's
    requests must not share one)."""
    with client.application.app_context():
        draft = stored_draft()
        if draft is None:
            return None
        return Stored(draft.revision, dict(draft.files), sorted(a.path for a in draft.assets))


def lesson_text(client) -> str:
    return stored(client).files[LESSON]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("who", list(ALLOWED), ids=str)
def test_access_table(author, login_as, url, who):
    assert author.get(url).status_code == 200
    client = login_as(Role.TRAINER if who == "another trainer" else who)
    assert client.get(url).status_code == ALLOWED[who]


@pytest.mark.parametrize("url", [*PAGES, "/formateur/formations/nouvelle"])
def test_anonymous_visitors_are_sent_to_the_login_page(app, author, url):
    response = app.test_client().get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion?next=")


def test_posts_of_another_trainer_are_refused(author, login_as):
    other = login_as(Role.TRAINER)
    token = csrf_token(other, "/formateur/formations")
    for url, data in [
        (f"/formateur/formations/{SLUG}/modifier", {}),
        (f"{DRAFT}/fichiers/{LESSON}", {"revision": 1, "text": "---\ntitle: x\n---\n"}),
        (f"{DRAFT}/fichiers", {"revision": 1, "module": "01-decouvrir", "name": "09-x"}),
        (f"{DRAFT}/fichiers/supprimer", {"revision": 1, "path": LESSON}),
        (f"{DRAFT}/publier", {"revision": 1, "change_note": "Note"}),
        (f"{DRAFT}/abandonner", {}),
        (f"{DRAFT}/quiz/02-verifier/01-quiz.md", {"revision": 1, "title": "x"}),
        (f"{DRAFT}/importer-gift", {"revision": 1, "module": "02-verifier"}),
        (f"{DRAFT}/parametres", {"revision": 1, "title": "x", "estimated_minutes": "5"}),
        (f"{DRAFT}/plan/renommer", {"revision": 1, "path": "01-decouvrir", "title": "x"}),
        (f"{DRAFT}/plan/deplacer", {"revision": 1, "path": LESSON, "direction": "bas"}),
        (f"{DRAFT}/plan/supprimer", {"revision": 1, "path": "02-verifier/01-quiz.md"}),
        (f"{DRAFT}/plan/modules", {"revision": 1, "title": "x"}),
        (f"{DRAFT}/plan/etapes", {"revision": 1, "module": "01-decouvrir", "title": "x"}),
    ]:
        assert other.post(url, data={"csrf_token": token, **data}).status_code == 403, url
    assert stored(other).revision == 1


def test_unknown_drafts_files_and_versions_are_404(author):
    for url in [
        "/formateur/brouillons/inconnu",
        f"{DRAFT}/fichiers/01-decouvrir/absent.md",
        f"{DRAFT}/fichiers/..%2F..%2Fetc/passwd",
        f"/formateur/formations/{SLUG}/versions/9/modifications",
        "/formateur/formations/inconnu/versions",
    ]:
        assert author.get(url).status_code == 404, url


def test_the_draft_page_lists_files_and_every_problem_with_its_line(author):
    text = lesson_text(author).replace("title:", "titre:", 1)
    assert save(author, LESSON, text, 1).status_code == 302
    html = author.get(DRAFT).get_data(as_text=True)
    assert "02-verifier/01-quiz.md" in html
    assert re.search(rf"{re.escape(LESSON)}, ligne \d+</a> : ", html)
    assert "à corriger avant de publier" in html


def test_saving_shows_the_files_problems_and_keeps_the_text(author):
    response = save(author, LESSON, lesson_text(author) + "\n![schéma](images/absent.png)\n", 1)
    page = author.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{LESSON} est enregistré." in page
    assert "Ce que la vérification signale dans ce fichier" in page
    assert "![schéma](images/absent.png)" in page
    assert stored(author).revision == 2


def test_a_save_on_an_older_revision_is_refused_and_the_text_shown_again(author):
    assert save(author, LESSON, lesson_text(author) + "\nAjout de Léa.\n", 1).status_code == 302
    response = save(author, LESSON, lesson_text(author) + "\nAjout de Karim.\n", 1)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Ce brouillon a été modifié par" in html
    assert "Ajout de Karim." in html
    assert "Ajout de Léa." in lesson_text(author)
    assert "Ajout de Karim." not in lesson_text(author)


def test_the_preview_renders_without_saving_and_shows_review_notes(author):
    text = lesson_text(author) + "\n::: a-retenir\nUn **point** essentiel.\n:::\n"
    response = save(author, LESSON, text, 1, action="apercu")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Aperçu (non enregistré)" in html
    assert "Un <strong>point</strong> essentiel." in html
    assert "Exemple de passage à faire vérifier" in html  # the review note, shown to trainers
    assert stored(author).revision == 1
    assert "Un **point**" not in lesson_text(author)


def test_the_preview_of_a_quiz_shows_its_questions_and_right_answers(author):
    quiz = "02-verifier/01-quiz.md"
    html = save(author, quiz, stored(author).files[quiz], 1, action="apercu").get_data(as_text=True)
    assert "Question 1 :" in html
    assert "bonne réponse" in html


def test_hostile_text_is_inert_in_the_preview(author):
    text = lesson_text(author) + "\n<script>alert(1)</script> [x](javascript:alert(2))\n"
    html = save(author, LESSON, text, 1, action="apercu").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert 'href="javascript:' not in html


def test_adding_then_removing_a_quiz(author):
    token = csrf_token(author, DRAFT)
    response = author.post(
        f"{DRAFT}/fichiers",
        data={"csrf_token": token, "revision": 1, "module": "02-verifier", "name": "02-bilan",
              "kind": "quiz"},
    )  # fmt: skip
    assert response.headers["Location"] == f"{DRAFT}/fichiers/02-verifier/02-bilan.md"
    assert "kind: quiz" in stored(author).files["02-verifier/02-bilan.md"]
    response = author.post(
        f"{DRAFT}/fichiers/supprimer",
        data={"csrf_token": token, "revision": 2, "path": "02-verifier/02-bilan.md"},
    )
    assert response.status_code == 302
    assert "02-verifier/02-bilan.md" not in stored(author).files


def test_a_file_outside_the_course_layout_is_refused(author):
    response = author.post(
        f"{DRAFT}/fichiers",
        data={"csrf_token": csrf_token(author, DRAFT), "revision": 1, "module": "..",
              "name": "passwd", "kind": "lesson"},
        follow_redirects=True,
    )  # fmt: skip
    assert "un fichier du cours est course.md" in response.get_data(as_text=True)
    assert stored(author).revision == 1


def test_an_image_with_a_script_is_refused_and_a_png_added(author):
    token = csrf_token(author, DRAFT)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = author.post(
        f"{DRAFT}/images",
        data={"csrf_token": token, "revision": 1, "image": (io.BytesIO(svg), "piege.svg")},
        follow_redirects=True,
    )
    assert "images/piege.svg" in response.get_data(as_text=True)
    assert stored(author).revision == 1
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    author.post(
        f"{DRAFT}/images",
        data={"csrf_token": token, "revision": 1, "image": (io.BytesIO(png), "schema.png")},
    )
    assert stored(author).assets == ["images/schema.png", "images/trois-elements.svg"]


def test_publishing_asks_for_a_note_then_makes_a_version_with_its_history(author):
    assert save(author, LESSON, lesson_text(author).replace(NOTE_BLOCK, ""), 1).status_code == 302
    url = f"{DRAFT}/publier"
    page = author.get(url).get_data(as_text=True)
    assert "Publier la version 2" in page
    assert "Étapes modifiées : 01-decouvrir/01-les-trois-elements" in page

    empty = author.post(url, data={"csrf_token": csrf_token(author, url), "revision": 2})
    assert empty.status_code == 422
    assert stored(author) is not None

    note = "Le point à valider de la première leçon est levé."
    response = author.post(
        url, data={"csrf_token": csrf_token(author, url), "revision": 2, "change_note": note}
    )
    assert response.headers["Location"] == f"/formateur/formations/{SLUG}/versions"
    assert stored(author) is None
    history = author.get(response.headers["Location"]).get_data(as_text=True)
    assert note in history
    changes = author.get(f"/formateur/formations/{SLUG}/versions/2/modifications").text
    assert "<del>-::: a-valider</del>" in changes
    with author.application.app_context():
        version = db.session.scalar(sa.select(CourseVersion).filter_by(number=2))
        assert version.change_note == note


def test_a_trainer_cannot_publish_review_notes_and_an_admin_confirms_them(author, login_as):
    text = lesson_text(author) + "\nUne phrase de plus.\n"
    assert save(author, LESSON, text, 1).status_code == 302
    url = f"{DRAFT}/publier"
    data = {"revision": 2, "change_note": "Une phrase de plus.", "confirm_review_notes": "y"}
    refused = author.post(url, data={"csrf_token": csrf_token(author, url), **data})
    assert refused.status_code == 409
    assert "À valider" in refused.get_data(as_text=True)
    admin = login_as(Role.ADMIN)
    assert "Je confirme la publication" in admin.get(url).get_data(as_text=True)
    response = admin.post(url, data={"csrf_token": csrf_token(admin, url), **data})
    assert response.status_code == 302
    assert stored(admin) is None


def test_a_new_course_starts_as_a_draft(app, login_as):
    client = login_as(Role.TRAINER)
    url = "/formateur/formations/nouvelle"
    refused = client.post(url, data={"csrf_token": csrf_token(client, url), "title": "Essai",
                                     "slug": "Pas Valide"})  # fmt: skip
    assert refused.status_code == 422
    assert "Nom court invalide" in refused.get_data(as_text=True)
    data = {"title": "Traite et santé", "slug": "traite-et-sante"}
    response = client.post(url, data={"csrf_token": csrf_token(client, url), **data})
    assert response.headers["Location"] == "/formateur/brouillons/traite-et-sante"
    assert "Brouillon « traite-et-sante »" in client.get("/formateur/formations").text


def test_discarding_the_draft_leaves_the_course_as_published(author):
    response = author.post(f"{DRAFT}/abandonner", data={"csrf_token": csrf_token(author, DRAFT)})
    assert response.headers["Location"] == "/formateur/formations"
    assert stored(author) is None


def test_the_callout_toolbar_is_hidden_until_the_script_shows_it_and_the_memo_is_there(author):
    html = author.get(f"{DRAFT}/fichiers/{LESSON}").get_data(as_text=True)

    assert re.search(r'<div class="editor-tools" data-editor-tools hidden>', html)
    assert 'role="toolbar" aria-labelledby="encadres-titre" aria-controls="texte-fichier"' in html
    assert html.count('<button type="button" class="fr-btn fr-btn--sm') == len(CALLOUTS)
    memo = html[html.index('<details class="editor-memo') : html.index("</details>")]
    for opening in ["::: a-retenir", "::: attention", "::: cas-pratique", "::: a-valider"]:
        assert f'data-callout-open="{opening}' in html
        assert f"<code>{opening}" in memo


@pytest.mark.parametrize("callout", CALLOUTS, ids=lambda callout: callout["label"])
def test_each_skeleton_of_the_toolbar_renders_as_its_callout(callout):
    renderer = CourseRenderer(set(), set(), show_review_notes=True)
    skeleton = f"Avant.\n\n{callout['opening']}\n{callout['text']}\n:::\n\nAprès.\n"

    html = renderer.render(skeleton, Source(PurePosixPath("lecon.md"), "01-module", 1))

    assert renderer.problems == []
    assert callout["label"] in html
    assert ":::" not in html
