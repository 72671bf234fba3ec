"""Every page works without JavaScript: a learner on a small screen, scripts disabled, signs up,
enrols, reads a lesson (before its table of contents), finishes it and passes a quiz (the pages
themselves are audited by the journeys)."""

import re

from playwright.sync_api import expect

from .steps import PASSWORD, fill_sign_up_form, new_email
from .test_learning_journeys import COURSE, RIGHT, answer, top_in_page

SMALL_SCREEN = {"width": 375, "height": 800}


def test_a_learner_without_javascript_on_a_small_screen(browser, live_site, mailbox):
    context = browser.new_context(java_script_enabled=False, viewport=SMALL_SCREEN, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(live_site.url)
        # The DSFR script is what opens the mobile menu: without it, the menu is in the page.
        navigation = page.get_by_role("navigation", name="Menu principal")
        expect(navigation.get_by_role("link", name="Formations")).to_be_visible()
        expect(
            page.get_by_role("banner").get_by_role("link", name="Créer un compte")
        ).to_be_visible()

        page.get_by_role("banner").get_by_role("link", name="Créer un compte").click()
        email = new_email("Lina")
        fill_sign_up_form(page, email=email, full_name="Lina Sans Script")
        page.get_by_role("button", name="Créer mon compte").click()
        expect(page.get_by_role("status")).to_contain_text("Un message vient d'être envoyé")
        page.goto(mailbox.last_link(email))
        expect(page.get_by_role("status")).to_contain_text("adresse électronique est confirmée")
        page.get_by_label("Adresse électronique").fill(email)  # the log-in page
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("main").get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("status")).to_contain_text("Connexion réussie")

        navigation.get_by_role("link", name="Formations").click()
        page.get_by_role("link", name=COURSE).click()
        page.get_by_role("button", name="S'inscrire").click()
        expect(page.get_by_text("Étape 1 sur 3")).to_be_visible()
        page.get_by_role("button", name="J'ai terminé cette étape").click()
        expect(page.get_by_text("Étape 2 sur 3")).to_be_visible()
        # The lesson starts on the first screen, header unfolded and all; its table of contents,
        # which the DSFR script would fold behind a button, comes unfolded after the lesson,
        # without that button (it would do nothing).
        assert top_in_page(page.get_by_role("heading", level=1)) < SMALL_SCREEN["height"]
        outline = page.get_by_role("navigation", name="Sommaire")
        expect(outline.get_by_role("button", name="Sommaire")).to_be_hidden()
        expect(outline.get_by_role("link").first).to_be_visible()
        lesson = page.locator(".lesson-body").bounding_box()
        assert outline.bounding_box()["y"] >= lesson["y"] + lesson["height"]
        page.get_by_role("button", name="J'ai terminé cette étape").click()
        page.get_by_role("button", name="Commencer le quiz").click()
        answer(page, RIGHT)
        page.get_by_role("button", name="Valider mes réponses").click()
        expect(page.locator("#resultat")).to_contain_text("Quiz réussi : 100 %")
        expect(page.get_by_role("status")).to_contain_text("vous avez terminé cette formation")

        navigation.get_by_role("link", name="Mon parcours").click()
        expect(page.get_by_role("main")).to_contain_text("terminée le")
        expect(
            page.get_by_role("main").get_by_role("link", name=re.compile("PDF")).first
        ).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_SCREEN["width"]
    finally:
        context.close()
