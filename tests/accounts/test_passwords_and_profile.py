"""Forgotten password, password change and profile editing."""

import itsdangerous
import sqlalchemy as sa

from tests.conftest import PASSWORD, csrf_token, log_in
from training.accounts.models import Territory, User
from training.extensions import db

NEW_PASSWORD = "un tout nouveau mot de passe"


def ask_reset(client, email):
    return client.post(
        "/mot-de-passe-oublie",
        data={"email": email, "csrf_token": csrf_token(client, "/mot-de-passe-oublie")},
    )


def choose(client, link, password=NEW_PASSWORD):
    path = link.split("formation.test", 1)[1]
    return client.post(
        path,
        data={
            "password": password,
            "password_confirmation": password,
            "csrf_token": csrf_token(client),
        },
    )


def test_reset_link_works_once(client, make_user, mailbox):
    make_user("agent@exemple.fr")
    response = ask_reset(client, "agent@exemple.fr")
    assert response.status_code == 302
    link = mailbox.last_link("agent@exemple.fr")
    assert choose(client, link).status_code == 302
    assert log_in(client, "agent@exemple.fr", NEW_PASSWORD).status_code == 302
    assert mailbox.to("agent@exemple.fr")[-1]["Subject"] == "Votre mot de passe a été modifié"

    replay = client.get(link.split("formation.test", 1)[1])
    assert replay.status_code == 400
    assert "déjà servi" in replay.get_data(as_text=True)


def test_reset_link_expires_after_an_hour(client, make_user, mailbox, monkeypatch):
    make_user("agent@exemple.fr")
    signer = itsdangerous.timed.TimestampSigner
    real_timestamp = signer.get_timestamp
    monkeypatch.setattr(signer, "get_timestamp", lambda self: real_timestamp(self) - 3601)
    ask_reset(client, "agent@exemple.fr")
    monkeypatch.undo()
    response = choose(client, mailbox.last_link("agent@exemple.fr"))
    assert response.status_code == 400
    assert "expiré" in response.get_data(as_text=True)
    assert log_in(client, "agent@exemple.fr", NEW_PASSWORD).status_code == 422


def test_reset_request_does_not_reveal_whether_the_account_exists(client, make_user, mailbox):
    make_user("agent@exemple.fr")
    known = ask_reset(client, "agent@exemple.fr")
    unknown = ask_reset(client, "personne@exemple.fr")
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    # One message each: a reset link, a note that no account has that address (the same work,
    # tests/security/test_account_enumeration).
    assert len(mailbox.to("agent@exemple.fr")) == 1
    assert len(mailbox.to("personne@exemple.fr")) == 1


def test_reset_refuses_a_common_password(client, make_user, mailbox):
    make_user("agent@exemple.fr")
    ask_reset(client, "agent@exemple.fr")
    response = choose(client, mailbox.last_link("agent@exemple.fr"), "motdepasse123")
    assert response.status_code == 422
    assert "trop courant" in response.get_data(as_text=True)


def test_change_password_notifies_and_ends_other_sessions(app, make_user, mailbox):
    user = make_user("agent@exemple.fr")
    here, elsewhere = app.test_client(), app.test_client()
    log_in(here, user.email)
    log_in(elsewhere, user.email)
    response = here.post(
        "/compte/mot-de-passe",
        data={
            "current_password": PASSWORD,
            "password": NEW_PASSWORD,
            "password_confirmation": NEW_PASSWORD,
            "csrf_token": csrf_token(here, "/compte/mot-de-passe"),
        },
    )
    assert response.status_code == 302
    assert here.get("/compte").status_code == 200
    assert elsewhere.get("/compte").status_code == 302
    assert mailbox.to(user.email)[-1]["Subject"] == "Votre mot de passe a été modifié"


def test_change_password_needs_the_current_one(make_user, app):
    user = make_user("agent@exemple.fr")
    client = app.test_client()
    log_in(client, user.email)
    response = client.post(
        "/compte/mot-de-passe",
        data={
            "current_password": "ce n'est pas le bon",
            "password": NEW_PASSWORD,
            "password_confirmation": NEW_PASSWORD,
            "csrf_token": csrf_token(client, "/compte/mot-de-passe"),
        },
    )
    assert response.status_code == 422
    assert "Le mot de passe actuel est incorrect." in response.get_data(as_text=True)
    assert log_in(app.test_client(), user.email).status_code == 302


def test_edit_profile(app, login_as):
    client = login_as()
    with app.app_context():
        bordeaux = db.session.scalar(sa.select(Territory).filter_by(code="bordeaux"))
    response = client.post(
        "/compte",
        data={
            "full_name": "Camille Martin-Diallo",
            "profession_id": client.user.profession_id,
            "territory_id": bordeaux.id,
            "organisation": "",
            "csrf_token": csrf_token(client, "/compte"),
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, client.user.id)
        assert (user.full_name, user.territory.code, user.organisation) == (
            "Camille Martin-Diallo", "bordeaux", None,
        )  # fmt: skip


def test_edit_profile_with_an_empty_name_is_refused(app, login_as):
    client = login_as()
    response = client.post(
        "/compte",
        data={
            "full_name": "",
            "profession_id": client.user.profession_id,
            "territory_id": client.user.territory_id,
            "csrf_token": csrf_token(client, "/compte"),
        },
    )
    assert response.status_code == 422
    assert "Ce champ est obligatoire." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, client.user.id).full_name == "Camille Martin"
