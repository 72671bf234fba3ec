"""Fixtures of the browser journeys: the server, its mailbox, Chromium, and `journey`.

See docs/tests-navigateur.md. Every test in this folder is marked `browser`.
"""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from .audit import AXE_SCRIPT, DESKTOP, RESULTS_DIR, SessionAudit
from .journey import Journey
from .live_server import LiveServer

#: No sandbox (tests run as root in containers), no GPU, nothing fetched in the background.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _missing(what: str) -> None:
    """In CI a missing tool fails the run; elsewhere the browser tests are skipped."""
    if _in_ci():
        pytest.fail(f"{what} (CI=true: browser tests may not be skipped)", pytrace=False)
    pytest.skip(what)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    folder = Path(__file__).parent
    for item in items:
        if folder in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """Debian's Chromium, found the way the Makefile finds it (never a downloaded build)."""
    found = os.environ.get("CHROMIUM") or next(
        filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None
    )
    if not found:
        _missing(
            "Browser tests skipped: no chromium on PATH (`make test` installs Debian's package)"
        )
    return found


@pytest.fixture(scope="session")
def java_executable() -> str | None:
    found = shutil.which("java")
    if not found and _in_ci():
        pytest.fail("No java on PATH: the Nu Html Checker needs it (CI=true)", pytrace=False)
    return found


@pytest.fixture(scope="session")
def session_audit(request: pytest.FixtureRequest, java_executable) -> Iterator[SessionAudit]:
    """Collects every page checked; validates their HTML in one vnu call at the end.

    Each pytest-xdist worker has its own audit and results folder (test-results/<worker>); the
    summary each writes is printed by tests/conftest.py's pytest_terminal_summary."""
    update_doc_captures = os.environ.get("UPDATE_DOC_CAPTURES") == "1"
    audit = SessionAudit(
        results_dir=results_dir(),
        update_doc_captures=update_doc_captures,
        every_screenshot=update_doc_captures or os.environ.get("JOURNEY_SCREENSHOTS") == "1",
    )
    yield audit
    try:
        if java_executable is None:
            audit.validator_note = "HTML not validated: no java on PATH (`make test` installs it)."
            return
        errors = audit.validate_html(java_executable)
        assert not errors, f"Nu Html Checker: {len(errors)} error(s)\n" + "\n".join(errors)
    finally:
        audit.write_summary()


def results_dir() -> Path:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return RESULTS_DIR / worker if worker else RESULTS_DIR


@pytest.fixture(scope="session")
def live_site(tmp_path_factory: pytest.TempPathFactory, smtp_server) -> Iterator[LiveServer]:
    """The site, sending its e-mails to the SMTP sink of tests/conftest.py (`mailbox`)."""
    _mailbox, smtp_port = smtp_server
    server = LiveServer(tmp_path_factory.mktemp("site"), mail_port=smtp_port)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(chromium_executable: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_journey(
    request: pytest.FixtureRequest,
    browser: Browser,
    live_site: LiveServer,
    session_audit: SessionAudit,
) -> Iterator[Callable[[str], Journey]]:
    """Open another person's tab (own cookies): `admin = new_journey("admin")`;
    `new_journey("mobile", viewport=NARROW)` for a small screen."""
    journeys: list[Journey] = []

    def open_journey(person: str = "", *, viewport: dict | None = None) -> Journey:
        context = browser.new_context(viewport=viewport or DESKTOP, locale="fr-FR")
        # axe-core comes with every page, rather than sent again by each check (about 600 kB).
        context.add_init_script(path=AXE_SCRIPT)
        name = request.node.name + (f"-{person}" if person else "")
        journeys.append(Journey(context, live_site.url, session_audit, name, viewport))
        return journeys[-1]

    yield open_journey
    try:
        failed = getattr(request.node, "journey_failed", False)
        if not failed:
            for journey in journeys:
                journey.assert_all_pages_checked()
    finally:
        for journey in journeys:
            journey.close()
    if getattr(request.node, "journey_failed", False):
        print(f"Server log (last lines):\n{live_site.log_tail()}")


@pytest.fixture
def journey(new_journey: Callable[[str], Journey]) -> Journey:
    """The person whose journey the test tells."""
    return new_journey("")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call" and report.failed:
        item.journey_failed = True
    return report
