"""The trainers' space: who reaches it, the course list, « Points à valider » and the preview."""

import pytest
import sqlalchemy as sa

from tests.conftest import ROOT
from training.accounts.models import Role, User
from training.authoring.authors import add_co_author
from training.content import services as content
from training.content.models import Course
from training.extensions import db

SLUG = "exemple-cours"
NOTE = "Exemple de passage à faire vérifier par un expert avant publication."
ROUTES = [
    "/formateur/formations",
    f"/formateur/formations/{SLUG}/points-a-valider",
    f"/formateur/formations/{SLUG}/auteurs",
    f"/formateur/formations/{SLUG}/apercu/01-decouvrir/01-les-trois-elements",
    f"/formateur/formations/{SLUG}/apercu/02-verifier/01-quiz",
    f"/formateur/formations/{SLUG}/apercu/images/trois-elements.svg",
]
#: The course's author and admins read its pages; another trainer only the list (of their own).
ALLOWED = {
    Role.LEARNER: 403,
    Role.MONITOR: 403,
    "author": 200,
    "another trainer": 403,
    Role.ADMIN: 200,
}
LIST_ALLOWED = {**ALLOWED, "another trainer": 200}


def author_client(app, login_as, slug: str = SLUG):
    """A client logged in as a trainer who is an author of the course `slug`."""
    client = login_as(Role.TRAINER)
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
        add_co_author(course, db.session.get(User, client.user.id), None)
        db.session.commit()
    return client


@pytest.mark.parametrize("url", ROUTES)
@pytest.mark.parametrize("who", list(ALLOWED), ids=str)
def test_access_table(app, example_course, login_as, url, who):
    if who == "author":
        client = author_client(app, login_as)
    else:
        client = login_as(Role.TRAINER if who == "another trainer" else who)
    expected = (LIST_ALLOWED if url == "/formateur/formations" else ALLOWED)[who]

    assert client.get(url).status_code == expected


@pytest.mark.parametrize("url", ROUTES)
def test_anonymous_visitors_are_sent_to_the_login_page(app, example_course, url):
    response = app.test_client().get(url)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")


@pytest.mark.parametrize(
    "url",
    [
        "/formateur/formations/inconnu/points-a-valider",
        f"/formateur/formations/{SLUG}/apercu/01-decouvrir/inconnue",
        f"/formateur/formations/{SLUG}/apercu/images/absente.png",
        f"/formateur/formations/{SLUG}/apercu/..%2F..%2Fetc/passwd",
    ],
)
def test_unknown_objects_are_404(app, example_course, login_as, url):
    assert author_client(app, login_as).get(url).status_code == 404


def test_navigation_shows_redaction_to_trainers_and_admins_only(login_as):
    for role, shown in [(Role.TRAINER, True), (Role.ADMIN, True), (Role.LEARNER, False)]:
        html = login_as(role).get("/mon-parcours").get_data(as_text=True)
        assert ('href="/formateur/formations"' in html) is shown, role


def test_course_list_counts_review_notes(app, example_course, login_as):
    html = author_client(app, login_as).get("/formateur/formations").get_data(as_text=True)

    assert "Cours exemple" in html or SLUG in html
    assert "1 point à valider" in html


def test_review_notes_page_lists_each_note_with_its_step_and_place(app, example_course, login_as):
    html = (
        author_client(app, login_as)
        .get(f"/formateur/formations/{SLUG}/points-a-valider")
        .get_data(as_text=True)
    )

    assert NOTE in html
    assert "Les trois éléments" in html or "trois" in html
    assert f"{SLUG}/01-decouvrir/01-les-trois-elements.md:37" in html
    assert f"/formateur/formations/{SLUG}/apercu/01-decouvrir/01-les-trois-elements" in html


def test_preview_shows_notes_answers_and_feedback(app, example_course, login_as):
    client = author_client(app, login_as)
    lesson = client.get(f"/formateur/formations/{SLUG}/apercu/01-decouvrir/01-les-trois-elements")
    quiz = client.get(f"/formateur/formations/{SLUG}/apercu/02-verifier/01-quiz")

    assert NOTE in lesson.get_data(as_text=True)
    assert 'class="fr-alert fr-alert--warning"' in lesson.get_data(as_text=True)
    assert "bonne réponse" in quiz.get_data(as_text=True)


def test_hostile_markdown_in_a_note_is_inert(app, tmp_path, login_as):
    from tests.content.conftest import copy_example

    course = copy_example(tmp_path)
    course.replace(
        "01-decouvrir/01-les-trois-elements.md",
        "Exemple de passage",
        "<script>alert(1)</script> <img src=x onerror=alert(2)> Exemple de passage",
    )
    with app.app_context():
        content.import_courses([course.path])
        db.session.commit()
    client = author_client(app, login_as)
    for url in (
        f"/formateur/formations/{SLUG}/points-a-valider",
        f"/formateur/formations/{SLUG}/apercu/01-decouvrir/01-les-trois-elements",
    ):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "&lt;script&gt;" in html


def test_the_example_course_file_is_where_the_page_says(example_course):
    path = ROOT / "docs" / "exemple-cours" / "01-decouvrir" / "01-les-trois-elements.md"
    assert path.read_text(encoding="utf-8").split("\n")[36] == "::: a-valider"
