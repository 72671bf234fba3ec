"""The page after too many failed log-ins: how long to wait, and the forgotten-password way out."""

import re

import pytest

from tests.conftest import csrf_token, log_in


@pytest.fixture
def three_tries_per_15_minutes(app):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    yield
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "10 per 15 minutes"


@pytest.mark.usefixtures("three_tries_per_15_minutes")
def test_a_locked_out_login_gives_the_wait_in_minutes_and_the_forgotten_password_link(
    client, make_user
):
    make_user("cible@exemple.fr")
    for _ in range(3):
        assert log_in(client, "cible@exemple.fr", "mauvais mot de passe n").status_code == 422
    response = log_in(client, "cible@exemple.fr", "mauvais mot de passe n")
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Trop de tentatives" in html
    assert "quelques minutes" not in html
    minutes = int(re.search(r"réessayez dans (\d+) minutes\.", html).group(1))
    assert minutes in (14, 15)  # the 15-minute window opened with the first failure
    assert 'href="/mot-de-passe-oublie">Mot de passe oublié</a>' in html


def test_other_limited_account_pages_give_the_wait_without_the_link(app, client):
    app.config["SENSITIVE_FORM_LIMIT"] = "1 per hour"
    try:
        data = {"email": "x@exemple.fr", "csrf_token": csrf_token(client)}
        assert client.post("/mot-de-passe-oublie", data=data).status_code == 302
        response = client.post("/mot-de-passe-oublie", data=data)
    finally:
        app.config["SENSITIVE_FORM_LIMIT"] = "10 per hour"
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert re.search(r"réessayez dans (59|60) minutes\.", html)
    assert "Mot de passe oublié</a>" not in html
