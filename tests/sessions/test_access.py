"""Who may call each session route: anonymous, learner, participant, another trainer, the
owner, a monitor and an admin. Every route of the blueprint is in the table."""

from datetime import timedelta

import pytest

from tests.conftest import csrf_token
from tests.sessions.conftest import join
from training.accounts.models import Role
from training.certificates.services import paris_today
from training.extensions import db
from training.sessions import invitations
from training.sessions.invitation_csv import InvitationRow
from training.sessions.models import TrainingSession

ACTORS = ("anonymous", "learner", "participant", "other_trainer", "owner", "monitor", "admin")
#: The trainer's object pages: another trainer gets 404, as for an unknown session.
OWNER_GET = {
    "anonymous": 302, "learner": 403, "participant": 403, "other_trainer": 404,
    "owner": 200, "monitor": 403, "admin": 200,
}  # fmt: skip
OWNER_POST = {**OWNER_GET, "owner": 302, "admin": 302}
#: The trainer's own pages (list, new session): any trainer or admin.
TRAINER_GET = {**OWNER_GET, "other_trainer": 200}
#: An empty form: refused with its errors (422) to whoever may post it.
INVALID_FORM = {**TRAINER_GET, "owner": 422, "other_trainer": 422, "admin": 422}
#: Joining: anyone signed in.
SIGNED_IN_GET = dict.fromkeys(ACTORS, 200) | {"anonymous": 302}
SIGNED_IN_POST = dict.fromkeys(ACTORS, 302)
#: A form the owner may post but which is refused as empty or forged.
OWNER_BAD_POST = {**OWNER_GET, "owner": 400, "admin": 400}
#: The mailed invitation link: public; joining needs the invited account (others: 409).
INVITATION_GET = dict.fromkeys(ACTORS, 200)
INVITATION_POST = dict.fromkeys(ACTORS, 409) | {"anonymous": 302}

ROUTES = [
    ("GET", "/sessions", TRAINER_GET),
    ("GET", "/sessions/nouvelle", TRAINER_GET),
    ("POST", "/sessions/nouvelle", INVALID_FORM),
    ("GET", "/sessions/{id}", OWNER_GET),
    ("GET", "/sessions/{id}/modifier", OWNER_GET),
    ("POST", "/sessions/{id}/modifier", {**OWNER_GET, "owner": 422, "admin": 422}),
    ("GET", "/sessions/{id}/qr-code.svg", OWNER_GET),
    ("GET", "/sessions/{id}/participants.csv", OWNER_GET),
    ("GET", "/sessions/{id}/participants.ods", OWNER_GET),
    ("POST", "/sessions/{id}/presences", OWNER_POST),
    ("POST", "/sessions/{id}/cloture", OWNER_POST),
    ("POST", "/sessions/{id}/reouverture", OWNER_POST),
    ("GET", "/sessions/{id}/invitations", OWNER_GET),
    ("POST", "/sessions/{id}/invitations", {**OWNER_GET, "owner": 422, "admin": 422}),
    ("POST", "/sessions/{id}/invitations/confirmer", OWNER_BAD_POST),
    ("GET", "/sessions/{id}/invitations/modele.csv", OWNER_GET),
    ("GET", "/sessions/{id}/relance", OWNER_GET),
    ("POST", "/sessions/{id}/relance", OWNER_POST),
    ("POST", "/sessions/{id}/tentative-supplementaire", OWNER_BAD_POST),
    ("GET", "/sessions/statistiques", TRAINER_GET),
    ("GET", "/sessions/statistiques/exemple-cours/02-verifier/01-quiz", OWNER_GET),
    ("GET", "/sessions/invitation/{token}", INVITATION_GET),
    ("POST", "/sessions/invitation/{token}", INVITATION_POST),
    ("GET", "/sessions/rejoindre", SIGNED_IN_GET),
    ("GET", "/sessions/rejoindre/{code}", SIGNED_IN_GET),
    ("POST", "/sessions/rejoindre/{code}", SIGNED_IN_POST),
]  # fmt: skip


def test_the_table_covers_every_session_route(app):
    rules = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("sessions.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    table = {
        (
            method,
            path.replace("{id}", "<int:session_id>")
            .replace("{code}", "<code>")
            .replace("{token}", "<token>")
            .replace("exemple-cours/02-verifier/01-quiz", "<slug>/<path:quiz_key>"),
        )
        for method, path, _ in ROUTES
    }
    table = {(m, p.replace("participants.csv", "participants.<fmt>")) for m, p in table}
    table = {(m, p.replace("participants.ods", "participants.<fmt>")) for m, p in table}
    assert rules == table


@pytest.fixture
def world(app, trainer, make_user, make_session, login_as):
    """A session of `trainer` with one in-person day and one participant; a client per actor."""
    session_id = make_session(trainer, days=((paris_today() + timedelta(days=1), "Salle A"),))
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        code = session.join_code
        row = InvitationRow(2, "invitee@exemple.fr", "Inès", "Moreau", None)
        token = invitations.invite(db.session.merge(trainer), session, [row]).invited[0].token
        db.session.commit()

    def client_of(actor: str):
        if actor == "anonymous":
            return app.test_client()
        if actor == "owner":
            from tests.conftest import log_in

            client = app.test_client()
            log_in(client, trainer.email)
            client.user = trainer
            return client
        role = {
            "learner": Role.LEARNER,
            "participant": Role.LEARNER,
            "other_trainer": Role.TRAINER,
            "monitor": Role.MONITOR,
            "admin": Role.ADMIN,
        }[actor]
        client = login_as(role)
        if actor == "participant":
            join(app, client.user, session_id)
        return client

    return session_id, code, token, client_of


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("method", "path", "expected"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES]
)
def test_access(world, actor, method, path, expected):
    session_id, code, token, client_of = world
    client = client_of(actor)
    url = path.format(id=session_id, code=code, token=token)
    if method == "GET":
        response = client.get(url)
    else:
        token = csrf_token(client, "/mot-de-passe-oublie" if actor == "anonymous" else "/")
        response = client.post(url, data={"csrf_token": token})
    assert response.status_code == expected[actor], response.get_data(as_text=True)[:500]
    if actor == "anonymous" and response.status_code == 302:
        assert response.headers["Location"].startswith("/connexion")
    if expected[actor] == 404:
        assert "Page non trouvée" in response.get_data(as_text=True)


def test_another_trainer_does_not_see_the_session_in_their_list(world, app):
    session_id, _code, _token, client_of = world
    other = client_of("other_trainer")
    owner = client_of("owner")
    assert "Enseignants de Bordeaux" not in other.get("/sessions").get_data(as_text=True)
    assert "Enseignants de Bordeaux" in owner.get("/sessions").get_data(as_text=True)


def test_navigation_shows_my_sessions_to_trainers_and_admins_only(login_as):
    for role, shown in (
        (Role.TRAINER, True),
        (Role.ADMIN, True),
        (Role.LEARNER, False),
        (Role.MONITOR, False),
    ):
        html = login_as(role).get("/").get_data(as_text=True)
        assert ('href="/sessions"' in html) is shown, role
