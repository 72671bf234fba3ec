"""Sign-up, e-mail confirmation and the password policy."""

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, csrf_token, log_in
from training.accounts.models import Profession, Territory, User
from training.accounts.passwords import hash_password, password_problem, verify_password
from training.extensions import db


def signup_data(client, app, **overrides):
    with app.app_context():
        profession = db.session.scalar(sa.select(Profession).filter_by(code="enseignant"))
        territory = db.session.scalar(sa.select(Territory).filter_by(code="marseille"))
    data = {
        "email": "Nadia.Benali@Exemple.fr",
        "full_name": "Nadia Benali",
        "profession_id": profession.id,
        "territory_id": territory.id,
        "organisation": "Collège Jean Moulin",
        "password": PASSWORD,
        "password_confirmation": PASSWORD,
        "consent": "y",
        "csrf_token": csrf_token(client, "/inscription"),
    }
    data.update(overrides)
    return data


def find_user(app, email):
    with app.app_context():
        return db.session.scalar(sa.select(User).filter_by(email=email))


def test_sign_up_creates_an_unconfirmed_learner_and_sends_the_link(app, client, mailbox):
    response = client.post("/inscription", data=signup_data(client, app))
    assert response.status_code == 302
    user = find_user(app, "nadia.benali@exemple.fr")
    assert user.role == "learner"
    assert user.territory.code == "marseille"
    assert not user.is_confirmed
    assert user.password_hash.startswith("scrypt:")
    assert user.consented_at is not None
    [message] = mailbox.to("nadia.benali@exemple.fr")
    assert message["Subject"] == "Confirmez votre adresse électronique"

    # Not logged in yet: the same page as for an address that already has an account.
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Consultez votre messagerie" in page
    assert "Un message vient d&#39;être envoyé à nadia.benali@exemple.fr." in page
    assert client.get("/compte").status_code == 302

    link = mailbox.last_link("nadia.benali@exemple.fr")
    response = client.get(link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/connexion"
    assert find_user(app, "nadia.benali@exemple.fr").is_confirmed
    assert log_in(client, "nadia.benali@exemple.fr").status_code == 302
    assert "Adresse électronique à confirmer" not in client.get("/compte").get_data(as_text=True)


def test_a_taken_address_in_another_case_creates_nothing_and_mails_its_owner(
    app, client, make_user, mailbox
):
    """No « Un compte existe déjà » for the visitor (tests/security/test_account_enumeration)."""
    make_user("nadia.benali@exemple.fr")
    response = client.post(
        "/inscription", data=signup_data(client, app, email="NADIA.benali@exemple.FR")
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/inscription/message-envoye"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    [notice] = mailbox.to("nadia.benali@exemple.fr")
    assert notice["Subject"] == "Vous avez déjà un compte sur la plateforme"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab3-defgh12", "au moins 12 caractères"),
        ("azertyuiop123", "trop courant"),
        ("Motdepasse2024", "trop courant"),
        ("aaaaaaaaaaaaaaaa", "trop courant"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(app, client, password, message):
    data = signup_data(client, app, password=password, password_confirmation=password)
    response = client.post("/inscription", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'id="resume-erreurs"' in html
    assert find_user(app, "nadia.benali@exemple.fr") is None


def test_an_eleven_character_password_is_refused_and_twelve_accepted(app, client):
    data = signup_data(client, app, password="Rivière-du1", password_confirmation="Rivière-du1")
    assert len(data["password"]) == 11
    assert client.post("/inscription", data=data).status_code == 422
    data = signup_data(client, app, password="Rivière-du12", password_confirmation="Rivière-du12")
    assert client.post("/inscription", data=data).status_code == 302


def test_missing_consent_and_mismatched_confirmation_keep_the_typed_values(app, client):
    data = signup_data(client, app, password_confirmation="autre chose encore", consent="")
    response = client.post("/inscription", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vous devez accepter la politique de confidentialité." in html
    assert "Les deux mots de passe ne sont pas identiques." in html
    assert 'value="Nadia Benali"' in html
    assert 'value="Collège Jean Moulin"' in html


def test_an_unknown_profession_id_is_refused(app, client):
    response = client.post("/inscription", data=signup_data(client, app, profession_id="999999"))
    assert response.status_code == 422
    assert find_user(app, "nadia.benali@exemple.fr") is None


def test_confirmation_link_forged_or_for_another_address(app, client, make_user):
    user = make_user("a@exemple.fr", confirmed=False)
    with app.test_request_context():
        from training.accounts.services import email_confirmation_token

        token = email_confirmation_token(user)
    assert client.get(f"/confirmer/{token}x").status_code == 400
    with app.app_context():
        db.session.get(User, user.id).email = "b@exemple.fr"
        db.session.commit()
    response = client.get(f"/confirmer/{token}")
    assert response.status_code == 400
    assert "n&#39;est pas valide" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "password", ["une phrase de passe " * 10, "abcd" * 3], ids=["200-characters", "4-distinct"]
)
def test_a_password_of_200_characters_or_of_4_distinct_ones_is_accepted(password):
    assert password_problem(password) is None


@pytest.mark.parametrize(
    ("password", "reason"),
    [("une phrase de passe " * 10 + "!", "au plus 200 caractères"), ("abc" * 4, "trop courant")],
    ids=["201-characters", "3-distinct"],
)
def test_a_password_of_201_characters_or_of_3_distinct_ones_is_refused(password, reason):
    assert reason in password_problem(password)


@pytest.mark.parametrize("method", ["scrypt:4096:8:1", "pbkdf2:sha256:1000"])
def test_passwords_are_hashed_with_the_configured_method(app, monkeypatch, method):
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", method)
    with app.app_context():
        password_hash = hash_password(PASSWORD)
    assert password_hash.startswith(f"{method}$")
    assert verify_password(password_hash, PASSWORD)
