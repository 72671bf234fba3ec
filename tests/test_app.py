"""The application as a whole: configuration, access rules, error pages, headers, migrations."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from config import ConfigurationError, ProductionConfig, TestingConfig
from training import create_app
from training.accounts.access import AccessRule, public
from training.extensions import db


def test_every_view_declares_who_may_call_it(app):
    undeclared = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and not isinstance(
            getattr(app.view_functions[rule.endpoint], "access_rule", None), AccessRule
        )
    ]
    assert undeclared == []


@pytest.fixture
def bare_app():
    """An app of its own, to which a test may add routes (no database needed)."""
    return create_app(TestingConfig)


def test_a_view_without_declaration_is_refused(bare_app):
    @bare_app.route("/__undeclared")
    def undeclared():
        return "secret"

    assert bare_app.test_client().get("/__undeclared").status_code == 403


@pytest.mark.parametrize("missing", ["SECRET_KEY", "SQLALCHEMY_DATABASE_URI"])
def test_production_refuses_to_start_without_its_secrets(monkeypatch, missing):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 40)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", "postgresql://db/x")
    monkeypatch.setattr(ProductionConfig, missing, None)
    with pytest.raises(ConfigurationError) as error:
        ProductionConfig.validate()
    assert "\n" not in str(error.value)
    assert ("DATABASE_URL" if missing == "SQLALCHEMY_DATABASE_URI" else missing) in str(error.value)


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_reference_data_is_seeded_by_the_migration(client):
    html = client.get("/inscription").get_data(as_text=True)
    for name in (
        "Magistrat", "Enseignant ou personnel de l&#39;éducation", "Professionnel de santé",
        "Inspecteur du travail", "Travailleur social", "Policier ou gendarme",
        "Paris", "Marseille", "Bordeaux", "Autre territoire",
    ):  # fmt: skip
        assert name in html


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/aide",
        "/mentions-legales",
        "/donnees-personnelles",
        "/accessibilite",
        "/guides/verifier-une-attestation",
    ],
)
def test_public_pages_are_french_with_one_h1_and_a_skip_link(client, url):
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="fr"' in html
    assert html.count("<h1") == 1
    assert 'href="#contenu"' in html
    for link in ("/mentions-legales", "/donnees-personnelles", "/accessibilite", "/aide"):
        assert f'href="{link}"' in html


def test_unknown_page_is_a_french_404(client):
    response = client.get("/cette-page-n-existe-pas")
    assert response.status_code == 404
    assert "Page non trouvée" in response.get_data(as_text=True)


def test_unexpected_error_is_a_french_500(bare_app):
    @bare_app.route("/__boom")
    @public
    def boom():
        raise RuntimeError("boom")

    bare_app.config["PROPAGATE_EXCEPTIONS"] = False
    response = bare_app.test_client().get("/__boom")
    assert response.status_code == 500
    assert "Erreur inattendue" in response.get_data(as_text=True)


def test_security_headers(client):
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
