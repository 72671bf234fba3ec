"""Public pages kept per process for visitors without a cookie (training.shared_pages)."""

from contextlib import contextmanager

import pytest
from flask import template_rendered

from tests.conftest import ROOT
from tests.learning.test_queries import counted
from training import shared_pages
from training.accounts.forms import LoginForm
from training.accounts.models import Profession
from training.content.services import import_courses
from training.extensions import db
from training.request_log import REQUEST_ID_HEADER
from training.shared_pages import FRESH_FOR_SECONDS, render_for_anyone

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


@pytest.fixture
def clock(monkeypatch):
    """The time the kept pages see, in seconds, moved on by the test."""
    now = [1000.0]
    monkeypatch.setattr(shared_pages, "monotonic", lambda: now[0])
    return now


def test_the_catalogue_asks_nothing_of_the_database_for_a_few_seconds(app, client, clock):
    client.get("/formations")
    clock[0] += FRESH_FOR_SECONDS - 0.1
    with counted(app) as statements:
        assert client.get("/formations").status_code == 200
    assert statements == []
    clock[0] += 0.1
    with counted(app) as statements:
        assert client.get("/formations").status_code == 200
    assert len(statements) == 2, statements


def test_a_course_published_after_a_visit_reaches_visitors_within_seconds(
    app, client, login_as, example_course, clock
):
    assert "Cours d&#39;exemple" in client.get("/formations").get_data(as_text=True)
    with app.app_context():
        import_courses([ROOT / "courses" / "socle-commun"])
        db.session.commit()
    assert "le socle commun" in login_as().get("/formations").get_data(as_text=True)
    assert "le socle commun" not in client.get("/formations").get_data(as_text=True)
    clock[0] += FRESH_FOR_SECONDS
    page = client.get("/formations").get_data(as_text=True)
    assert "Cours d&#39;exemple" in page
    assert "le socle commun" in page


def test_a_renamed_profession_reaches_the_catalogue_within_seconds(
    app, client, example_course, clock
):
    before = client.get("/formations").get_data(as_text=True)
    with app.app_context():
        profession = db.session.scalars(db.select(Profession).filter_by(code="autre")).one()
        profession.name = "Autre métier de première ligne"
        db.session.commit()
    clock[0] += FRESH_FOR_SECONDS
    after = client.get("/formations").get_data(as_text=True)
    assert "Autre métier de première ligne" not in before
    assert "Autre métier de première ligne" in after


def test_an_unchanged_catalogue_is_served_again_without_rendering(
    app, client, example_course, clock
):
    client.get("/formations")
    clock[0] += FRESH_FOR_SECONDS
    with rendered(app) as templates, counted(app) as statements:
        assert client.get("/formations").status_code == 200
    assert templates == []
    assert len(statements) == 2
    clock[0] += FRESH_FOR_SECONDS - 0.1
    with counted(app) as statements:
        client.get("/formations")
    assert statements == [], "a page found unchanged is fresh again"


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
