"""Mail leaves the request through the job queue (RQ on Redis), with retries; without a queue it
is sent in the request, as before (the rest of the suite runs that way)."""

import logging
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from rq import SimpleWorker
from rq.job import Job

from tests.conftest import csrf_token
from training.jobs.queue import RETRY, job_queue
from training.mailer import send_email

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def queued(app, redis_url, monkeypatch) -> Iterator[str]:
    """The application with a job queue of its own on the test Redis; returns the queue's name."""
    name = f"test-{uuid.uuid4().hex}"
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    monkeypatch.setitem(app.config, "JOBS_QUEUE", name)
    yield name
    with app.app_context():
        queue = job_queue()
        queue.empty()
        for registry in (queue.scheduled_job_registry, queue.failed_job_registry):
            for job_id in registry.get_job_ids():
                registry.remove(job_id, delete_job=True)


@pytest.fixture
def silent_mail_server(app, monkeypatch) -> Iterator[socket.socket]:
    """A mail server that takes connections and never answers (the kernel accepts for it)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        server.setblocking(False)
        monkeypatch.setitem(app.config, "MAIL_PORT", server.getsockname()[1])
        yield server


def contacted(server: socket.socket) -> bool:
    try:
        connection, _ = server.accept()
    except BlockingIOError:
        return False
    connection.close()
    return True


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def send_a_message(to: str) -> bool:
    return send_email(
        to, "Votre mot de passe a été modifié", "password_changed", user={"full_name": "Camille"}
    )


def run_worker(app) -> None:
    with app.app_context():
        queue = job_queue()
        SimpleWorker([queue], connection=queue.connection).work(burst=True)


def test_a_silent_mail_server_does_not_hold_the_request_the_worker_sends_later(
    app, client, make_user, mailbox, queued, silent_mail_server, smtp_server, monkeypatch
):
    user = make_user()

    response = client.post(
        "/mot-de-passe-oublie", data={"email": user.email, "csrf_token": csrf_token(client)}
    )

    assert response.status_code == 302
    assert not contacted(silent_mail_server)
    with app.app_context():
        assert job_queue().count == 1
    assert mailbox.to(user.email) == []

    monkeypatch.setitem(app.config, "MAIL_PORT", smtp_server[1])
    run_worker(app)

    [message] = mailbox.to(user.email)
    assert "/mot-de-passe/nouveau/" in message.get_content()


def test_a_refusing_mail_server_gets_the_message_again_later(app, queued, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_PORT", closed_port())
    with app.app_context():
        assert send_a_message("camille@exemple.fr")
        [job_id] = job_queue().job_ids

    run_worker(app)

    with app.app_context():
        queue = job_queue()
        assert job_id in queue.scheduled_job_registry.get_job_ids()
        assert Job.fetch(job_id, connection=queue.connection).retries_left == RETRY.max - 1
        assert queue.failed_job_registry.count == 0


def test_without_redis_answering_mail_is_sent_in_the_request(app, mailbox, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{closed_port()}/0")

    with app.app_context(), caplog.at_level(logging.WARNING, logger="training.jobs.queue"):
        assert send_a_message("camille@exemple.fr")

    assert len(mailbox.to("camille@exemple.fr")) == 1
    assert "Redis does not answer" in caplog.text


def test_the_worker_command_sends_what_the_site_queued(app, mailbox, queued, smtp_server, tmp_path):
    with app.app_context():
        assert send_a_message("dominique@exemple.fr")
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "REDIS_URL": app.config["REDIS_URL"],
        "JOBS_QUEUE": queued,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_server[1]),
    }

    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--burst"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert len(mailbox.to("dominique@exemple.fr")) == 1


def test_the_worker_command_without_redis_says_mail_leaves_in_the_request(app):
    result = app.test_cli_runner().invoke(args=["jobs", "worker", "--burst"])

    assert result.exit_code == 0
    assert "pendant la requête" in result.output
