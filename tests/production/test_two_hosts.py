"""Two application hosts behind one load balancer: two gunicorn processes on two ports, in
production settings, sharing one PostgreSQL database and one Redis, and one job worker.

Nothing a person does may depend on which host answers: a session opened through one works
through the other and ends on both, a rate limit counted by one holds on the other, and mail
queued by one is sent by the worker. Served over HTTPS with the certificate `make prod` makes
(deploy/local_production.py), so that the production cookies (`Secure`, `__Host-`) are the
real ones.
"""

import re
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests

from deploy.local_production import (
    gunicorn_command,
    production_environment,
    self_signed_certificate,
    worker_command,
)
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
#: Seconds for a process to load the application: a few when the machine is idle.
START_TIMEOUT = 120

pytestmark = pytest.mark.postgresql_only


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """Hosts A and B (their base URLs) and the HTTP session of one browser."""

    def __init__(self, hosts: list[str], certificate: Path) -> None:
        self.a, self.b = hosts
        self.browser = requests.Session()
        # Given with each request: requests lets REQUESTS_CA_BUNDLE override a session's.
        self.verify = str(certificate)

    def get(self, url: str) -> requests.Response:
        return self.browser.get(url, allow_redirects=False, timeout=10, verify=self.verify)

    def post_form(self, host: str, path: str, data: dict, form_page: str | None = None):
        """Post a form as a browser does: CSRF token from the form's page, and a Referer of
        the same origin (required over HTTPS)."""
        page = self.get(host + (form_page or path)).text
        data = {**data, "csrf_token": CSRF.search(page).group(1)}
        return self.browser.post(
            host + path,
            data=data,
            headers={"Referer": host + (form_page or path)},
            allow_redirects=False,
            timeout=10,
            verify=self.verify,
        )


def wait_until_ready(url: str, certificate: Path, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert all(p.poll() is None for p in processes), "a process of the stack stopped"
        try:
            if requests.get(url + "/readyz", verify=str(certificate), timeout=5).ok:
                return
        except requests.RequestException:
            pass  # not listening yet, or its worker still loading the application
        time.sleep(0.1)
    pytest.fail(f"{url} not ready after {START_TIMEOUT} s")


@pytest.fixture(scope="module")
def hosts(app, database_url, redis_url, smtp_server, certificate_key_path, tmp_path_factory):
    """The two hosts and the worker, started once for the module's tests."""
    tmp_path = tmp_path_factory.mktemp("two-hosts")
    certificate, key = self_signed_certificate(tmp_path / "tls")
    ports = [free_port(), free_port()]
    env = production_environment(
        port=ports[0],
        database_url=database_url,
        redis_url=redis_url,
        secret=uuid.uuid4().hex * 2,
        signing_key=certificate_key_path,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server[1],
        JOBS_QUEUE=f"test-{uuid.uuid4().hex}",
        RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
        LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes",
        # Pages link the plain static names: no build to make for this test.
        STATIC_FINGERPRINTS="false",
    )
    commands = [gunicorn_command(port, 1, certificate, key) for port in ports]
    commands.append(worker_command())
    logs = [tmp_path / f"process-{index}.log" for index in range(len(commands))]
    processes = []
    try:
        for command, log in zip(commands, logs, strict=True):
            with log.open("w") as output:
                processes.append(
                    subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
                )
        urls = [f"https://127.0.0.1:{port}" for port in ports]
        for url in urls:
            wait_until_ready(url, certificate, processes)
        yield urls, certificate
    finally:
        for process in processes:
            # gunicorn's quick shutdown (TERM waits for its workers' requests), RQ's warm one.
            process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                # gunicorn's master may linger seconds after its worker is gone: no need here.
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            print(f"--- {log.name}\n{log.read_text()}")


@pytest.fixture
def stack(hosts) -> Stack:
    """A new browser in front of the two hosts."""
    return Stack(*hosts)


def test_a_session_opened_on_one_host_works_and_ends_on_the_other(stack, make_user):
    user = make_user("dominique.two-hosts@exemple.fr", full_name="Dominique Lefèvre")

    logged_in = stack.post_form(stack.a, "/connexion", {"email": user.email, "password": PASSWORD})
    assert logged_in.status_code == 302
    assert "__Host-session" in stack.browser.cookies

    on_b = stack.get(stack.b + "/compte")
    assert on_b.status_code == 200
    assert "Dominique Lefèvre" in on_b.text

    logged_out = stack.post_form(stack.b, "/deconnexion", {}, form_page="/compte")
    assert logged_out.status_code == 302

    on_a = stack.get(stack.a + "/compte")
    assert on_a.status_code == 302
    assert "/connexion" in on_a.headers["Location"]


def test_a_rate_limit_reached_on_one_host_holds_on_the_other(stack):
    attempt = {"email": "cible.two-hosts@exemple.fr", "password": "pas le bon mot de passe"}

    statuses = [stack.post_form(stack.a, "/connexion", attempt).status_code for _ in range(3)]
    on_b = stack.post_form(stack.b, "/connexion", attempt)

    assert 429 not in statuses
    assert on_b.status_code == 429


def test_mail_queued_by_one_host_is_sent_by_the_worker(stack, make_user, mailbox):
    user = make_user("claude.two-hosts@exemple.fr")

    asked = stack.post_form(stack.a, "/mot-de-passe-oublie", {"email": user.email})

    assert asked.status_code == 302
    deadline = time.monotonic() + 15
    while not mailbox.to(user.email) and time.monotonic() < deadline:
        time.sleep(0.1)
    [message] = mailbox.to(user.email)
    assert f"{stack.a}/mot-de-passe/nouveau/" in message.get_content()
