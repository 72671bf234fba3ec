"""One JSON line per request, without personal data, and the request id on error pages
(training.request_log)."""

import json
import logging
import re

import pytest
import sqlalchemy as sa

from config import TestingConfig
from tests.conftest import PASSWORD, csrf_token
from training import create_app
from training.accounts.access import public
from training.request_log import configure_logging

PAGE_REFERENCE = re.compile(r"Référence de la demande[^<]*<code>([^<]+)</code>")


@pytest.fixture
def json_app(app):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        CERTIFICATE_SIGNING_KEY_PATH = app.config["CERTIFICATE_SIGNING_KEY_PATH"]
        MAIL_PORT = app.config["MAIL_PORT"]
        JSON_LOGS = True

    root = logging.getLogger()
    handlers, level = root.handlers, root.level
    configure_logging(json_logs=True)  # as wsgi.py does for gunicorn
    yield create_app(Config)
    root.handlers, root.level = handlers, level


def log_lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def request_lines(capsys) -> list[dict]:
    return [line for line in log_lines(capsys) if line["logger"] == "training.requests"]


def test_a_log_in_is_one_json_line_without_the_address_or_the_password(json_app, make_user, capsys):
    user = make_user("camille.durand@exemple.fr")
    client = json_app.test_client()
    token = csrf_token(client, "/connexion")
    capsys.readouterr()

    response = client.post(
        "/connexion?next=/compte",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )

    out = capsys.readouterr().out
    [line] = [json.loads(text) for text in out.splitlines() if '"training.requests"' in text]
    assert response.status_code == 302
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["method"] == "POST"
    assert line["route"] == "/connexion"
    assert line["status"] == 302
    assert isinstance(line["duration_ms"], float)
    assert line["level"] == "INFO"
    assert "time" in line
    for personal in (user.email, "camille.durand", PASSWORD, "127.0.0.1", "next=", "/compte"):
        assert personal not in out


def test_the_route_is_the_url_rule_not_the_path_with_its_code(json_app, capsys):
    response = json_app.test_client().get("/verifier/ABCD-EFGH-JKLM")

    [line] = request_lines(capsys)
    assert line["route"] == "/verifier/<code>"
    assert line["status"] == response.status_code
    assert "ABCD" not in json.dumps(line)


def test_a_404_page_shows_the_request_id_of_its_log_line_and_header(json_app, capsys):
    response = json_app.test_client().get("/nulle-part/personne@exemple.fr")

    [line] = request_lines(capsys)
    [shown] = PAGE_REFERENCE.findall(response.get_data(as_text=True))
    assert response.status_code == 404
    assert shown == line["request_id"] == response.headers["X-Request-ID"]
    assert line["route"] is None


def test_a_500_page_shows_the_id_that_its_traceback_is_logged_with(json_app, monkeypatch, capsys):
    @public
    def broken():
        raise RuntimeError("en panne")

    monkeypatch.setitem(json_app.view_functions, "pages.home", broken)

    response = json_app.test_client().get("/")

    lines = log_lines(capsys)
    [error] = [line for line in lines if line["logger"] != "training.requests"]
    [request_line] = [line for line in lines if line["logger"] == "training.requests"]
    [shown] = PAGE_REFERENCE.findall(response.get_data(as_text=True))
    assert response.status_code == 500
    assert error["level"] == "ERROR"
    assert "RuntimeError: en panne" in error["exc_info"]
    assert shown == error["request_id"] == request_line["request_id"]


def test_the_503_page_shows_the_request_id(json_app, monkeypatch, capsys):
    @public
    def database_down():
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setitem(json_app.view_functions, "pages.home", database_down)

    response = json_app.test_client().get("/")

    [shown] = PAGE_REFERENCE.findall(response.get_data(as_text=True))
    assert response.status_code == 503
    assert shown == response.headers["X-Request-ID"]


@pytest.mark.parametrize(
    ("trusted", "sent", "kept"),
    [
        (True, "lb-4f2a9c1e-0001", True),
        (True, "bad id; injected=1", False),
        (True, "<script>alert(1)</script>", False),
        (False, "lb-4f2a9c1e-0001", False),
    ],
)
def test_a_request_id_from_the_load_balancer_is_kept_only_if_trusted_and_well_formed(
    json_app, monkeypatch, capsys, trusted, sent, kept
):
    monkeypatch.setitem(json_app.config, "TRUST_REQUEST_ID_HEADER", trusted)

    response = json_app.test_client().get("/", headers={"X-Request-ID": sent})

    [line] = request_lines(capsys)
    assert (response.headers["X-Request-ID"] == sent) is kept
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert re.fullmatch(r"[A-Za-z0-9._-]+", line["request_id"])


def test_without_json_logs_no_request_line_is_printed(client, capsys):
    response = client.get("/")

    assert response.headers["X-Request-ID"]
    assert '"training.requests"' not in capsys.readouterr().out
