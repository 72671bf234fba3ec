"""A course's authors in the browser's terms (test client): everyone who may edit the course
reads the list; only admins add co-authors (by address) and remove authors."""

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token
from training.accounts.models import Role, User
from training.audit.models import AuditEvent
from training.authoring.authors import add_co_author, course_authors
from training.content.models import Course
from training.extensions import db

from .conftest import SLUG
from .test_pages import author_client

PAGE = f"/formateur/formations/{SLUG}/auteurs"
REMOVE = f"{PAGE}/retirer"


def authors_of(app) -> list[tuple[str, bool]]:
    """(e-mail, owner) of the course's authors, read in an app context of their own."""
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == SLUG))
        return [(a.user.email, a.is_owner) for a in course_authors(course)]


def audit_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


@pytest.fixture
def owner(app, example_course, make_user) -> User:
    """A trainer who owns the example course."""
    user = make_user("olga@exemple.fr", role=Role.TRAINER, full_name="Olga Propriétaire")
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == SLUG))
        add_co_author(course, db.session.get(User, user.id), None, as_owner=True)
        db.session.commit()
    return user


@pytest.fixture
def admin(login_as, owner):
    return login_as(Role.ADMIN)


def add(client, email: str):
    return client.post(PAGE, data={"csrf_token": csrf_token(client, PAGE), "email": email})


def remove(client, user_id: int):
    return client.post(REMOVE, data={"csrf_token": csrf_token(client, PAGE), "user_id": user_id})


def test_an_admin_adds_a_trainer_then_removes_them(app, admin, owner, make_user):
    trainer = make_user("tom@exemple.fr", role=Role.TRAINER, full_name="Tom Formateur")

    response = add(admin, "Tom@Exemple.fr")
    assert response.status_code == 302
    assert response.headers["Location"] == PAGE
    html = admin.get(PAGE).get_data(as_text=True)
    assert "Tom Formateur figure maintenant parmi les autrices et auteurs" in html
    assert "Co-auteur ou co-autrice" in html
    assert authors_of(app) == [("olga@exemple.fr", True), ("tom@exemple.fr", False)]

    response = remove(admin, trainer.id)
    assert response.status_code == 302
    assert "Tom Formateur ne peut plus modifier la formation." in admin.get(PAGE).get_data(
        as_text=True
    )
    assert authors_of(app) == [("olga@exemple.fr", True)]


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("inconnue@exemple.fr", "Aucun compte n&#39;a l&#39;adresse « inconnue@exemple.fr »"),
        ("lea@exemple.fr", "Léa Apprenante n&#39;a pas le rôle de formateur"),
        ("olga@exemple.fr", "Olga Propriétaire figure déjà parmi les autrices et auteurs"),
        ("", "Adresse électronique du compte à ajouter"),
    ],
)
def test_a_refused_address_is_422_with_its_reason_and_changes_nothing(
    app, admin, make_user, email, message
):
    make_user("lea@exemple.fr", role=Role.LEARNER, full_name="Léa Apprenante")
    before = audit_count(app)

    response = add(admin, email)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'id="resume-erreurs"' in html
    assert authors_of(app) == [("olga@exemple.fr", True)]
    assert audit_count(app) == before


def test_the_last_owner_is_kept(app, admin, owner):
    page = admin.get(PAGE).get_data(as_text=True)
    assert "Impossible de retirer l'unique propriétaire." in page

    response = remove(admin, owner.id)

    assert response.status_code == 302
    assert "Olga Propriétaire est le seul propriétaire" in admin.get(PAGE).get_data(as_text=True)
    assert authors_of(app) == [("olga@exemple.fr", True)]


def test_authors_read_the_list_without_the_admins_forms(app, login_as, owner):
    client = author_client(app, login_as)

    html = client.get(PAGE).get_data(as_text=True)

    assert "Olga Propriétaire" in html
    assert "olga@exemple.fr" in html
    assert "Retirer" not in html
    assert "Ajouter aux autrices et auteurs" not in html
    assert "Seul un administrateur ajoute ou retire" in html


@pytest.mark.parametrize("who", ["author", "another trainer", Role.LEARNER, Role.MONITOR], ids=str)
def test_only_admins_change_the_authors(app, login_as, owner, make_user, who):
    make_user("tom@exemple.fr", role=Role.TRAINER, full_name="Tom Formateur")
    if who == "author":
        client = author_client(app, login_as)
    else:
        client = login_as(Role.TRAINER if who == "another trainer" else who)
    token = csrf_token(client, "/mon-parcours")
    before = authors_of(app)

    for url, data in [(PAGE, {"email": "tom@exemple.fr"}), (REMOVE, {"user_id": owner.id})]:
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 403, url
    assert authors_of(app) == before


@pytest.mark.parametrize("url", [PAGE, REMOVE])
def test_anonymous_posts_are_refused(app, owner, url):
    response = app.test_client().post(url, data={"email": "olga@exemple.fr"})

    assert response.status_code in (302, 400)
    assert authors_of(app) == [("olga@exemple.fr", True)]


def test_the_list_and_the_draft_link_to_the_authors_page(app, admin):
    assert f'href="{PAGE}"' in admin.get("/formateur/formations").get_data(as_text=True)
    admin.post(
        f"/formateur/formations/{SLUG}/modifier",
        data={"csrf_token": csrf_token(admin, "/formateur/formations")},
    )
    assert f'href="{PAGE}"' in admin.get(f"/formateur/brouillons/{SLUG}").get_data(as_text=True)


def test_unknown_courses_and_people_are_404(app, admin):
    assert admin.get("/formateur/formations/inconnu/auteurs").status_code == 404
    assert remove(admin, 999_999).status_code == 404
