"""When Redis or the database is down, people get a working page or a French 503, never a 500
(V7.4.1: a generic message, no detail; V11.1.4 and V2.2.1: the rate limits hold on, in memory).

Each test builds an app of its own, pointed at a server nobody listens on. The Redis one runs in
a separate process: the rate limiter is one object shared by every app of a process, and an app
bound to a dead Redis would leave it so for the tests that follow.
"""

import json
import subprocess
import sys

import pytest
import sqlalchemy as sa
from flask import Flask

from config import TestingConfig
from tests.conftest import PASSWORD, ROOT, _free_port
from training import create_app
from training.accounts.access import public
from training.extensions import db

REDIS_DOWN_WORKER = """
import json, logging, re, sys
import sqlalchemy as sa
from flask_migrate import upgrade
from config import TestingConfig
from training import create_app
from training.accounts import services
from training.accounts.models import Profession, Territory
from training.certificates.codes import generate_code
from training.extensions import db

database_url, redis_url, password = sys.argv[1:4]

class Config(TestingConfig):
    SQLALCHEMY_DATABASE_URI = database_url
    REDIS_URL = RATELIMIT_STORAGE_URI = redis_url
    LOGIN_LIMIT_PER_ACCOUNT = "2 per 15 minutes"

app = create_app(Config)
with app.app_context():
    upgrade()
    services.register_user(
        email="agent@exemple.fr", full_name="Agent", password=password,
        profession=db.session.scalar(sa.select(Profession)),
        territory=db.session.scalar(sa.select(Territory)),
    )
    db.session.commit()
# Alembic's logging set-up disabled the loggers that existed; a server never migrates itself.
logging.getLogger("flask-limiter").disabled = False

def log_in(client, password):
    html = client.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    data = {"email": "agent@exemple.fr", "password": password, "csrf_token": token}
    return client.post("/connexion", data=data).status_code

statuses = {
    "right": log_in(app.test_client(), password),
    "wrong": [log_in(app.test_client(), "pas le bon mot de passe") for _ in range(3)],
    "verification": app.test_client().get(f"/verifier/{generate_code()}").status_code,
}
print(json.dumps(statuses))
"""


def test_with_redis_down_log_in_and_verification_work_and_limits_hold_in_memory(tmp_path):
    redis_url = f"redis://127.0.0.1:{_free_port()}/0"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            REDIS_DOWN_WORKER,
            f"sqlite:///{tmp_path / 'redis-down.sqlite3'}",
            redis_url,
            PASSWORD,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    statuses = json.loads(result.stdout.strip().splitlines()[-1])
    assert statuses == {"right": 302, "wrong": [422, 422, 429], "verification": 404}
    assert "falling back to in-memory storage" in result.stderr


@pytest.fixture(
    params=["sqlite-missing-directory", "postgresql-closed-port"],
)
def app_without_database(request, tmp_path):
    """An app whose database cannot be reached, with one more page under /api/ that queries."""
    if request.param == "sqlite-missing-directory":
        url = f"sqlite:///{tmp_path / 'missing' / 'training.sqlite3'}"
    else:
        url = f"postgresql+psycopg://training@127.0.0.1:{_free_port()}/training"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    application: Flask = create_app(Config)

    @application.route("/api/v1/__database")
    @public
    def database_page():
        return {"answer": db.session.scalar(sa.text("SELECT 1"))}

    yield application
    with application.app_context():
        db.engine.dispose()


def test_a_page_that_needs_the_database_answers_a_french_503(app_without_database, caplog):
    response = app_without_database.test_client().get("/formations")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Service momentanément indisponible" in html
    assert '<html lang="fr"' in html
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Cache-Control"] == "no-store"
    assert "OperationalError" not in html
    assert "Database unavailable" in caplog.text


def test_a_signed_in_person_gets_the_503_page_too(app_without_database):
    """The page itself does not need the database to say who is logged in."""
    client = app_without_database.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1:session-token"
    response = client.get("/compte")
    assert response.status_code == 503
    assert "Service momentanément indisponible" in response.get_data(as_text=True)


def test_the_api_answers_a_json_503(app_without_database):
    response = app_without_database.test_client().get("/api/v1/__database")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "service_unavailable"
    assert int(response.headers["Retry-After"]) > 0
