"""One person's visit to the running site, in one browser tab, audited at every page it reaches."""

from playwright.sync_api import BrowserContext, Page, Response
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from .audit import DESKTOP, NARROW, ZOOM_200, SessionAudit, format_axe_violations, reflow_problem
from .audit import run_axe as axe_violations

#: Set on a document once checked, so that the next check waits for a new one.
CHECKED_FLAG = "__journeyChecked"


class Journey:
    """A browser tab driven as a person would, with `check(name)` at every page reached.

    `check` waits for the page the last action led to, then runs axe-core, checks reflow at
    320 px and at 200 % zoom, takes the screenshots and keeps the HTML for the Nu Html Checker.
    A journey that reaches a page without checking it fails at the end: no page escapes.
    """

    def __init__(
        self, context: BrowserContext, base_url: str, audit: SessionAudit, name: str
    ) -> None:
        self.context = context
        self.page: Page = context.new_page()
        self.base_url = base_url
        self.audit = audit
        self.name = name
        #: How long `check` waits for the page the last action led to (milliseconds).
        self.new_page_timeout = 10_000
        self.checked: list[str] = []
        self.loaded: list[str] = []
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

    def check(self, name: str, *, doc_capture: str | None = None) -> Page:
        """Wait for the page the last action led to, and audit it.

        `doc_capture`: also copy its screenshot to docs/captures/<doc_capture>.png
        (and the 320 px one to <doc_capture>-320px.png) when running `make captures`.
        """
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
        # The DSFR script marks the document once its components are started.
        page.locator("html[data-fr-js]").wait_for(state="attached", timeout=10_000)
        index = len(self.checked) + 1
        where = f"« {name} » ({page.url})"

        violations = axe_violations(page)
        assert not violations, format_axe_violations(violations, where)

        self._keep_html(index, name)

        desktop = self.audit.capture_path(self.name, index, name)
        page.screenshot(path=desktop, full_page=True)
        narrow = self._check_reflow(index, name, where)
        if doc_capture:
            self.audit.publish_capture(desktop, doc_capture)
            self.audit.publish_capture(narrow, f"{doc_capture}-320px")

        page.evaluate(f"() => {{ window.{CHECKED_FLAG} = true; }}")
        self.checked.append(page.url)
        return page

    def _keep_html(self, index: int, name: str) -> None:
        document = self._document
        url = self.page.url.split("#")[0]
        assert document is not None, f"[{name}] no HTML document was seen"
        assert document.url.split("#")[0] == url, f"[{name}] the HTML of {url} was not seen"
        self.audit.keep_source(self.name, index, name, url, document.text())

    def _check_reflow(self, index: int, name: str, where: str):
        """No horizontal scrolling at 200 % zoom, then at 320 px; a screenshot of each."""
        page = self.page
        zoomed = self.audit.capture_path(self.name, index, name, "-zoom-200")
        narrow = self.audit.capture_path(self.name, index, name, "-320px")
        cdp = self.context.new_cdp_session(page)
        try:
            cdp.send("Emulation.setDeviceMetricsOverride", ZOOM_200)
            zoom_problem = reflow_problem(page)
            page.screenshot(path=zoomed, full_page=True)
        finally:
            cdp.detach()
        # Playwright's own emulation replaces the zoom entirely (no clearing in between,
        # which would leave the page at whatever size the window last had).
        page.set_viewport_size(NARROW)
        narrow_problem = reflow_problem(page)
        page.screenshot(path=narrow, full_page=True)
        page.set_viewport_size(DESKTOP)
        assert page.evaluate("() => [innerWidth, devicePixelRatio]") == [DESKTOP["width"], 1]
        assert zoom_problem is None, f"{where} at 200 % zoom: {zoom_problem} (see {zoomed})"
        assert narrow_problem is None, f"{where} at 320 px: {narrow_problem} (see {narrow})"
        return narrow

    def assert_all_pages_checked(self) -> None:
        """Every document this tab loaded went through `check`."""
        self.page.evaluate("() => true")  # lets pending "load" events arrive
        missing = len(self.loaded) - len(self.checked)
        assert missing <= 0, (
            f"{missing} page(s) reached without journey.check(): loaded {self.loaded}, "
            f"checked {self.checked}"
        )
