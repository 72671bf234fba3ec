"""Two-factor authentication (ASVS 4.0.3 V2.7, V2.8): mandatory for trainers, monitors and
admins, optional for learners; TOTP codes used once, single-use recovery codes, the secret
encrypted at rest, admins reset a lost factor."""

import re
import time

import pyotp
import pytest
import sqlalchemy as sa

from tests.accounts.test_login_sessions import events, log_out, sessions_of
from tests.accounts.test_session_concurrency import run_together, statuses
from tests.conftest import PASSWORD, csrf_token, log_in, second_factor_code
from training.accounts import services, two_factor
from training.accounts.models import RecoveryCode, Role, User, UserSession
from training.extensions import db

STAFF = [Role.TRAINER, Role.MONITOR, Role.ADMIN]


def type_password(client, email: str, next_url: str | None = None):
    url = "/connexion" + (f"?next={next_url}" if next_url else "")
    data = {"email": email, "password": PASSWORD, "csrf_token": csrf_token(client)}
    return client.post(url, data=data)


def type_code(client, code: str):
    token = csrf_token(client, "/connexion/code")
    return client.post("/connexion/code", data={"code": code, "csrf_token": token})


def wrong_code(app, user_id: int) -> str:
    """A six-digit code that none of the steps accepted now gives."""
    totp = pyotp.TOTP(secret_of(app, user_id))
    now = time.time()
    valid = {totp.at(now + delta) for delta in (-30, 0, 30)}
    return next(code for code in ("123456", "654321", "111111", "222222") if code not in valid)


def secret_of(app, user_id: int) -> str:
    with app.app_context():
        return two_factor.secret_of(db.session.get(User, user_id))


def enrol(app, client, user_id: int) -> list[str]:
    """Turn the factor on from « Double authentification »; returns the recovery codes shown."""
    client.get("/compte/double-authentification")
    code = pyotp.TOTP(secret_of(app, user_id)).now()
    token = csrf_token(client, "/compte/double-authentification")
    response = client.post(
        "/compte/double-authentification", data={"code": code, "csrf_token": token}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", response.get_data(as_text=True))


# --- the second step of the log-in --------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_staff_open_no_session_before_the_code(app, make_user, role):
    user = make_user(role=role)
    client = app.test_client()

    response = type_password(client, user.email, next_url="/compte")
    assert response.status_code == 302
    assert response.location.endswith("/connexion/code")
    assert sessions_of(app, user.id) == {}
    assert client.get("/compte").status_code == 302  # not logged in yet

    response = type_code(client, second_factor_code(app, user.email))
    assert response.status_code == 302
    assert response.location.endswith("/compte")  # where the log-in was going
    assert len(sessions_of(app, user.id)) == 1
    assert client.get("/compte").status_code == 200


def test_a_wrong_code_is_refused_in_french_and_recorded(app, make_user):
    user = make_user(role=Role.TRAINER)
    client = app.test_client()
    type_password(client, user.email)

    response = type_code(client, wrong_code(app, user.id))

    assert response.status_code == 422
    assert "Code incorrect ou déjà utilisé" in response.get_data(as_text=True)
    assert sessions_of(app, user.id) == {}
    assert [e[0] for e in events(app, "user.two_factor_failed")] == ["user.two_factor_failed"]


def test_a_code_is_accepted_once_only(app, make_user):
    """V2.8.4: the code that opened a session opens no second one, even within its 30 s."""
    user = make_user(role=Role.ADMIN)
    first = app.test_client()
    code = second_factor_code(app, user.email)
    type_password(first, user.email)
    assert type_code(first, code).status_code == 302

    second = app.test_client()
    type_password(second, user.email)
    assert type_code(second, code).status_code == 422
    assert len(sessions_of(app, user.id)) == 1


def test_codes_of_the_neighbouring_steps_only_are_accepted(app, make_user):
    user = make_user(role=Role.MONITOR)
    now = 1_800_000_000
    with app.app_context():
        account = db.session.get(User, user.id)
        totp = pyotp.TOTP(two_factor.secret_of(account))
        assert not two_factor.check_code(account, totp.at(now - 60), now=now)
        assert two_factor.check_code(account, totp.at(now - 30), now=now)
        assert two_factor.check_code(account, totp.at(now + 30), now=now)
        # The step after the last one used only: an older code is spent with its step.
        assert not two_factor.check_code(account, totp.at(now), now=now)


def test_the_pending_log_in_expires(app, make_user, monkeypatch):
    user = make_user(role=Role.TRAINER)
    client = app.test_client()
    type_password(client, user.email)
    code = second_factor_code(app, user.email)
    token = csrf_token(client, "/connexion/code")
    later = time.time() + app.config["TWO_FACTOR_PENDING_SECONDS"] + 1
    monkeypatch.setattr(time, "time", lambda: later)

    response = client.post("/connexion/code", data={"code": code, "csrf_token": token})

    assert response.status_code == 302
    assert response.location.endswith("/connexion")
    assert sessions_of(app, user.id) == {}


def test_the_code_page_without_a_password_leads_to_the_log_in(client):
    response = client.get("/connexion/code")
    assert response.status_code == 302
    assert response.location.endswith("/connexion")


def test_wrong_codes_are_limited_per_account(app, make_user):
    """Only someone with the password gets here: five wrong codes in five minutes, then 429,
    from any address (V2.2.1)."""
    user = make_user(role=Role.TRAINER)
    client = app.test_client()
    type_password(client, user.email)
    assert [type_code(client, wrong_code(app, user.id)).status_code for _ in range(5)] == [422] * 5
    other_address = app.test_client()
    type_password(other_address, user.email)
    token = csrf_token(other_address, "/connexion/code")
    response = other_address.post(
        "/connexion/code",
        data={"code": wrong_code(app, user.id), "csrf_token": token},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert response.status_code == 429
    assert "Trop de tentatives" in response.get_data(as_text=True)


# --- recovery codes -------------------------------------------------------------------------


def test_recovery_codes_open_a_session_once_each(app, make_user):
    user = make_user(role=Role.LEARNER)
    owner = app.test_client()
    log_in(owner, user.email)
    codes = enrol(app, owner, user.id)
    assert len(codes) == 10
    assert len(set(codes)) == 10

    client = app.test_client()
    type_password(client, user.email)
    typed = codes[0].lower().replace("-", " ")  # case, dashes and spaces do not matter
    assert type_code(client, typed).status_code == 302
    log_out(client)

    type_password(client, user.email)
    assert type_code(client, codes[0]).status_code == 422
    with app.app_context():
        assert two_factor.recovery_codes_left(db.session.get(User, user.id)) == 9
        stored = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
        assert not any(code.replace("-", "") in stored for code in codes)
    assert [e[3] for e in events(app, "user.recovery_code_used")] == [{"remaining": 9}]


def test_new_recovery_codes_replace_the_old_ones(app, make_user):
    user = make_user()
    client = app.test_client()
    log_in(client, user.email)
    old = enrol(app, client, user.id)
    token = csrf_token(client, "/compte/double-authentification")

    refused = client.post(
        "/compte/double-authentification/codes-de-secours",
        data={"code": "12", "csrf_token": token},
    )
    assert refused.status_code == 422
    response = client.post(
        "/compte/double-authentification/codes-de-secours",
        data={"code": second_factor_code(app, user.email), "csrf_token": token},
    )
    new = re.findall(r"<code>([A-Z0-9]{5}-[A-Z0-9]{5})</code>", response.get_data(as_text=True))
    assert len(new) == 10
    assert not set(new) & set(old)

    other = app.test_client()
    type_password(other, user.email)
    assert type_code(other, old[0]).status_code == 422
    assert type_code(other, new[0]).status_code == 302


# --- enrolment ------------------------------------------------------------------------------


def test_staff_without_a_second_factor_enrol_before_anything_else(app, make_user):
    """A learner made trainer by an admin logs in, and is led to enrol before any page behind
    the log-in; then the log-in asks for the code."""
    user = make_user()
    with app.app_context():
        services.change_role(None, db.session.get(User, user.id), Role.TRAINER)
        db.session.commit()
    client = app.test_client()
    assert log_in(client, user.email).status_code == 302  # no code asked: none yet

    for url in ("/compte", "/compte/sessions", "/formateur/formations"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.location.endswith("/compte/double-authentification"), url
    page = client.get("/compte/double-authentification").get_data(as_text=True)
    assert "Obligatoire pour votre rôle" in page
    assert "<svg" in page
    assert "QR code à scanner" in page
    assert two_factor.display_secret(secret_of(app, user.id)) in page

    token = csrf_token(client, "/compte/double-authentification")
    wrong = client.post("/compte/double-authentification", data={"code": "1", "csrf_token": token})
    assert wrong.status_code == 422
    assert "ne correspond pas à la clé affichée" in wrong.get_data(as_text=True)
    assert "Ce champ est obligatoire" in client.post(
        "/compte/double-authentification", data={"code": "", "csrf_token": token}
    ).get_data(as_text=True)

    assert len(enrol(app, client, user.id)) == 10
    assert client.get("/compte").status_code == 200
    assert [e[0] for e in events(app, "user.two_factor_enabled")] == ["user.two_factor_enabled"]

    again = app.test_client()
    assert type_password(again, user.email).location.endswith("/connexion/code")


def test_the_secret_is_encrypted_and_a_new_secret_key_asks_to_enrol_again(app, make_user):
    user = make_user(role=Role.ADMIN)
    with app.app_context():
        account = db.session.get(User, user.id)
        secret = two_factor.secret_of(account)
        assert secret
        assert secret not in account.totp_secret
    original = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another secret key of at least thirty-two bytes"
    try:
        client = app.test_client()
        assert type_password(client, user.email).status_code == 302
        response = client.get("/compte")
        assert response.location.endswith("/compte/double-authentification")
    finally:
        app.config["SECRET_KEY"] = original


def test_learners_may_turn_the_factor_on_and_off(app, make_user):
    user = make_user()
    client = app.test_client()
    log_in(client, user.email)
    assert "non activée" in client.get("/compte").get_data(as_text=True)
    enrol(app, client, user.id)
    assert "Activée" in client.get("/compte/double-authentification").get_data(as_text=True)

    token = csrf_token(client, "/compte/double-authentification")
    response = client.post(
        "/compte/double-authentification/desactivation",
        data={"code": second_factor_code(app, user.email), "csrf_token": token},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0
    other = app.test_client()
    assert type_password(other, user.email).location.endswith("/")


@pytest.mark.parametrize("role", STAFF)
def test_staff_cannot_turn_it_off(login_as, role):
    client = login_as(role)
    page = client.get("/compte/double-authentification").get_data(as_text=True)
    assert "Désactiver la double authentification" not in page
    token = csrf_token(client, "/compte/double-authentification")
    response = client.post(
        "/compte/double-authentification/desactivation",
        data={"code": "123456", "csrf_token": token},
    )
    assert response.status_code == 403


# --- reset by an admin, by the command; erasure ---------------------------------------------


def test_an_admin_resets_a_lost_second_factor(app, login_as, make_user):
    admin = login_as(Role.ADMIN)
    trainer = make_user(role=Role.TRAINER)
    device = app.test_client()
    log_in(device, trainer.email)
    page = admin.get(f"/admin/comptes/{trainer.id}").get_data(as_text=True)
    assert "Réinitialiser la double authentification" in page

    token = csrf_token(admin, f"/admin/comptes/{trainer.id}")
    response = admin.post(
        f"/admin/comptes/{trainer.id}/double-authentification", data={"csrf_token": token}
    )

    assert response.status_code == 302
    assert sessions_of(app, trainer.id) == {}
    assert device.get("/compte").status_code == 302
    with app.app_context():
        assert db.session.get(User, trainer.id).totp_secret is None
    assert [e[1] for e in events(app, "user.two_factor_disabled")] == [admin.user.id]
    own = admin.post(
        f"/admin/comptes/{admin.user.id}/double-authentification", data={"csrf_token": token}
    )
    assert own.status_code == 403


def test_the_reset_command(app, make_user):
    user = make_user(role=Role.ADMIN)
    result = app.test_cli_runner().invoke(args=["users", "reset-two-factor", user.email])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert not two_factor.is_enabled(db.session.get(User, user.id))
    unknown = app.test_cli_runner().invoke(args=["users", "reset-two-factor", "x@exemple.fr"])
    assert unknown.exit_code != 0
    assert "Aucun compte" in unknown.output


def test_erasing_an_account_forgets_its_second_factor(app, make_user):
    from training.privacy.erasure import erase_account

    user = make_user()
    client = app.test_client()
    log_in(client, user.email)
    enrol(app, client, user.id)
    with app.app_context():
        erase_account(db.session.get(User, user.id), keep_certificates=False, actor=None)
        db.session.commit()
        account = db.session.get(User, user.id)
        assert account.totp_secret is None
        assert account.two_factor_enabled_at is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0


# --- concurrency ----------------------------------------------------------------------------


@pytest.mark.postgresql_only
def test_twenty_simultaneous_uses_of_one_code_open_one_session(app, make_user):
    user = make_user(role=Role.TRAINER)
    code = second_factor_code(app, user.email)
    clients = []
    for _ in range(20):
        client = app.test_client()
        type_password(client, user.email)
        client.token = csrf_token(client, "/connexion/code")
        clients.append(client)

    def submit(client):
        return lambda: client.post(
            "/connexion/code", data={"code": code, "csrf_token": client.token}
        )

    codes = statuses(run_together([submit(client) for client in clients]))
    assert sorted(codes) == [302] + [422] * 19, codes
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 1


def test_the_log_in_warns_when_three_recovery_codes_or_fewer_are_left(app, make_user):
    user = make_user()
    owner = app.test_client()
    log_in(owner, user.email)
    codes = enrol(app, owner, user.id)
    with app.app_context():
        account = db.session.get(User, user.id)
        for code in codes[:7]:
            assert two_factor.check_code(account, code)
        db.session.commit()

    client = app.test_client()
    type_password(client, user.email)
    type_code(client, codes[7])
    assert "Il vous reste 2 codes de secours" in client.get("/").get_data(as_text=True)


def test_no_warning_without_recovery_codes(app, make_user):
    """Accounts given a factor without codes (demo staff) are not told they have none left."""
    user = make_user(role=Role.TRAINER)
    client = app.test_client()
    log_in(client, user.email)
    assert "codes de secours" not in client.get("/").get_data(as_text=True)
