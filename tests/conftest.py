"""Test fixtures shared by every feature.

One database per run (per worker with pytest-xdist's `-n`): a temporary SQLite file (default)
or, with `--database=postgresql`, a fresh PostgreSQL database created on the server at
TEST_DATABASE_URL and dropped at the end. Both are
built with the migrations (`flask db upgrade`), never `create_all`. Each test runs inside a
transaction that is rolled back, so tests do not see each other's data.

Rule: do not call the test client inside an app context you pushed yourself
(`with app.app_context()`): the request would share that context, its `g` and its session.
Prepare data with the factories (they push their own short context), then use the client.
"""

import os
import re
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from config import TestingConfig
from training import create_app
from training.accounts import services, two_factor
from training.accounts.models import Profession, Role, Territory, User
from training.certificates.signing import write_new_private_key
from training.extensions import db, limiter
from training.published import forget_everything
from training.shared_pages import forget_pages
from training.timeutils import utcnow

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRESQL_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "une phrase de passe assez longue"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="Database of this run (PostgreSQL at TEST_DATABASE_URL).",
    )


#: Fixtures through which a test reaches a database: a test using none of them runs the same on
#: both, so the PostgreSQL pass leaves it to the SQLite one.
DATABASE_FIXTURES = {"app", "database_url"}


def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    """The browser journeys' audit, from the summaries their run wrote (one per pytest-xdist
    worker): here rather than in tests/browser, whose conftest the xdist controller never
    loads."""
    if config.getoption("markexpr") == "not browser":
        return
    from tests.browser.audit import RESULTS_DIR, report_summaries

    started = config.stash.get(STARTED_AT, 0.0)
    folders = [RESULTS_DIR, *sorted(p for p in RESULTS_DIR.glob("gw*") if p.is_dir())]
    fresh = [f for f in folders if (f / "summary.json").is_file()
             and (f / "summary.json").stat().st_mtime >= started]  # fmt: skip
    report_summaries(terminalreporter, fresh)


STARTED_AT = pytest.StashKey[float]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[STARTED_AT] = time.time()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--database") == "postgresql":
        without_database = [
            item for item in items if not DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        ]
        if without_database:
            config.hook.pytest_deselected(items=without_database)
            items[:] = [item for item in items if item not in set(without_database)]
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: run with --database=postgresql")
    for item in items:
        if "postgresql_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _push_request_context() -> None:
    """Replaces pytest-flask's fixture of that name: a context held open for the whole test would
    be shared by every request of the test client (same `g`, same session), hiding real bugs."""


def _postgresql_server_url() -> sa.URL:
    return sa.make_url(os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRESQL_URL))


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[str]:
    if request.config.getoption("--database") == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    server_url = _postgresql_server_url()
    admin_engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as error:
        admin_engine.dispose()
        reason = f"PostgreSQL does not answer at {server_url.render_as_string()}: {error.orig}"
        if os.environ.get("CI") == "true":
            pytest.exit(f"FAIL (CI requires PostgreSQL): {reason}", returncode=1)
        pytest.exit(f"PostgreSQL tests skipped: {reason}", returncode=0)
    name = f"training_test_{uuid.uuid4().hex[:12]}"
    with admin_engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin_engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis server of the tests that need one: skipped without it, except in CI."""
    try:
        with Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1) as redis:
            redis.ping()
    except RedisError as error:
        reason = f"Redis does not answer at {TEST_REDIS_URL}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason} (CI=true requires it)", pytrace=False)
        pytest.skip(reason)
    return TEST_REDIS_URL


@dataclass
class Mailbox:
    """Messages received by the SMTP server the tests run."""

    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, _server, _session, envelope):  # noqa: N802 (aiosmtpd's API)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    def last_link(self, address: str) -> str:
        """The last http(s) link sent to `address`."""
        body = self.to(address)[-1].get_content()
        return re.findall(r"https?://\S+", body)[-1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = _free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.fixture(scope="session")
def certificate_key_path(tmp_path_factory) -> Path:
    """A signing key made for this run: never the developer's instance key."""
    path = tmp_path_factory.mktemp("keys") / "certificate-signing-key.pem"
    write_new_private_key(path)
    return path


@pytest.fixture(scope="session")
def app(database_url: str, smtp_server, certificate_key_path: Path):
    _, smtp_port = smtp_server

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        MAIL_PORT = smtp_port
        CERTIFICATE_SIGNING_KEY_PATH = str(certificate_key_path)
        if database_url.startswith("postgresql"):
            # Room for the concurrency tests' 20 simultaneous connections.
            SQLALCHEMY_ENGINE_OPTIONS = {
                **TestingConfig.SQLALCHEMY_ENGINE_OPTIONS,
                "pool_size": 25,
                "max_overflow": 5,
            }

    application = create_app(Config)
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        db.engine.dispose()


#: Tables whose rows come from the migrations (reference data): never emptied by tests.
SEEDED_TABLES = {"professions", "territories", "alembic_version"}


@pytest.fixture(autouse=True)
def _rollback_after_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run the test in a transaction rolled back at the end; commits become savepoints.
    What the app keeps of published versions (training.published) is forgotten: the next
    test's rows may reuse their ids; so are the public pages it keeps (training.shared_pages).

    Tests marked `postgresql_only` (concurrency across real connections) commit for real
    instead, and every table but the seeded ones is emptied after them.
    """
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    forget_everything(app)
    forget_pages(app)
    if request.node.get_closest_marker("postgresql_only"):
        with app.app_context():
            limiter.reset()
        yield
        with app.app_context():
            tables = [t.name for t in db.metadata.sorted_tables if t.name not in SEEDED_TABLES]
            db.session.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            db.session.commit()
        return
    with app.app_context():
        connection = db.engine.connect()
        limiter.reset()
    transaction = connection.begin()
    original_session = db.session
    factory = sessionmaker(
        bind=connection, class_=Session, join_transaction_mode="create_savepoint"
    )
    db.session = scoped_session(factory, scopefunc=original_session.registry.scopefunc)
    try:
        yield
    finally:
        db.session = original_session
        transaction.rollback()
        connection.close()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    box, _ = smtp_server
    box.messages.clear()
    return box


def reference(app, model, code: str):
    with app.app_context():
        return db.session.scalar(sa.select(model).filter_by(code=code))


@pytest.fixture
def make_user(app):
    """Create a user and return it, detached but with its attributes loaded."""

    def make(
        email: str | None = None,
        *,
        role: Role = Role.LEARNER,
        password: str = PASSWORD,
        confirmed: bool = True,
        profession: str = "enseignant",
        territory: str = "marseille",
        full_name: str = "Camille Martin",
    ) -> User:
        with app.app_context():
            user = services.register_user(
                email=email or f"user-{uuid.uuid4().hex[:8]}@exemple.fr",
                full_name=full_name,
                password=password,
                profession=db.session.scalar(sa.select(Profession).filter_by(code=profession)),
                territory=db.session.scalar(sa.select(Territory).filter_by(code=territory)),
                role=role,
            )
            if confirmed:
                user.email_confirmed_at = utcnow()
            if two_factor.is_required(user):
                two_factor.enable_with_secret(user, pyotp.random_base32())
            db.session.commit()
            db.session.refresh(user)
            return user

    return make


def csrf_token(client, url: str = "/mot-de-passe-oublie") -> str:
    """The CSRF token of the client's session, read from a form page as a browser would."""
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html).group(1)


def log_in(client, email: str, password: str = PASSWORD, next_url: str | None = None):
    """Log in as a person would, typing the second factor's code when asked (staff)."""
    url = "/connexion" + (f"?next={next_url}" if next_url else "")
    response = client.post(
        url, data={"email": email, "password": password, "csrf_token": csrf_token(client)}
    )
    if response.status_code == 302 and response.location.endswith("/connexion/code"):
        code = second_factor_code(client.application, email)
        token = csrf_token(client, "/connexion/code")
        response = client.post("/connexion/code", data={"code": code, "csrf_token": token})
    return response


def second_factor_code(app, email: str) -> str:
    """The account's current code. A code is accepted once only (its time step is kept), and
    tests log the same account in several times within 30 seconds: the step is freed first
    (tests/accounts/test_two_factor.py checks the rule itself)."""
    with app.app_context():
        user = services.find_user_by_email(email)
        user.totp_last_counter = None
        db.session.commit()
        return two_factor.current_code(two_factor.secret_of(user))


@pytest.fixture
def example_course(app) -> str:
    """The trainers' example course (docs/exemple-cours: two lessons, a quiz), imported;
    returns its slug."""
    from training.content.services import import_courses

    with app.app_context():
        import_courses([ROOT / "docs" / "exemple-cours"])
        db.session.commit()
    return "exemple-cours"


@pytest.fixture
def committed_enrolment(app, make_user):
    """For `postgresql_only` tests: a learner enrolled on the trainers' example course, committed
    for real so that other connections see it; returns (user id, enrolment id)."""
    from training.catalog.services import enrol
    from training.content.models import Course
    from training.content.services import import_courses

    user = make_user(role=Role.LEARNER)
    with app.app_context():
        import_courses([ROOT / "docs" / "exemple-cours"])
        course = db.session.scalar(sa.select(Course).filter_by(slug="exemple-cours"))
        enrolment = enrol(db.session.merge(user), course)
        db.session.commit()
        return user.id, enrolment.id


@pytest.fixture
def login_as(app, make_user):
    """A test client logged in as a new user of the given role: `login_as(Role.ADMIN)`."""

    def login(role: Role = Role.LEARNER, **kwargs):
        user = make_user(role=role, **kwargs)
        client = app.test_client()
        response = log_in(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        client.user = user
        return client

    return login
