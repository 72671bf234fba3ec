"""The checks of the journeys can fail: each one, fed a page that breaks its rule, says so."""

import pytest
from playwright.sync_api import Browser

from .audit import DESKTOP, NARROW, SessionAudit, format_axe_violations, reflow_problem, run_axe
from .journey import Journey
from .keyboard import assert_focus_visible

BROKEN_PAGE = """<!doctype html><html lang="fr"><head><title>Page cassée</title></head><body>
<main><h1>Page cassée</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<button type="button"></button>
<div style="width: 1000px">Une ligne trop large pour un petit écran.</div></main></body></html>"""

FLUID_PAGE = """<!doctype html><html lang="fr"><head><title>Page fluide</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
<main><h1>Page fluide</h1><p>Un texte qui passe à la ligne.</p>
<button type="button" id="visible">Bouton</button>
<button type="button" id="invisible" style="outline: none">Bouton sans focus visible</button>
</main></body></html>"""


@pytest.fixture
def blank_page(browser: Browser):
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    yield context.new_page()
    context.close()


def test_axe_reports_violations_with_rule_element_and_help(blank_page):
    blank_page.set_content(BROKEN_PAGE)

    violations = run_axe(blank_page)

    assert {"image-alt", "button-name"} <= {violation["id"] for violation in violations}
    report = format_axe_violations(violations, "la page cassée")
    assert "image-alt" in report
    assert "<img" in report
    assert "https://dequeuniversity.com/rules/axe/" in report


def test_horizontal_scrolling_at_320_px_is_reported(blank_page):
    blank_page.set_viewport_size(NARROW)
    blank_page.set_content(FLUID_PAGE)
    assert reflow_problem(blank_page) is None

    blank_page.set_content(BROKEN_PAGE)
    problem = reflow_problem(blank_page)
    assert problem is not None
    assert "width: 1000px" in problem


def test_an_invisible_focus_is_reported(blank_page):
    blank_page.set_content(FLUID_PAGE)
    blank_page.keyboard.press("Tab")
    assert assert_focus_visible(blank_page)["indicator"].startswith("outline")

    blank_page.keyboard.press("Tab")
    with pytest.raises(AssertionError, match="no visible focus indicator"):
        assert_focus_visible(blank_page)


def test_the_html_validator_reports_errors(tmp_path, java_executable):
    if java_executable is None:
        pytest.skip("No java on PATH (`make test` installs it)")
    audit = SessionAudit(results_dir=tmp_path)
    audit.keep_source(
        "harness",
        1,
        "Page invalide",
        "http://exemple.test/",
        '<!doctype html><html lang="fr"><head><title>x</title></head><body>'
        '<p id="a">un</p><p id="a">deux</p><div aria-labelledby="a">trois</div></body></html>',
    )

    errors = audit.validate_html(java_executable)

    assert any("Duplicate ID" in error and "« Page invalide »" in error for error in errors)
    assert any("aria-labelledby" in error for error in errors)


def test_a_page_reached_without_check_fails_the_journey(browser, live_site, tmp_path):
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    journey = Journey(context, live_site.url, SessionAudit(results_dir=tmp_path), "harness")
    try:
        journey.new_page_timeout = 500
        page = journey.start()

        with pytest.raises(AssertionError, match="expected a new page"):
            journey.check("Toujours l'accueil")

        page.get_by_role("main").get_by_role("link", name="Se connecter").click()
        page.wait_for_url("**/connexion")
        with pytest.raises(AssertionError, match="without journey.check"):
            journey.assert_all_pages_checked()
    finally:
        journey.close()


def test_check_lays_the_page_out_at_320_px_and_gives_the_tab_its_size_back(browser, tmp_path):
    """A page fine on the desktop but 600 px wide fails `check` in the 320 px view."""
    wide_at_320 = FLUID_PAGE.replace("<html", "<html data-fr-js").replace(
        "</main>", '<div style="width: 600px">Six cents pixels.</div></main>'
    )
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    context.route(
        "http://harness.test/**",
        lambda route: route.fulfill(content_type="text/html; charset=utf-8", body=wide_at_320),
    )
    journey = Journey(context, "http://harness.test", SessionAudit(results_dir=tmp_path), "h")
    try:
        with pytest.raises(AssertionError, match=r"320px view: scrolls horizontally.*600px"):
            journey.start("Trop large à 320 px")

        assert journey.page.viewport_size == DESKTOP
        assert list((tmp_path / "captures" / "h").glob("*-320px.png"))
    finally:
        journey.close()


@pytest.mark.parametrize("every_screenshot", [False, True])
def test_check_captures_a_failing_page_and_every_page_only_when_asked(
    browser, tmp_path, every_screenshot
):
    site = {
        "http://harness.test/": FLUID_PAGE.replace("<html", "<html data-fr-js"),
        "http://harness.test/cassee": BROKEN_PAGE.replace("<html", "<html data-fr-js"),
    }
    context = browser.new_context(viewport=DESKTOP, locale="fr-FR")
    context.route(
        "http://harness.test/**",
        lambda route: route.fulfill(
            content_type="text/html; charset=utf-8", body=site[route.request.url]
        ),
    )
    audit = SessionAudit(results_dir=tmp_path, every_screenshot=every_screenshot)
    journey = Journey(context, "http://harness.test", audit, "h")
    captures = tmp_path / "captures" / "h"
    try:
        journey.start("Page fluide")
        assert (captures / "01-page-fluide.png").is_file() is every_screenshot

        journey.page.goto("http://harness.test/cassee")
        with pytest.raises(AssertionError, match=r"image-alt[\s\S]*see .*02-page-cass-e\.png"):
            journey.check("Page cassée")
        assert (captures / "02-page-cass-e.png").is_file()
    finally:
        journey.close()
