"""What every page a journey reaches goes through: axe-core, reflow at 320 px and 200 % zoom,
screenshots, and the Nu Html Checker (once for all pages, at the end of the session)."""

import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from playwright.sync_api import Page

from .live_server import PROJECT_ROOT

AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
RESULTS_DIR = PROJECT_ROOT / "test-results"
SUMMARY_FILE = "summary.json"
DOC_CAPTURES_DIR = PROJECT_ROOT / "docs" / "captures"

#: WCAG 2.0 and 2.1, levels A and AA, plus the rules axe maps to RGAA 4 criteria
#: (axe-core 4.14 tags them `RGAAv4`; that adds region, skip-link and table-duplicate-name).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "RGAAv4"]

DESKTOP = {"width": 1280, "height": 800}
#: WCAG 1.4.10: content reflows in 320 CSS px without horizontal scrolling.
NARROW = {"width": 320, "height": 640}
#: The windows every page is laid out in besides the person's own: name -> viewport in CSS px.
#: A 1280 x 800 window at 200 % zoom lays pages out in 640 x 400 CSS px (WCAG 1.4.4).
REFLOW_VIEWS = {"320px": NARROW, "zoom-200": {"width": 640, "height": 400}}

NO_HORIZONTAL_SCROLL = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  clientWidth: document.documentElement.clientWidth,
  widest: [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .slice(0, 3).map(el => el.outerHTML.slice(0, 160)),
})"""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def run_axe(page: Page, undecided: dict[str, int] | None = None) -> list[dict]:
    """The axe-core violations of the page as it is now.

    axe is injected through the DevTools protocol, which the page's CSP does not block.
    `undecided` counts, by rule, the checks axe could not decide (to review by hand).
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT.read_text())
    results = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations', 'incomplete'],
        })""",
        AXE_TAGS,
    )
    if undecided is not None:
        for rule in results["incomplete"]:
            undecided[rule["id"]] = undecided.get(rule["id"], 0) + 1
    return results["violations"]


def format_axe_violations(violations: list[dict], where: str) -> str:
    lines = [f"axe-core: {len(violations)} rule(s) violated on {where}"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"  {violation['helpUrl']}"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
    return "\n".join(lines)


def reflow_problem(page: Page) -> str | None:
    """None when the page does not scroll horizontally, else what sticks out."""
    state = page.evaluate(NO_HORIZONTAL_SCROLL)
    if state["scrollWidth"] <= state["clientWidth"]:
        return None
    return (
        f"scrolls horizontally (scrollWidth {state['scrollWidth']} > clientWidth "
        f"{state['clientWidth']}); overflowing: " + " | ".join(state["widest"])
    )


@dataclass
class CheckedPage:
    name: str
    url: str
    html_file: Path


@dataclass
class SessionAudit:
    """Shared by every journey of the session: HTML to validate, screenshots, reports."""

    results_dir: Path = RESULTS_DIR
    update_doc_captures: bool = False
    #: A full-page screenshot of every page checked (JOURNEY_SCREENSHOTS=1, and `make
    #: captures`); otherwise only of a page that fails a check, where it helps.
    every_screenshot: bool = False
    pages: list[CheckedPage] = field(default_factory=list)
    #: Nu Html Checker warnings: message -> the pages where it was seen.
    validator_warnings: dict[str, list[str]] = field(default_factory=dict)
    validator_note: str | None = None
    #: Rules axe-core could not decide, with the number of pages where that happened.
    axe_undecided: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        (self.results_dir / SUMMARY_FILE).unlink(missing_ok=True)
        for folder in ("captures", "html"):
            shutil.rmtree(self.results_dir / folder, ignore_errors=True)
            (self.results_dir / folder).mkdir(parents=True, exist_ok=True)

    def write_summary(self) -> None:
        """What the end of the run reports, kept as JSON beside the captures: with
        pytest-xdist, each worker writes its own and the controller prints them together."""
        summary = {
            "pages": len(self.pages),
            "captures": str(self.results_dir / "captures"),
            "axe_undecided": self.axe_undecided,
            "validator_note": self.validator_note,
            "validator_warnings": self.validator_warnings,
        }
        (self.results_dir / SUMMARY_FILE).write_text(json.dumps(summary), encoding="utf-8")

    def capture_path(self, journey: str, index: int, name: str, variant: str = "") -> Path:
        folder = self.results_dir / "captures" / _slug(journey)
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{index:02d}-{_slug(name)}{variant}.png"

    def keep_source(self, journey: str, index: int, name: str, url: str, html: str) -> None:
        path = self.results_dir / "html" / f"{_slug(journey)}-{index:02d}-{_slug(name)}.html"
        path.write_text(html, encoding="utf-8")
        self.pages.append(CheckedPage(name=name, url=url, html_file=path))

    def publish_capture(self, source: Path, doc_name: str) -> None:
        """Copy a screenshot into docs/captures/ (only when asked: `make captures`)."""
        if self.update_doc_captures:
            DOC_CAPTURES_DIR.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, DOC_CAPTURES_DIR / f"{doc_name}.png")

    def validate_html(self, java: str) -> list[str]:
        """Run the Nu Html Checker once on every page kept; returns the errors, keeps warnings."""
        if not self.pages:
            return []
        by_file = {page.html_file.resolve(): page for page in self.pages}
        result = subprocess.run(
            [java, "-jar", str(VNU_JAR), "--format", "json", "--stdout",
             *(str(page.html_file) for page in self.pages)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )  # fmt: skip
        try:
            messages = json.loads(result.stdout)["messages"]
        except (json.JSONDecodeError, KeyError):
            return [f"The Nu Html Checker failed ({result.returncode}):\n{result.stderr[-2000:]}"]
        errors = []
        for message in messages:
            page = by_file.get(Path(unquote(urlsplit(message.get("url", "")).path)).resolve())
            where = f"« {page.name} » ({page.url})" if page else message.get("url", "?")
            text = (
                f"{where}, line {message.get('lastLine', '?')}: {message['message']}\n"
                f"    {message.get('extract', '').strip()[:200]}"
            )
            if message["type"] == "error" or message.get("subType") == "fatal":
                errors.append(text)
            else:
                self.validator_warnings.setdefault(message["message"], []).append(where)
        return errors


def report_summaries(terminalreporter, folders: list[Path]) -> None:
    """Print the summaries (SessionAudit.write_summary) found in `folders`, added up."""
    summaries = [
        json.loads((folder / SUMMARY_FILE).read_text(encoding="utf-8"))
        for folder in folders
        if (folder / SUMMARY_FILE).is_file()
    ]
    if not summaries:
        return
    undecided: dict[str, int] = {}
    warnings: dict[str, list[str]] = {}
    for summary in summaries:
        for rule, count in summary["axe_undecided"].items():
            undecided[rule] = undecided.get(rule, 0) + count
        for warning, pages in summary["validator_warnings"].items():
            warnings.setdefault(warning, []).extend(pages)
    terminalreporter.section("browser journeys")
    terminalreporter.write_line(
        f"{sum(s['pages'] for s in summaries)} pages checked (axe-core, 320 px, 200 % zoom,"
        f" Nu Html Checker); screenshots (of failures, or of every page with"
        f" JOURNEY_SCREENSHOTS=1) in {', '.join(s['captures'] for s in summaries)}"
    )
    if undecided:
        terminalreporter.write_line(
            "axe-core could not decide (review by hand): "
            + ", ".join(f"{rule} on {count} page(s)" for rule, count in undecided.items())
        )
    for note in {s["validator_note"] for s in summaries if s["validator_note"]}:
        terminalreporter.write_line(note)
    for warning, pages in warnings.items():
        terminalreporter.write_line(
            f"vnu warning on {len(pages)} page(s), e.g. {pages[0]}: {warning}"
        )
