"""One person's visit to the running site, in one browser tab, audited at every page it reaches."""

from playwright.sync_api import BrowserContext, Page, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .audit import (
    DESKTOP,
    REFLOW_VIEWS,
    SessionAudit,
    format_axe_violations,
    reflow_problem,
    run_axe,
)

#: Set on a document once checked, so that the next check waits for a new one.
CHECKED_FLAG = "__journeyChecked"
#: The DSFR script marks the document once its components are started.
DSFR_STARTED = "html[data-fr-js]"


class Journey:
    """A browser tab driven as a person would, with `check(name)` at every page reached.

    `check` waits for the page the last action led to, runs axe-core on it, keeps its HTML for
    the Nu Html Checker, and lays the page out at 320 px and at 200 % zoom (the tab resized,
    then given back its size) to check it needs no horizontal scrolling. A full-page screenshot
    is taken of a page or view that fails, and of every page with JOURNEY_SCREENSHOTS=1. A
    journey that reaches a page without checking it fails at the end.
    """

    def __init__(
        self,
        context: BrowserContext,
        base_url: str,
        audit: SessionAudit,
        name: str,
        viewport: dict | None = None,
    ) -> None:
        self.context = context
        self.page: Page = context.new_page()
        #: The window this person uses (the desktop one unless the test says otherwise).
        self.viewport = viewport or DESKTOP
        self.page.set_viewport_size(self.viewport)
        self.base_url = base_url
        self.audit = audit
        self.name = name
        #: How long `check` waits for the page the last action led to (milliseconds).
        self.new_page_timeout = 10_000
        self.checked: list[str] = []
        self.loaded: list[str] = []
        self._screenshots = 0
        self._document: Response | None = None
        self.page.on("load", lambda page: self.loaded.append(page.url))
        self.page.on("response", self._remember_document)

    def _remember_document(self, response: Response) -> None:
        if response.request.is_navigation_request() and response.frame == self.page.main_frame:
            self._document = response

    def start(self, name: str = "Accueil", **check_options) -> Page:
        """Open the home page: the only address a journey types."""
        self.page.goto(self.base_url + "/")
        self.check(name, **check_options)
        return self.page

    def check(
        self,
        name: str,
        *,
        doc_capture: str | None = None,
        doc_capture_320px: bool = False,
        screenshot: bool = True,
        narrow_only: bool = False,
    ) -> Page:
        """Wait for the page the last action led to, and audit it.

        `doc_capture`: when running `make captures`, also copy its screenshot to
        docs/captures/<doc_capture>.png (and, with `doc_capture_320px`, the 320 px one to
        <doc_capture>-320px.png). `screenshot=False`: no full-page screenshot of the page as
        it is even when every page is captured (the slowest part for a long lesson), unless
        axe-core fails; axe-core, the HTML kept for the checker and the reflow views still run,
        and a failing reflow view is still captured.
        `narrow_only`: reflow checked at 320 px only, for content shown in a layout that other
        journeys check in every view (at 640 px, the 200 % view, the page keeps the small-screen
        layout of 320 px, with twice the room).
        """
        assert screenshot or not doc_capture, "doc_capture needs the screenshot"
        page = self.page
        try:
            page.wait_for_function(
                f"() => window.{CHECKED_FLAG} !== true", timeout=self.new_page_timeout
            )
        except PlaywrightTimeoutError:
            raise AssertionError(
                f"[{name}] expected a new page after the last action, still on {page.url}"
            ) from None
        page.wait_for_load_state("load")
        page.locator(DSFR_STARTED).wait_for(state="attached", timeout=10_000)
        self._screenshots += 1
        index = self._screenshots
        where = f"« {name} » ({page.url})"

        violations = run_axe(page, self.audit.axe_undecided)
        capture = self.audit.capture_path(self.name, index, name)
        if violations or (screenshot and self.audit.every_screenshot):
            page.screenshot(path=capture, full_page=True)
        assert not violations, f"{format_axe_violations(violations, where)}\n(see {capture})"

        url, html = self._document_source(name)
        self.audit.keep_source(self.name, index, name, url, html)
        narrow_capture = doc_capture_320px and doc_capture and self.audit.update_doc_captures
        try:
            views = {"320px": REFLOW_VIEWS["320px"]} if narrow_only else REFLOW_VIEWS
            for view, viewport in views.items():
                page.set_viewport_size(viewport)
                problem = reflow_problem(page)
                if problem or (narrow_capture and view == "320px"):
                    path = self.audit.capture_path(self.name, index, name, f"-{view}")
                    page.screenshot(path=path, full_page=True)
                assert problem is None, f"{where} in the {view} view: {problem} (see {path})"
                if narrow_capture and view == "320px":
                    self.audit.publish_capture(path, f"{doc_capture}-320px")
        finally:
            page.set_viewport_size(self.viewport)

        if doc_capture:
            self.audit.publish_capture(capture, doc_capture)
        page.evaluate(f"() => {{ window.{CHECKED_FLAG} = true; }}")
        self.checked.append(page.url)
        return page

    def check_state(self, name: str, *, doc_capture: str | None = None) -> Page:
        """Audit the page as it is now, without a new page: a menu or dialog just opened.

        Runs axe-core (a screenshot when it fails, or of every state with JOURNEY_SCREENSHOTS=1);
        the HTML was validated when the page loaded.
        """
        page = self.page
        self._screenshots += 1
        violations = run_axe(page)
        path = self.audit.capture_path(self.name, self._screenshots, name)
        if violations or self.audit.every_screenshot:
            page.screenshot(path=path)
        where = f"« {name} » ({page.url})"
        assert not violations, f"{format_axe_violations(violations, where)}\n(see {path})"
        if doc_capture:
            self.audit.publish_capture(path, doc_capture)
        return page

    def _document_source(self, name: str) -> tuple[str, str]:
        """The URL and HTML of the document in the tab, as the server sent it."""
        document = self._document
        url = self.page.url.split("#")[0]
        assert document is not None, f"[{name}] no HTML document was seen"
        assert document.url.split("#")[0] == url, f"[{name}] the HTML of {url} was not seen"
        return url, document.text()

    def assert_all_pages_checked(self) -> None:
        """Every document this tab loaded went through `check`."""
        self.page.evaluate("() => true")  # lets pending "load" events arrive
        missing = len(self.loaded) - len(self.checked)
        assert missing <= 0, (
            f"{missing} page(s) reached without journey.check(): loaded {self.loaded}, "
            f"checked {self.checked}"
        )

    def close(self) -> None:
        self.context.close()
