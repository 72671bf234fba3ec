"""Every page works without JavaScript: a learner on a small screen, scripts disabled, signs up,
enrols, reads a lesson (before its table of contents), finishes it and passes a quiz; another
plays a scenario (the pages themselves are audited by the journeys)."""

import re
from html import unescape

from playwright.sync_api import expect

from training.content.parser import parse_course
from training.content.scenario import best_path
from training.demo.cli import DEMO_PASSWORD

from .live_server import PROJECT_ROOT
from .steps import DEMO_EMAILS, PASSWORD, fill_sign_up_form, new_email
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


def test_a_learner_without_javascript_plays_the_health_scenario(browser, live_site):
    """The demo learner who finished the common core enrols on the health track and plays its
    scenario: a harmful decision and its consequence, an ending, a replay to the best ending;
    the step counts for the course's progress."""
    course = parse_course(PROJECT_ROOT / "courses" / "sante")
    scenario = next(step for step in course.steps if step.kind == "scenario")
    stages = {stage.key: stage for stage in scenario.stages}
    best = best_path(scenario.stages)
    first = stages[best[0][0]]
    # A harmful choice of the first stage that ends the play at once.
    harmful = next(
        choice
        for choice in first.choices
        if choice.rating == "harmful" and stages[choice.next_stage].is_ending
    )
    context = browser.new_context(java_script_enabled=False, viewport=SMALL_SCREEN, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(live_site.url)
        page.get_by_role("banner").get_by_role("link", name="Se connecter").click()
        page.get_by_label("Adresse électronique").fill(DEMO_EMAILS["certified"])
        page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        page.get_by_role("main").get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("status")).to_contain_text("Connexion réussie")
        page.get_by_role("navigation", name="Menu principal").get_by_role(
            "link", name="Formations"
        ).click()
        page.get_by_role("link", name=course.title).click()
        page.get_by_role("button", name="S'inscrire").click()
        page.get_by_role("navigation", name="Sommaire").get_by_role(
            "link", name=scenario.title
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(scenario.title)

        page.get_by_role("button", name="Commencer la mise en situation").click()
        expect(page.get_by_role("group")).to_have_accessible_name(
            f"{first.title} : que faites-vous ?"
        )
        page.get_by_role("group").get_by_text(plain(harmful.text_html), exact=True).click()
        page.get_by_role("button", name="Valider ce choix").click()
        consequence = page.locator("#consequence")
        expect(consequence).to_contain_text("Choix préjudiciable")
        expect(consequence).to_contain_text(plain(harmful.consequence_html)[:60])
        expect(page.get_by_role("main")).to_contain_text("Mise en situation non réussie")
        ending = stages[harmful.next_stage]
        expect(page.get_by_role("heading", name=ending.title, exact=True)).to_be_visible()

        page.get_by_role("button", name="Rejouer").click()
        page.get_by_role("button", name="Valider ce choix").click()  # nothing ticked
        expect(page.get_by_role("alert")).to_contain_text("Aucun choix coché")
        for key, index in best:
            choice = stages[key].choices[index]
            page.get_by_role("group").get_by_text(plain(choice.text_html), exact=True).click()
            page.get_by_role("button", name="Valider ce choix").click()
            expect(page.locator("#consequence")).to_contain_text("Meilleur choix")
        expect(page.get_by_role("main")).to_contain_text("Mise en situation réussie : 100 %")
        best_path_list = page.get_by_role("region", name="Le meilleur parcours")
        expect(best_path_list.get_by_role("listitem")).to_have_count(len(best))

        page.get_by_role("link", name="Continuer la formation").click()
        page.get_by_role("navigation", name="vous êtes ici :").get_by_role(
            "link", name=course.title
        ).click()
        outline = page.get_by_role("main").get_by_role("listitem").filter(has_text=scenario.title)
        expect(outline).to_contain_text("fait")
        expect(page.get_by_role("main")).to_contain_text(f"1 étape sur {len(course.steps)}")
    finally:
        context.close()


def plain(html: str) -> str:
    """The text a person reads in a choice's or consequence's HTML."""
    return " ".join(re.sub(r"<[^>]+>", "", unescape(html)).split())
