"""Log-in, log-out, sessions, redirects and rate limits."""

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, csrf_token, log_in
from training.accounts import login_sessions
from training.accounts.models import Role, UserSession
from training.extensions import db

SAME_MESSAGE = "Adresse électronique ou mot de passe incorrect."


def test_login_with_any_case_then_logout(client, make_user):
    make_user("agent@exemple.fr")
    response = log_in(client, "AGENT@Exemple.fr")
    assert response.status_code == 302
    assert "Mon compte" in client.get("/").get_data(as_text=True)
    assert client.get("/compte").status_code == 200

    response = client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/compte")})
    assert response.status_code == 302
    assert client.get("/compte").status_code == 302


def test_unknown_email_and_wrong_password_get_the_same_answer(client, make_user):
    make_user("agent@exemple.fr")
    wrong_password = log_in(client, "agent@exemple.fr", "pas le bon mot de passe du tout")
    unknown = log_in(client, "inconnu@exemple.fr", PASSWORD)
    assert wrong_password.status_code == unknown.status_code == 422
    assert SAME_MESSAGE in wrong_password.get_data(as_text=True)
    assert SAME_MESSAGE in unknown.get_data(as_text=True)


def test_missing_csrf_token_is_a_400_and_nothing_happens(client, make_user):
    make_user("agent@exemple.fr")
    response = client.post("/connexion", data={"email": "agent@exemple.fr", "password": PASSWORD})
    assert response.status_code == 400
    assert "Le formulaire a expiré" in response.get_data(as_text=True)
    assert client.get("/compte").status_code == 302


def test_login_clears_the_anonymous_session(app, client, make_user):
    user = make_user("agent@exemple.fr")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["_user_id"] = "a secret chosen by someone else"
    log_in(client, "agent@exemple.fr")
    with client.session_transaction() as session:
        assert "planted" not in session
        secret = session["_user_id"]
    # The cookie holds a new random secret, of which the database keeps only the hash.
    assert secret != "a secret chosen by someone else"
    with app.app_context():
        row = db.session.scalar(sa.select(UserSession).filter_by(user_id=user.id))
        assert row.secret_hash == login_sessions.hash_secret(secret) != secret


def test_anonymous_user_is_sent_to_login_and_back(client, make_user):
    make_user("agent@exemple.fr")
    response = client.get("/compte")
    assert response.status_code == 302
    assert response.headers["Location"] == "/connexion?next=/compte"
    response = log_in(client, "agent@exemple.fr", next_url="/compte")
    assert response.headers["Location"] == "/compte"


@pytest.mark.parametrize(
    ("referrer", "expected"),
    [
        (
            "http://formation.test/formateur/brouillons/cours",
            "/connexion?next=/formateur/brouillons/cours",
        ),
        ("http://formation.test/compte?onglet=1", "/connexion?next=/compte?onglet%3D1"),
        ("https://ailleurs.example/compte", "/connexion"),
        (None, "/connexion"),
    ],
)
def test_a_form_posted_after_the_session_ended_leads_back_to_its_page(client, referrer, expected):
    """A POST-only address would answer 405 after the log-in: lead back to the form's page."""
    headers = {"Referer": referrer} if referrer else {}
    form = {"csrf_token": csrf_token(client)}  # still in the cookie once the session expired

    response = client.post("/compte/sessions/fin-des-autres", data=form, headers=headers)

    assert response.status_code == 302
    assert response.headers["Location"] == expected


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "https://evil.example/",
        "/\t/evil.example",
        "\\\\evil.example",
        "http:evil.example",
    ],
)
def test_next_parameter_never_leaves_the_site(client, make_user, target):
    make_user("agent@exemple.fr")
    response = log_in(client, "agent@exemple.fr", next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_attempts_are_limited_per_account(app, client, make_user):
    make_user("cible@exemple.fr")
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    try:
        statuses = [
            log_in(client, "cible@exemple.fr", "mauvais mot de passe n").status_code
            for _ in range(4)
        ]
        assert statuses == [422, 422, 422, 429]
        response = log_in(client, "cible@exemple.fr")
        assert response.status_code == 429
        assert "Trop de tentatives" in response.get_data(as_text=True)
        # another account from the same address is not blocked by this limit
        make_user("autre@exemple.fr")
        assert log_in(client, "autre@exemple.fr").status_code == 302
    finally:
        app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "10 per 15 minutes"


def test_login_attempts_are_limited_per_address(app, client):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per 15 minutes"
    try:
        statuses = [
            log_in(client, f"n{i}@exemple.fr", "mauvais mot de passe n").status_code
            for i in range(4)
        ]
        assert statuses == [422, 422, 422, 429]
    finally:
        app.config["LOGIN_LIMIT_PER_ADDRESS"] = "30 per 15 minutes"


def test_a_learner_cannot_open_the_admin_pages(login_as):
    client = login_as(Role.LEARNER)
    for url in ("/admin/comptes", "/admin/referentiels", "/admin/journal", "/admin/comptes/1"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Accès refusé" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.TRAINER, Role.MONITOR])
def test_other_roles_cannot_open_the_admin_pages(login_as, role):
    assert login_as(role).get("/admin/comptes").status_code == 403
