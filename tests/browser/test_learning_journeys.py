"""The learner's journey in a real browser: enrol, lessons, a failed then a passed quiz, « Mon
parcours », the certificate and its public verification page."""

import io
import re

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from .keyboard import assert_focus_visible, is_focused, press, tab_to
from .steps import confirm_email, log_in, log_in_as_demo, new_email, sign_up

COURSE = "Cours d'exemple : le format des fichiers"
RIGHT = {
    "single": ["C'est un indicateur de contrôle exercé sur la personne."],
    "multiple": ["La menace", "L'abus d'une situation de vulnérabilité"],
    "true_false": ["Faux"],
}
#: A phone held upright (the brief's 375 x 812 CSS px).
PHONE = {"width": 375, "height": 812}
WRONG = {
    "single": ["C'est une pratique courante sans conséquence."],
    "multiple": ["Le lieu de travail"],
    "true_false": ["Vrai"],
}


def answer(page: Page, answers: dict[str, list[str]]) -> None:
    form = page.get_by_role("main")
    for labels in answers.values():
        for label in labels:
            # A person clicks the label: the DSFR draws the radio or box on it.
            form.locator("label", has_text=re.compile("^" + re.escape(label) + "$")).click()


def enrol_in_example(journey, mailbox, first_name: str) -> Page:
    page = journey.start()
    email = new_email(first_name)
    sign_up(journey, email=email, full_name=f"{first_name} Martin")
    confirm_email(journey, mailbox, email)
    log_in(journey, email)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Formations"
    ).click()
    journey.check("Catalogue")
    page.get_by_role("link", name=COURSE).click()
    journey.check("Fiche de la formation")
    page.get_by_role("button", name="S'inscrire").click()
    journey.check("Première étape")
    expect(page.get_by_role("status")).to_contain_text("inscription à cette formation")
    return page


def test_learner_completes_a_course_and_verifies_the_certificate(journey, mailbox):
    page = enrol_in_example(journey, mailbox, "Nadia")
    expect(page.get_by_text("Étape 1 sur 3")).to_be_visible()
    expect(page.get_by_role("heading", name="Avant de commencer")).to_be_visible()

    page.get_by_role("button", name="J'ai terminé cette étape").click()
    journey.check("Deuxième étape", doc_capture="lecon")
    expect(page.get_by_text("Étape 2 sur 3")).to_be_visible()

    # Leave, come back later: the course resumes at the first unfinished step.
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mon parcours"
    ).click()
    journey.check("Mon parcours, en cours")
    expect(page.get_by_role("main")).to_contain_text("1 étape sur 3 (33 %)")
    page.get_by_role("link", name="Reprendre").click()
    journey.check("Reprise à la deuxième étape")
    expect(page.get_by_text("Étape 2 sur 3")).to_be_visible()
    page.get_by_role("button", name="J'ai terminé cette étape").click()
    journey.check("Présentation du quiz")

    page.get_by_role("button", name="Commencer le quiz").click()
    journey.check("Quiz, tentative 1")
    page.get_by_role("button", name="Valider mes réponses").click()
    journey.check("Quiz sans réponse")
    expect(page.get_by_role("alert")).to_contain_text("3 questions sans réponse")
    answer(page, WRONG)
    page.get_by_role("button", name="Valider mes réponses").click()
    journey.check("Quiz non réussi", doc_capture="quiz-resultat")
    expect(page.locator("#resultat")).to_contain_text("Quiz non réussi : 0 %")
    expect(page.locator("#resultat")).to_be_focused()
    expect(page.locator("#resultat")).to_contain_text("Il vous reste 2 tentatives.")

    page.get_by_role("button", name="Nouvelle tentative").click()
    journey.check("Quiz, tentative 2")
    answer(page, RIGHT)
    page.get_by_role("button", name="Valider mes réponses").click()
    journey.check("Quiz réussi")
    expect(page.locator("#resultat")).to_contain_text("Quiz réussi : 100 %")
    expect(page.get_by_role("status")).to_contain_text("vous avez terminé cette formation")

    # The course page of a finished course: every step stays at hand.
    page.get_by_role("navigation", name="vous êtes ici :").get_by_role("link", name=COURSE).click()
    journey.check("Fiche de la formation terminée")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Terminée le")
    for step in ("Les trois éléments de la traite", "À qui signaler", "Les trois éléments"):
        expect(main.get_by_role("link", name=step, exact=True)).to_be_visible()
    expect(main.get_by_role("link", name="Revoir la formation")).to_be_visible()

    # The course's fiche réflexe: a page to print (the sheet alone), and its PDF.
    main.get_by_role("link", name="Fiche réflexe (à imprimer)").click()
    journey.check("Fiche réflexe")
    sheet = page.locator("article.fiche-reflexe")
    expect(sheet.get_by_role("heading", level=2)).to_have_count(4)
    page.emulate_media(media="print")
    expect(page.locator("header.fr-header")).to_be_hidden()
    expect(page.locator("footer.fr-footer")).to_be_hidden()
    expect(page.get_by_role("link", name="Revenir à la formation")).to_be_hidden()
    expect(sheet).to_be_visible()
    [printed] = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True))).pages
    assert (round(float(printed.mediabox.width)), round(float(printed.mediabox.height))) == (
        595,
        842,
    )  # one A4 portrait page, whatever the other pages' print settings
    printed_text = printed.extract_text()
    assert "Ce qu'il faut noter" in printed_text
    for screen_only in ("Mon compte", "Revenir à la formation", "Télécharger la fiche"):
        assert screen_only not in printed_text
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger la fiche réflexe (PDF, 1 page)").click()
    # The version's number: other journeys on the same server may have published a new one.
    assert re.fullmatch(r"fiche-reflexe-exemple-cours-v\d+\.pdf", download.value.suggested_filename)
    assert download.value.path().read_bytes().startswith(b"%PDF")
    expect(page.get_by_role("link", name="Revenir à la formation")).to_be_visible()

    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mon parcours"
    ).click()
    journey.check("Mon parcours, formation terminée")
    main = page.get_by_role("main")
    expect(main).to_contain_text("terminée le")

    with page.expect_download() as download:
        main.get_by_role("link", name=re.compile("PDF")).first.click()
    assert download.value.suggested_filename.startswith("attestation-TEH-")
    assert download.value.path().read_bytes().startswith(b"%PDF")

    main.get_by_role("link", name=re.compile("Vérifier|vérification")).first.click()
    journey.check("Vérification de l'attestation", doc_capture="verification-attestation")
    expect(page.get_by_role("main")).to_contain_text("Nadia Martin")
    expect(page.get_by_role("main")).to_contain_text("valide")

    # Her own copy of what the platform holds about her.
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mon compte"
    ).click()
    journey.check("Mon compte, formation terminée")
    page.get_by_role("link", name="Voir et télécharger mes données").click()
    journey.check("Mes données")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger mes données (JSON)").click()
    assert b"Nadia Martin" in download.value.path().read_bytes()


def test_keyboard_only_quiz(journey, mailbox):
    page = enrol_in_example(journey, mailbox, "Karim")
    for name in ("Deuxième étape", "Présentation du quiz"):
        tab_to(page, page.get_by_role("button", name="J'ai terminé cette étape"))
        page.keyboard.press("Enter")
        journey.check(name)
    tab_to(page, page.get_by_role("button", name="Commencer le quiz"))
    page.keyboard.press("Enter")
    journey.check("Quiz au clavier")

    main = page.get_by_role("main")
    for labels in RIGHT.values():
        for label in labels:
            choose_with_keyboard(page, main.get_by_label(label, exact=True))
    tab_to(page, page.get_by_role("button", name="Valider mes réponses"))
    page.keyboard.press("Enter")
    journey.check("Quiz réussi au clavier")
    result = page.locator("#resultat")
    assert is_focused(result)
    expect(result).to_contain_text("Quiz réussi : 100 %")
    press(page, "Tab")  # from the result, the next Tab stays visible and in the page
    assert_focus_visible(page)


def choose_with_keyboard(page: Page, choice) -> None:
    """Check a box with Tab (or Shift+Tab) then Space; pick a radio as a person does: Tab into
    its group (choices are shuffled), then Space on it or the arrow keys until it is selected."""
    if choice.get_attribute("type") == "checkbox":
        # The boxes of a question are shuffled: the next one may come before the focus.
        before = choice.evaluate(
            "box => !!(document.activeElement.compareDocumentPosition(box)"
            " & Node.DOCUMENT_POSITION_PRECEDING)"
        )
        tab_to(page, choice, backwards=before)
        press(page, "Space")
    else:
        group = choice.get_attribute("name")
        for _ in range(80):
            press(page, "Tab")
            if page.evaluate("name => document.activeElement.name === name", group):
                break
        if is_focused(choice):
            press(page, "Space")
        for _ in range(20):
            if choice.is_checked():
                break
            press(page, "ArrowDown")
    expect(choice).to_be_checked()


def top_in_page(locator) -> float:
    """Where the element starts, in CSS px from the top of the page (whatever the scroll)."""
    return locator.evaluate("element => element.getBoundingClientRect().top + window.scrollY")


def test_learner_on_a_phone_reads_the_lesson_first_then_opens_the_table_of_contents(new_journey):
    """The demo learner, halfway through the common core, resumes it on a phone: the lesson
    starts on the first screen, the table of contents (about 1,100 px unfolded) waits behind
    its « Sommaire » button."""
    journey = new_journey("mobile", viewport=PHONE)
    page = journey.start()
    log_in_as_demo(journey, "learner")
    page.get_by_role("main").get_by_role("link", name=re.compile("^Reprendre")).click()
    journey.check("Leçon sur un téléphone")

    assert top_in_page(page.get_by_role("heading", level=1)) < PHONE["height"]
    assert top_in_page(page.locator(".lesson-body")) < PHONE["height"]
    outline = page.get_by_role("navigation", name="Sommaire")
    button = outline.get_by_role("button", name="Sommaire")
    first_step = outline.get_by_role("link", name=re.compile("la définition de la traite"))
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(first_step).to_be_hidden()

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(first_step).to_be_visible()
    journey.check_state("Sommaire ouvert sur un téléphone")
