"""The probes a load balancer or an orchestrator calls: /healthz (the process answers) and
/readyz (its database and Redis answer too). Public, uncached, and they set no cookie."""

import time

import pytest

from config import TestingConfig
from tests.conftest import _free_port
from training import create_app
from training.extensions import db
from training.health import checks, views


def assert_probe(response) -> None:
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


@pytest.fixture
def app_without_database(tmp_path):
    """An app of its own, whose SQLite file cannot be opened (its directory does not exist)."""

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'missing' / 'training.sqlite3'}"

    application = create_app(Config)
    yield application
    with application.app_context():
        db.engine.dispose()


def test_healthz_answers_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert_probe(response)


def test_healthz_does_not_need_the_database(app_without_database):
    response = app_without_database.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_answers_ok_with_each_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok"}}
    assert_probe(response)


def test_readyz_pings_redis_when_redis_url_is_set(app, client, monkeypatch, redis_url):
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": "ok", "redis": "ok"}


def test_readyz_is_503_naming_redis_when_it_does_not_answer(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{_free_port()}/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json == {
        "status": "unavailable",
        "checks": {"database": "ok", "redis": "failed"},
        "failed": ["redis"],
    }
    assert_probe(response)


def test_readyz_is_503_naming_the_database_when_it_does_not_answer(app_without_database):
    response = app_without_database.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "failed"}
    assert response.json["failed"] == ["database"]
    assert_probe(response)


def test_a_check_that_hangs_fails_at_the_deadline(client, monkeypatch):
    monkeypatch.setattr(checks, "TIMEOUT_SECONDS", 0.05)
    monkeypatch.setattr(views, "check_database", lambda _engine: time.sleep(0.5))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "timeout"}


def test_the_probes_are_get_only(client):
    """Nothing to post: no form, no CSRF token, and a 405 for any other method."""
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


def test_with_trusted_hosts_a_probe_must_name_the_site(app, client, monkeypatch):
    """Like any page (V14.5.4 in tests/security/test_host_header): a load balancer calling by
    IP address must send the site's Host header, or the address must be in TRUSTED_HOSTS."""
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["formation.test"])
    assert client.get("/healthz", headers={"Host": "10.0.0.5"}).status_code == 400
    assert client.get("/healthz", headers={"Host": "formation.test"}).status_code == 200
