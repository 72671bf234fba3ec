"""A database error leaves no secret in the logs nor in the page (V7.1.1, V7.1.2, V7.4.1)."""

import pytest
import sqlalchemy as sa

from tests.accounts.test_signup_and_confirmation import signup_data
from tests.conftest import PASSWORD
from training.accounts import services
from training.extensions import db


@pytest.fixture
def inserted_users(app):
    """The values, by column, of every INSERT INTO users sent to the database in the test."""
    sent = []

    def record(_conn, _cursor, statement, _parameters, context, _executemany):
        if statement.lstrip().upper().startswith("INSERT INTO USERS"):
            sent.extend(context.compiled_parameters)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    yield sent
    sa.event.remove(engine, "before_cursor_execute", record)


def test_a_failed_insert_logs_neither_the_password_hash_nor_the_password(
    app, client, make_user, monkeypatch, caplog, inserted_users
):
    make_user("nadia.benali@exemple.fr")
    # Past the service's own check, the INSERT meets the unique index on e-mail addresses.
    monkeypatch.setattr(services, "find_user_by_email", lambda _email: None)

    response = client.post("/inscription", data=signup_data(client, app))

    assert response.status_code == 500
    assert "IntegrityError" in caplog.text
    refused = inserted_users[-1]
    assert refused["email"] == "nadia.benali@exemple.fr"
    page = response.get_data(as_text=True)
    for secret in (refused["password_hash"], PASSWORD):
        assert secret not in caplog.text
        assert secret not in page
