"""Who may call each administration route: anonymous, learner, trainer, monitor and admin.
Every route of the admin blueprint, and the certificates' admin routes, are in the table."""

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token
from tests.learning.conftest import complete_course
from training.accounts.models import Profession, Role, Territory
from training.catalog.models import Enrolment
from training.certificates.services import issue_certificate
from training.extensions import db

ACTORS = ("anonymous", "learner", "trainer", "monitor", "admin")
ROLES = {
    "learner": Role.LEARNER,
    "trainer": Role.TRAINER,
    "monitor": Role.MONITOR,
    "admin": Role.ADMIN,
}
#: Admins only; the others are sent to log in (anonymous) or refused.
ADMIN_GET = {"anonymous": 302, "learner": 403, "trainer": 403, "monitor": 403, "admin": 200}
#: A button (its CSRF token only): done, then back to a page.
ADMIN_BUTTON = {**ADMIN_GET, "admin": 302}
#: An empty form: refused with its errors.
ADMIN_EMPTY_FORM = {**ADMIN_GET, "admin": 422}

ROUTES = [
    ("GET", "/admin/comptes", ADMIN_GET),
    ("GET", "/admin/comptes/{user}", ADMIN_GET),
    ("POST", "/admin/comptes/{user}", ADMIN_EMPTY_FORM),
    ("POST", "/admin/comptes/{user}/desactivation", ADMIN_BUTTON),
    ("POST", "/admin/comptes/{user}/reactivation", ADMIN_BUTTON),
    ("POST", "/admin/comptes/{user}/confirmation", ADMIN_BUTTON),
    ("POST", "/admin/comptes/{user}/double-authentification", ADMIN_BUTTON),
    ("GET", "/admin/referentiels", ADMIN_GET),
    ("GET", "/admin/territoires/nouveau", ADMIN_GET),
    ("POST", "/admin/territoires/nouveau", ADMIN_EMPTY_FORM),
    ("GET", "/admin/territoires/{territory}", ADMIN_GET),
    ("POST", "/admin/territoires/{territory}", ADMIN_EMPTY_FORM),
    ("POST", "/admin/territoires/{territory}/retrait", ADMIN_BUTTON),
    ("POST", "/admin/territoires/{territory}/reactivation", ADMIN_BUTTON),
    ("GET", "/admin/professions/nouvelle", ADMIN_GET),
    ("POST", "/admin/professions/nouvelle", ADMIN_EMPTY_FORM),
    ("GET", "/admin/professions/{profession}", ADMIN_GET),
    ("POST", "/admin/professions/{profession}", ADMIN_EMPTY_FORM),
    ("POST", "/admin/professions/{profession}/retrait", ADMIN_BUTTON),
    ("POST", "/admin/professions/{profession}/reactivation", ADMIN_BUTTON),
    ("GET", "/admin/journal", ADMIN_GET),
    ("GET", "/admin/journal.csv", ADMIN_GET),
    ("GET", "/admin/attestations", ADMIN_GET),
    ("GET", "/admin/attestations/{code}", ADMIN_GET),
    ("GET", "/admin/attestations/{code}/revocation", ADMIN_GET),
    ("POST", "/admin/attestations/{code}/revocation", ADMIN_EMPTY_FORM),
]  # fmt: skip


def test_the_table_covers_every_admin_route(app):
    rules = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.") or rule.endpoint.startswith("certificates.admin_")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    table = {
        (
            method,
            path.replace("{user}", "<int:user_id>")
            .replace("{territory}", "<int:territory_id>")
            .replace("{profession}", "<int:profession_id>")
            .replace("{code}", "<code>"),
        )
        for method, path, _ in ROUTES
    }
    assert rules == table


@pytest.fixture
def world(app, make_user, example_course):
    """An unconfirmed account holding a certificate, a territory and a profession to act on."""
    holder = make_user(confirmed=False, full_name="Dominique Titulaire")
    complete_course(app, holder, example_course)
    with app.app_context():
        enrolment = db.session.scalar(sa.select(Enrolment).filter_by(user_id=holder.id))
        code = issue_certificate(enrolment).code
        db.session.commit()
        territory = db.session.scalar(sa.select(Territory.id).filter_by(code="bordeaux"))
        profession = db.session.scalar(sa.select(Profession.id).filter_by(code="sante"))
    return {"user": holder.id, "territory": territory, "profession": profession, "code": code}


@pytest.mark.parametrize(
    ("method", "path", "expected"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
def test_access(app, login_as, world, method, path, expected):
    url = path.format(**world)
    for actor in ACTORS:
        client = app.test_client() if actor == "anonymous" else login_as(ROLES[actor])
        if method == "GET":
            response = client.get(url)
        else:
            token = csrf_token(client, "/mot-de-passe-oublie" if actor == "anonymous" else "/")
            response = client.post(url, data={"csrf_token": token})
        assert response.status_code == expected[actor], (actor, response.text[:300])
        if actor == "anonymous":
            assert response.headers["Location"].startswith("/connexion")
