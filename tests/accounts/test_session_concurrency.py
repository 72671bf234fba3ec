"""Simultaneous log-outs, session ends and password changes of one user, on PostgreSQL with
separate connections: each session ends once, with one audit event, and no request fails."""

import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from tests.accounts.test_passwords_and_profile import NEW_PASSWORD
from tests.conftest import PASSWORD, csrf_token, log_in
from training.accounts.models import UserSession
from training.audit.models import AuditEvent
from training.extensions import db

pytestmark = pytest.mark.postgresql_only
THREADS = 20


def logged_in_devices(app, email: str, count: int = THREADS) -> list:
    """`count` browsers logged in as `email`, each with its session's id and a CSRF token."""
    devices = []
    for _ in range(count):
        client = app.test_client()
        assert log_in(client, email).status_code == 302
        with app.app_context():
            client.session_id = db.session.scalar(sa.select(sa.func.max(UserSession.id)))
        client.token = csrf_token(client, "/compte/sessions")
        devices.append(client)
    return devices


def run_together(requests: list[Callable[[], object]]) -> list[object]:
    """Send the requests from as many threads, released at the same instant; each test client
    request runs in its own app context, hence its own connection."""
    barrier = threading.Barrier(len(requests))
    responses: list[object] = [None] * len(requests)

    def worker(index: int) -> None:
        barrier.wait()
        try:
            responses[index] = requests[index]()
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            responses[index] = error

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def statuses(responses: list[object]) -> list[int | object]:
    return [getattr(response, "status_code", response) for response in responses]


def counted(app, *actions: str) -> dict[str, int]:
    with app.app_context():
        return dict(
            db.session.execute(
                sa.select(AuditEvent.action, sa.func.count(AuditEvent.id))
                .where(AuditEvent.action.in_(actions))
                .group_by(AuditEvent.action)
            ).all()
        )


def live_sessions(app) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(sa.select(UserSession.id)))


def test_log_outs_racing_with_session_ends_each_end_a_session_once(app, make_user):
    """Ten devices log out while ten others end those very sessions from their page."""
    user = make_user()
    devices = logged_in_devices(app, user.email)
    leaving, enders = devices[:10], devices[10:]

    def log_out(client):
        return lambda: client.post("/deconnexion", data={"csrf_token": client.token})

    def end(client, target):
        url = f"/compte/sessions/{target.session_id}/fin"
        return lambda: client.post(url, data={"csrf_token": client.token})

    responses = run_together(
        [log_out(client) for client in leaving]
        + [end(client, target) for client, target in zip(enders, leaving, strict=True)]
    )

    codes = statuses(responses)
    assert codes[:10] == [302] * 10, codes
    assert set(codes[10:]) <= {302, 404}, codes
    assert live_sessions(app) == {client.session_id for client in enders}
    ends = counted(app, "user.logged_out", "user.session_ended")
    assert sum(ends.values()) == 10, ends
    assert ends.get("user.session_ended", 0) == codes[10:].count(302)
    assert all(client.get("/compte").status_code == 302 for client in leaving)


def test_twenty_devices_ending_every_other_session_at_once_leave_one(app, make_user):
    user = make_user()
    devices = logged_in_devices(app, user.email)

    responses = run_together(
        [
            (
                lambda c: (
                    lambda: c.post("/compte/sessions/fin-des-autres", data={"csrf_token": c.token})
                )
            )(client)
            for client in devices
        ]
    )

    codes = statuses(responses)
    assert set(codes) == {302}, codes
    winners = [r for r in responses if r.headers["Location"] == "/compte/sessions"]
    assert len(winners) == 1
    (survivor,) = live_sessions(app)
    assert counted(app, "user.other_sessions_ended") == {"user.other_sessions_ended": 1}
    still_in = [client for client in devices if client.get("/compte").status_code == 200]
    assert [client.session_id for client in still_in] == [survivor]


def test_twenty_simultaneous_password_changes_leave_one_session(app, make_user):
    user = make_user()
    devices = logged_in_devices(app, user.email)
    form = {
        "current_password": PASSWORD,
        "password": NEW_PASSWORD,
        "password_confirmation": NEW_PASSWORD,
    }

    def change(client):
        data = {**form, "csrf_token": csrf_token(client, "/compte/mot-de-passe")}
        return lambda: client.post("/compte/mot-de-passe", data=data)

    responses = run_together([change(client) for client in devices])

    codes = statuses(responses)
    assert set(codes) == {302}, codes
    assert [r.headers["Location"] for r in responses].count("/compte") == 1
    assert len(live_sessions(app)) == 1
    assert counted(app, "user.password_changed") == {"user.password_changed": 1}
    assert [client.get("/compte").status_code for client in devices].count(200) == 1
    assert log_in(app.test_client(), user.email, NEW_PASSWORD).status_code == 302
