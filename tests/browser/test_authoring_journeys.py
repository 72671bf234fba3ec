"""The trainers' space in a real browser: « Rédaction », a course's « Points à valider », a step's
preview with its notes; then the same step seen by a learner, without any note."""

import re

from playwright.sync_api import expect

from .steps import log_in_as_demo, log_out

COURSE = (
    "Repérer et signaler la traite des êtres humains pour les enseignants et personnels de"
    " l'éducation"
)
STEP = "Les formes d'exploitation qui peuvent toucher des élèves"
NOTE = "Mariage forcé d'un élève à l'étranger : vérifier s'il convient"


def test_trainer_reads_the_review_notes_that_learners_never_see(journey):
    page = journey.start()
    log_in_as_demo(journey, "trainer")
    menu = page.get_by_role("navigation", name="Menu principal")
    menu.get_by_role("link", name="Rédaction").click()
    journey.check("Rédaction")
    expect(page.get_by_role("heading", name="Rédaction", level=1)).to_be_visible()
    page.get_by_role(
        "link", name=re.compile(rf"points? à valider dans « {re.escape(COURSE)} »")
    ).click()
    journey.check("Points à valider")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=STEP)).to_be_visible()
    expect(main).to_contain_text(NOTE)
    expect(main).to_contain_text(
        "enseignants/01-l-ecole-lieu-de-reperage/02-les-formes-d-exploitation-chez-les-eleves.md:43"
    )
    main.get_by_role("link", name=f"Aperçu de l'étape « {STEP} »").click()
    journey.check("Aperçu d'une étape")
    expect(page.get_by_role("heading", name=STEP, level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(NOTE)
    log_out(journey)

    log_in_as_demo(journey, "learner")
    menu.get_by_role("link", name="Formations").click()
    journey.check("Catalogue")
    page.get_by_role("link", name=COURSE).click()
    journey.check("Fiche de la formation en cours de validation")
    expect(page.get_by_role("main")).to_contain_text("Contenu en cours de validation")
    if page.get_by_role("button", name="S'inscrire").count():
        page.get_by_role("button", name="S'inscrire").click()
    else:
        page.get_by_role("link", name=re.compile("^(Commencer|Reprendre)$")).click()
    journey.check("Première étape")
    page.get_by_role("navigation", name="Sommaire").get_by_role("link", name=STEP).click()
    journey.check("Étape avec une note, vue par l'apprenant")
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", name=STEP, level=1)).to_be_visible()
    expect(main).not_to_contain_text("Mariage forcé d'un élève à l'étranger")
    expect(main).not_to_contain_text("À valider")
    assert "a-valider" not in page.content()
