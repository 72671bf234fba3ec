"""Public pages: the footer's pages, a missing page, and the menu on a small screen."""

import re

from playwright.sync_api import expect

from .audit import NARROW
from .keyboard import is_focused, press, tab_to


def test_visitor_reads_the_pages_of_the_footer(journey):
    page = journey.start()
    footer = page.get_by_role("contentinfo")

    footer.get_by_role("link", name="Accessibilité : non conforme").click()
    journey.check("Déclaration d'accessibilité")
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclaration d'accessibilité")
    for section in (
        "État de conformité",
        "Résultats des tests",
        "Contenus non accessibles",
        "Établissement de cette déclaration d'accessibilité",
        "Retour d'information et contact",
        "Voies de recours",
    ):
        expect(page.get_by_role("heading", name=section, exact=True)).to_be_visible()

    footer.get_by_role("link", name="Mentions légales").click()
    journey.check("Mentions légales")
    footer.get_by_role("link", name="Données personnelles").click()
    journey.check("Données personnelles")
    footer.get_by_role("link", name="Vérifier une attestation").click()
    journey.check("Vérifier une attestation")
    page.get_by_label("Code de l'attestation").fill("TEH-0000-0000-0000")
    page.get_by_role("button", name="Vérifier").click()
    journey.check("Attestation introuvable")
    expect(page.get_by_role("alert")).to_contain_text("Aucune attestation ne porte le code")
    footer.get_by_role("link", name="Trouver de l'aide").click()
    journey.check("Trouver de l'aide")
    expect(page.get_by_role("heading", name="Une personne est en danger immédiat")).to_be_visible()

    # A mistyped address (the one address typed besides the home page): a page that helps.
    page.goto(journey.base_url + "/page-qui-n-existe-pas")
    journey.check("Page non trouvée")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page non trouvée")
    page.get_by_role("main").get_by_role("link", name="Page d'accueil").click()
    journey.check("Accueil")


def test_visitor_on_a_small_screen_uses_the_menu_with_the_keyboard(new_journey):
    journey = new_journey("mobile", viewport=NARROW)
    page = journey.start()

    menu_button = page.get_by_role("button", name="Menu")
    tab_to(page, menu_button)
    press(page, "Enter")
    dialog = page.get_by_role("dialog", name="Menu")
    expect(dialog).to_be_visible()
    assert dialog.evaluate("dialog => dialog.contains(document.activeElement)")
    journey.check_state("Menu ouvert", doc_capture="menu-320px")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert is_focused(menu_button)

    press(page, "Enter")
    tab_to(page, dialog.get_by_role("link", name="Créer un compte"))
    page.keyboard.press("Enter")
    journey.check("Inscription")
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte")


def test_visitor_browses_the_catalogue(journey):
    page = journey.start()
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Formations"
    ).click()
    journey.check("Catalogue des formations")
    page.get_by_role("main").get_by_role("link", name=re.compile("socle commun")).click()
    journey.check("Fiche d'une formation")
    expect(page).to_have_title(re.compile("socle commun"))
