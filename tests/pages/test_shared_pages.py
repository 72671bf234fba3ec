"""Public pages kept per process for visitors without a cookie (training.shared_pages)."""

from contextlib import contextmanager

import pytest
from flask import template_rendered

from tests.conftest import ROOT
from training.accounts.forms import LoginForm
from training.accounts.models import Profession
from training.content.services import import_courses
from training.extensions import db
from training.request_log import REQUEST_ID_HEADER
from training.shared_pages import render_for_anyone

PUBLIC_PAGES = ["/", "/formations", "/aide", "/mentions-legales", "/donnees-personnelles"]


@contextmanager
def rendered(app):
    """The names of the templates rendered inside the block."""
    names: list[str] = []

    def record(sender, template, context, **extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def headers_of(response) -> dict[str, str]:
    return {name: value for name, value in response.headers if name != REQUEST_ID_HEADER}


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_visitor_without_cookie_gets_the_same_page_rendered_once(app, client, path):
    first = client.get(path)
    with rendered(app) as templates:
        second = client.get(path)

    assert second.status_code == first.status_code == 200
    assert templates == []
    assert second.get_data() == first.get_data()
    assert headers_of(second) == headers_of(first)
    assert "Cookie" in second.headers["Vary"]
    assert "Set-Cookie" not in second.headers


def test_a_signed_in_learner_never_gets_the_anonymous_page_nor_leaves_theirs(app, client, login_as):
    anonymous = client.get("/").get_data(as_text=True)
    learner = login_as()
    with rendered(app) as templates:
        own = learner.get("/").get_data(as_text=True)

    assert templates[0] == "pages/home.html"
    assert "Bonjour Camille Martin." in own
    assert "Se déconnecter" in own
    assert "Bonjour" not in anonymous
    assert client.get("/").get_data(as_text=True) == anonymous
    assert "Bonjour" not in app.test_client().get("/").get_data(as_text=True)


def test_a_course_published_after_a_visit_is_in_the_next_visitors_catalogue(
    app, client, example_course
):
    assert "Cours d&#39;exemple" in client.get("/formations").get_data(as_text=True)
    with app.app_context():
        import_courses([ROOT / "courses" / "socle-commun"])
        db.session.commit()
    page = client.get("/formations").get_data(as_text=True)
    assert "Cours d&#39;exemple" in page
    assert "le socle commun" in page


def test_a_renamed_profession_shows_at_once_in_the_catalogue(app, client, example_course):
    before = client.get("/formations").get_data(as_text=True)
    with app.app_context():
        profession = db.session.scalars(db.select(Profession).filter_by(code="autre")).one()
        profession.name = "Autre métier de première ligne"
        db.session.commit()
    after = client.get("/formations").get_data(as_text=True)
    assert "Autre métier de première ligne" not in before
    assert "Autre métier de première ligne" in after


@pytest.mark.parametrize("case", ["cookie", "query string", "templates reloading"])
def test_pages_are_rendered_for_each_request_when(app, client, case):
    client.get("/")
    if case == "cookie":
        client.set_cookie("preference", "1", domain="formation.test")
    if case == "templates reloading":
        app.jinja_env.auto_reload = True
    try:
        with rendered(app) as templates:
            response = client.get("/?campagne=2027" if case == "query string" else "/")
    finally:
        app.jinja_env.auto_reload = False
    assert response.status_code == 200
    assert "pages/home.html" in templates


def test_a_page_whose_rendering_wrote_to_the_session_is_not_kept(app):
    """A form's CSRF token lives in the session: two visitors must not share one."""
    tokens = []
    for _ in range(2):
        with app.test_request_context("/connexion"):
            html = render_for_anyone("accounts/login.html", form=LoginForm())
            tokens.append(html.split('name="csrf_token"')[1][:120])
    assert tokens[0] != tokens[1]
    assert "/connexion" not in app.extensions.get("shared_pages", {})
