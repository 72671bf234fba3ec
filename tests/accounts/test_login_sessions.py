"""Login sessions kept in the database (ASVS V3): log-out ends them for good, they expire when
idle and after a lifetime (shorter for staff), a password change or reset ends them, the user
sees and ends them on « Mes sessions actives », and the production cookie is `__Host-`."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from config import ProductionConfig
from tests.accounts.test_passwords_and_profile import NEW_PASSWORD, ask_reset, choose
from tests.conftest import PASSWORD, csrf_token, log_in
from training import create_app
from training.accounts import login_sessions
from training.accounts.models import Role, User, UserSession
from training.audit.models import AuditEvent
from training.extensions import db
from training.timeutils import utcnow

HOST = "formation.test"
FIREFOX_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
EDGE_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/128.0.0.0 Safari/537.36 Edg/128.0.0.0"
)
STAFF = [Role.TRAINER, Role.MONITOR, Role.ADMIN]


class Clock:
    """The time the login sessions read, moved by the test."""

    def __init__(self) -> None:
        self.start = self.now = utcnow()

    def __call__(self):
        return self.now

    def at(self, **delta) -> None:
        """Set the time to `delta` after the start of the test."""
        self.now = self.start + timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(login_sessions, "utcnow", clock)
    return clock


def device(app, user_agent: str, email: str):
    """A test client with its own cookies and User-Agent, logged in as `email`."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    assert log_in(client, email).status_code == 302
    return client


def session_cookie(client, name: str = "session", domain: str = HOST) -> str:
    return client.get_cookie(name, domain=domain).value


def with_cookie(app, value: str):
    """Another browser holding a copy of a session cookie."""
    client = app.test_client()
    client.set_cookie("session", value, domain=HOST)
    return client


def sessions_of(app, user_id: int) -> dict[str, int]:
    """The user's session rows: device -> id."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(UserSession.device, UserSession.id).filter_by(user_id=user_id)
        ).all()
    return dict(rows)


def events(app, *actions: str) -> list[tuple]:
    with app.app_context():
        return [
            (e.action, e.actor_id, e.target_id, e.details)
            for e in db.session.scalars(
                sa.select(AuditEvent).where(AuditEvent.action.in_(actions)).order_by(AuditEvent.id)
            )
        ]


def post_button(client, url: str):
    return client.post(url, data={"csrf_token": csrf_token(client, "/compte/sessions")})


def log_out(client):
    return client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/compte")})


# --- log-out and replayed cookies -----------------------------------------------------------


def test_a_cookie_replayed_after_log_out_is_anonymous(app, login_as):
    client = login_as()
    copied = session_cookie(client)
    assert with_cookie(app, copied).get("/compte").status_code == 200

    assert log_out(client).status_code == 302

    replayed = with_cookie(app, copied).get("/compte")
    assert replayed.status_code == 302
    assert replayed.headers["Location"] == "/connexion?next=/compte"
    assert sessions_of(app, client.user.id) == {}


def test_the_cookie_is_not_sent_again_with_every_response(login_as):
    """Its expiry no longer moves on with each request: the database says when it ends."""
    client = login_as()
    client.get("/compte")  # shows, and so removes, the « Connexion réussie » message
    assert "Set-Cookie" not in client.get("/compte").headers


def test_no_remember_me_cookie_is_ever_set(login_as):
    client = login_as()
    assert client.get_cookie("remember_token", domain=HOST) is None


# --- idle time and lifetime -----------------------------------------------------------------


def test_a_learner_session_ends_after_30_minutes_without_a_request(app, clock, login_as):
    assert app.config["SESSION_IDLE_MINUTES"] == 30
    client = login_as(Role.LEARNER)
    clock.at(minutes=29)
    assert client.get("/compte").status_code == 200
    clock.at(minutes=58)  # 29 minutes after the last request
    assert client.get("/compte").status_code == 200

    clock.at(minutes=88)
    response = client.get("/compte")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Votre session a expiré. Connectez-vous à nouveau pour continuer." in page
    assert sessions_of(app, client.user.id) == {}
    # Said once: the cookie has forgotten the session.
    assert "Votre session a expiré" not in client.get("/connexion").get_data(as_text=True)


def test_a_learner_session_ends_12_hours_after_the_log_in_however_active(app, clock, login_as):
    assert app.config["SESSION_MAX_HOURS"] == 12
    client = login_as(Role.LEARNER)
    for minutes in range(25, 12 * 60, 25):
        clock.at(minutes=minutes)
        assert client.get("/compte").status_code == 200, minutes
    clock.at(hours=12)
    assert client.get("/compte").status_code == 302


@pytest.mark.parametrize("role", STAFF)
def test_staff_sessions_end_sooner_than_learners(app, clock, login_as, role):
    staff_idle = app.config["STAFF_SESSION_IDLE_MINUTES"]
    assert staff_idle < app.config["SESSION_IDLE_MINUTES"]
    assert app.config["STAFF_SESSION_MAX_HOURS"] < app.config["SESSION_MAX_HOURS"]
    staff, learner = login_as(role), login_as(Role.LEARNER)
    clock.at(minutes=staff_idle)
    assert learner.get("/compte").status_code == 200
    assert staff.get("/compte").status_code == 302


@pytest.mark.parametrize("role", STAFF)
def test_a_staff_session_ends_8_hours_after_the_log_in_however_active(app, clock, login_as, role):
    assert app.config["STAFF_SESSION_MAX_HOURS"] == 8
    client = login_as(role)
    for minutes in range(10, 8 * 60, 10):
        clock.at(minutes=minutes)
        assert client.get("/compte").status_code == 200, minutes
    clock.at(hours=8)
    assert client.get("/compte").status_code == 302


def test_the_last_use_is_written_at_most_once_a_minute(app, make_user):
    user = make_user()
    start = utcnow()
    with app.app_context():
        stored = db.session.get(User, user.id)
        secret = login_sessions.open_session(stored, FIREFOX_ON_LINUX, start).secret

        def last_use():
            return db.session.scalar(sa.select(UserSession.last_seen_at))

        resumed = login_sessions.resume_session(secret, start + timedelta(seconds=59))
        assert (resumed.user, resumed.written) == (stored, False)
        assert last_use() == start.replace(tzinfo=last_use().tzinfo)
        resumed = login_sessions.resume_session(secret, start + timedelta(seconds=61))
        assert (resumed.user, resumed.written) == (stored, True)
        later = start + timedelta(seconds=61)
        assert last_use() == later.replace(tzinfo=last_use().tzinfo)
        assert stored.current_session.secret == secret
        assert login_sessions.resume_session(secret[::-1]).user is None
        db.session.rollback()


def test_expired_sessions_are_purged_daily(app, make_user):
    learner, trainer = make_user(), make_user(role=Role.TRAINER)
    start = utcnow() - timedelta(minutes=20)
    with app.app_context():
        for user in (learner, trainer):
            login_sessions.open_session(db.session.get(User, user.id), None, start)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["users", "purge-sessions"])
    assert result.exit_code == 0, result.output
    assert "Sessions expirées supprimées : 1" in result.output
    assert list(sessions_of(app, learner.id)) == ["Appareil non reconnu"]
    assert sessions_of(app, trainer.id) == {}


# --- password change and reset, deactivation ------------------------------------------------


def test_a_password_change_ends_every_other_session_and_renews_this_one(app, make_user):
    user = make_user("agent@exemple.fr")
    here = device(app, FIREFOX_ON_LINUX, user.email)
    phone = device(app, SAFARI_ON_IPHONE, user.email)
    copied = session_cookie(here)

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
    assert phone.get("/compte").status_code == 302
    # This device goes on with a new session: a copy of its former cookie opens nothing.
    assert with_cookie(app, copied).get("/compte").status_code == 302
    assert list(sessions_of(app, user.id)) == ["Firefox sur Linux"]
    assert events(app, "user.password_changed") == [
        ("user.password_changed", user.id, str(user.id), {"ended_sessions": 1})
    ]
    # Not a log-in: the two of them stay the only ones recorded.
    assert [details for *_, details in events(app, "user.logged_in")] == [
        {"device": "Firefox sur Linux"},
        {"device": "Safari sur iOS"},
    ]


def test_a_password_reset_ends_every_session(app, make_user, mailbox):
    user = make_user("agent@exemple.fr")
    here = device(app, FIREFOX_ON_LINUX, user.email)
    phone = device(app, SAFARI_ON_IPHONE, user.email)
    visitor = app.test_client()
    ask_reset(visitor, user.email)

    assert choose(visitor, mailbox.last_link(user.email)).status_code == 302

    assert here.get("/compte").status_code == 302
    assert phone.get("/compte").status_code == 302
    assert sessions_of(app, user.id) == {}
    assert events(app, "user.password_reset") == [
        ("user.password_reset", user.id, str(user.id), {"ended_sessions": 2})
    ]


def test_a_deactivated_accounts_sessions_end_at_once(app, login_as, make_user):
    user = make_user("agent@exemple.fr")
    client = device(app, FIREFOX_ON_LINUX, user.email)
    admin = login_as(Role.ADMIN)
    admin.post(
        f"/admin/comptes/{user.id}/desactivation", data={"csrf_token": csrf_token(admin, "/")}
    )
    assert sessions_of(app, user.id) == {}
    assert client.get("/compte").status_code == 302


# --- « Mes sessions actives » ---------------------------------------------------------------


def test_the_page_lists_the_devices_and_ends_another_session(app, clock, make_user):
    user = make_user("agent@exemple.fr")
    phone = device(app, SAFARI_ON_IPHONE, user.email)
    clock.at(minutes=5)
    here = device(app, FIREFOX_ON_LINUX, user.email)

    profile = here.get("/compte").get_data(as_text=True)
    assert 'href="/compte/sessions">Mes sessions actives</a>' in profile
    html = here.get("/compte/sessions").get_data(as_text=True)
    assert "<h1>Mes sessions actives</h1>" in html
    assert '<table tabindex="0">' in html
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", html, re.S)
    assert [row.split("<")[0] for row in rows] == ["Firefox sur Linux", "Safari sur iOS"]
    assert "Cette session" in rows[0]
    assert "Cette session" not in rows[1]
    assert "Terminer<span" not in rows[0]
    assert "Terminer<span" in rows[1]
    assert "30 minutes sans activité" in html
    assert "12 heures après la connexion" in html

    phone_id = sessions_of(app, user.id)["Safari sur iOS"]
    response = post_button(here, f"/compte/sessions/{phone_id}/fin")

    assert response.status_code == 302
    assert response.headers["Location"] == "/compte/sessions"
    page = here.get("/compte/sessions").get_data(as_text=True)
    assert "La session « Safari sur iOS » est terminée." in page
    assert "Safari sur iOS</th>" not in page
    assert phone.get("/compte").status_code == 302
    assert here.get("/compte").status_code == 200
    assert events(app, "user.session_ended") == [
        ("user.session_ended", user.id, str(user.id), {"device": "Safari sur iOS"})
    ]


def test_someone_elses_session_is_a_404_and_stays_open(app, make_user):
    owner, stranger = make_user(), make_user()
    here = device(app, FIREFOX_ON_LINUX, owner.email)
    theirs = device(app, EDGE_ON_WINDOWS, stranger.email)
    their_id = sessions_of(app, stranger.id)["Edge sur Windows"]

    assert post_button(here, f"/compte/sessions/{their_id}/fin").status_code == 404
    assert post_button(here, "/compte/sessions/999999/fin").status_code == 404

    assert theirs.get("/compte").status_code == 200
    assert events(app, "user.session_ended") == []


def test_ending_every_other_session_keeps_this_one(app, make_user):
    user = make_user("agent@exemple.fr")
    here = device(app, FIREFOX_ON_LINUX, user.email)
    others = [device(app, ua, user.email) for ua in (SAFARI_ON_IPHONE, EDGE_ON_WINDOWS)]
    assert "Terminer toutes les autres sessions" in here.get("/compte/sessions").text

    response = post_button(here, "/compte/sessions/fin-des-autres")

    assert response.status_code == 302
    html = here.get("/compte/sessions").get_data(as_text=True)
    assert "Les 2 autres sessions sont terminées." in html
    assert "Votre compte n'est ouvert sur aucun autre navigateur." in html
    assert "Terminer toutes les autres sessions" not in html
    assert [other.get("/compte").status_code for other in others] == [302, 302]
    assert list(sessions_of(app, user.id)) == ["Firefox sur Linux"]
    assert events(app, "user.other_sessions_ended") == [
        ("user.other_sessions_ended", user.id, str(user.id), {"ended_sessions": 2})
    ]


def test_ending_this_session_from_the_page_logs_out(app, make_user):
    user = make_user()
    here = device(app, FIREFOX_ON_LINUX, user.email)
    own_id = sessions_of(app, user.id)["Firefox sur Linux"]
    response = post_button(here, f"/compte/sessions/{own_id}/fin")
    assert response.headers["Location"] == "/"
    assert here.get("/compte").status_code == 302


def test_an_expired_session_is_not_listed(app, clock, make_user):
    user = make_user()
    device(app, SAFARI_ON_IPHONE, user.email)
    clock.at(minutes=20)
    here = device(app, FIREFOX_ON_LINUX, user.email)
    clock.at(minutes=31)
    html = here.get("/compte/sessions").get_data(as_text=True)
    assert "Safari sur iOS" not in html


@pytest.mark.parametrize("role", [Role.LEARNER, *STAFF])
def test_who_may_use_the_page(app, login_as, role):
    anonymous = app.test_client()
    token = csrf_token(anonymous)
    for url in ("/compte/sessions", "/compte/sessions/1/fin", "/compte/sessions/fin-des-autres"):
        if url == "/compte/sessions":
            response = anonymous.get(url)
        else:
            response = anonymous.post(url, data={"csrf_token": token})
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/connexion")
    client = login_as(role)
    assert client.get("/compte/sessions").status_code == 200
    # A button without its CSRF token does nothing.
    assert client.post("/compte/sessions/fin-des-autres").status_code == 400


# --- audit ----------------------------------------------------------------------------------


def test_log_ins_failures_and_log_outs_are_audited_without_secrets(app, make_user):
    user = make_user("agent@exemple.fr")
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = FIREFOX_ON_LINUX
    assert log_in(client, "agent@exemple.fr", "pas le bon mot de passe").status_code == 422
    assert log_in(client, "inconnu@exemple.fr").status_code == 422
    assert log_in(client, "agent@exemple.fr").status_code == 302
    assert log_out(client).status_code == 302

    recorded = events(
        app, "user.login_failed", "user.logged_in", "user.logged_out", "user.session_ended"
    )
    assert recorded == [
        ("user.login_failed", None, str(user.id), {"reason": "mot de passe incorrect"}),
        ("user.login_failed", None, "", {"reason": "compte inconnu"}),
        ("user.logged_in", user.id, str(user.id), {"device": "Firefox sur Linux"}),
        ("user.logged_out", user.id, str(user.id), {"device": "Firefox sur Linux"}),
    ]
    for secret in ("pas le bon mot de passe", PASSWORD, "inconnu@exemple.fr"):
        assert secret not in repr(recorded)


def test_a_deactivated_accounts_log_in_is_audited(app, login_as, make_user):
    user = make_user("agent@exemple.fr")
    admin = login_as(Role.ADMIN)
    admin.post(
        f"/admin/comptes/{user.id}/desactivation", data={"csrf_token": csrf_token(admin, "/")}
    )
    response = log_in(app.test_client(), "agent@exemple.fr")
    assert response.status_code == 422
    assert events(app, "user.login_failed") == [
        ("user.login_failed", None, str(user.id), {"reason": "compte désactivé"})
    ]


def test_the_admin_reads_log_ins_in_french(app, login_as, make_user):
    make_user("agent@exemple.fr", full_name="Camille Martin")
    log_in(app.test_client(), "agent@exemple.fr", "pas le bon mot de passe")
    log_in(app.test_client(), "inconnu@exemple.fr")
    admin = login_as(Role.ADMIN)
    html = admin.get("/admin/journal?action=user.login_failed").get_data(as_text=True)
    assert html.count("<td>Échec de connexion</td>") == 2
    assert html.count("<td>personne non connectée</td>") == 2
    assert "<td>Camille Martin (agent@exemple.fr)</td>" in html
    assert "<td>Compte inconnu</td>" in html
    assert "Motif : mot de passe incorrect" in html
    assert "inconnu@exemple.fr" not in html


# --- the production cookie ------------------------------------------------------------------

SITE = "https://formation.exemple.gouv.fr"


@pytest.fixture
def production_app(app, database_url, certificate_key_path, monkeypatch):
    """The production settings, on the test database (the test's own transaction)."""
    for name, value in {
        "SECRET_KEY": "x" * 32,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "CERTIFICATE_SIGNING_KEY_PATH": str(certificate_key_path),
        "SITE_URL": SITE,
        "TRUSTED_HOSTS": ["formation.exemple.gouv.fr"],
        "REDIS_URL": None,
        "RATELIMIT_STORAGE_URI": "memory://",
    }.items():
        monkeypatch.setattr(ProductionConfig, name, value)
    return create_app(ProductionConfig)


def test_the_production_session_cookie_is_host_prefixed(production_app, make_user):
    user = make_user("agent@exemple.fr")
    client = production_app.test_client()
    page = client.get("/connexion", base_url=SITE).get_data(as_text=True)
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page).group(1)

    response = client.post(
        "/connexion",
        base_url=SITE,
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
        headers={"Referer": f"{SITE}/connexion"},  # checked by the CSRF protection over HTTPS
    )

    assert response.status_code == 302
    (cookie,) = [
        header
        for header in response.headers.getlist("Set-Cookie")
        if header.startswith("__Host-session=")
    ]
    attributes = [part.strip() for part in cookie.split(";")[1:]]
    assert {"Secure", "HttpOnly", "Path=/", "SameSite=Lax"} <= set(attributes)
    assert not any(part.lower().startswith("domain=") for part in attributes)
    assert client.get("/compte", base_url=SITE).status_code == 200
