"""Steps that many journeys share, written as a person does them: links, buttons, labels."""

import re
import time
import uuid

import pyotp
from playwright.sync_api import Page, expect

from training.demo.cli import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET
from training.demo.learners import CERTIFIED_LEARNER_EMAIL

from .journey import Journey

#: The demo accounts that `flask demo` created on the server, by role value (`learner`: the
#: one halfway through the common core), and `certified`: the learner who finished it.
DEMO_EMAILS = {
    role.value: email
    for email, _name, role, _profession, _territory in DEMO_ACCOUNTS
    if email != CERTIFIED_LEARNER_EMAIL
} | {"certified": CERTIFIED_LEARNER_EMAIL}
PASSWORD = "une phrase facile à retenir, difficile à deviner"


def new_email(first_name: str) -> str:
    """A fresh address, so that journeys never depend on one another."""
    return f"{first_name.lower()}.{uuid.uuid4().hex[:8]}@exemple.fr"


def fill_sign_up_form(
    page: Page,
    *,
    email: str,
    full_name: str,
    password: str = PASSWORD,
    profession: str = "Enseignant ou personnel de l'éducation",
    territory: str = "Marseille",
    organisation: str = "",
) -> None:
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Nom et prénom").fill(full_name)
    page.get_by_label("Profession").select_option(label=profession)
    page.get_by_label("Territoire d'exercice").select_option(label=territory)
    page.get_by_label("Structure ou service").fill(organisation)
    page.get_by_label(re.compile(r"^Mot de passe")).fill(password)
    page.get_by_label("Confirmez le mot de passe").fill(password)
    # A person clicks the label: the DSFR draws the box on it, over the real checkbox.
    page.locator("form").get_by_text("J'ai lu la politique de confidentialité").click()
    expect(page.get_by_label("J'ai lu la politique de confidentialité")).to_be_checked()


def sign_up(journey: Journey, *, email: str, full_name: str, **fields) -> Page:
    """From any page: « Créer un compte », fill the form, submit; ends on « Consultez votre
    messagerie », not logged in yet (then `confirm_email` and `log_in`)."""
    page = journey.page
    page.get_by_role("banner").get_by_role("link", name="Créer un compte").click()
    journey.check("Inscription")
    fill_sign_up_form(page, email=email, full_name=full_name, **fields)
    page.get_by_role("button", name="Créer mon compte").click()
    journey.check("Message envoyé")
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultez votre messagerie")
    expect(page.get_by_role("status")).to_contain_text(f"Un message vient d'être envoyé à {email}")
    return page


def confirm_email(journey: Journey, mailbox, email: str) -> Page:
    """Open the link of the confirmation e-mail, as one clicks it in a mail client; ends on
    the log-in page (or « Mon compte » if already logged in)."""
    assert mailbox.to(email)[-1]["Subject"] == "Confirmez votre adresse électronique"
    journey.page.goto(mailbox.last_link(email))
    journey.check("Adresse confirmée")
    expect(journey.page.get_by_role("status")).to_contain_text("adresse électronique est confirmée")
    return journey.page


def header_link(page: Page, name: str):
    """A link of the header's tools; on a small screen they are in the menu: open it first."""
    menu_button = page.get_by_role("button", name="Menu")
    if menu_button.is_visible():
        menu_button.click()
        return page.get_by_role("dialog", name="Menu").get_by_role("link", name=name)
    return page.get_by_role("banner").get_by_role("link", name=name)


#: The last time step whose code each demo account used: the server accepts a code once
#: only, and the codes of the steps just before and after the current one.
_last_steps: dict[str, int] = {}


def type_second_factor(journey: Journey, email: str) -> None:
    """Type the demo staff account's code, as its owner would read it in their application
    (the demo accounts' key is published: DEMO_TOTP_SECRET)."""
    journey.check("Code de vérification", screenshot=False)
    totp = pyotp.TOTP(DEMO_TOTP_SECRET)
    now = int(time.time()) // totp.interval
    step = max(now - 1, _last_steps.get(email, 0) + 1)
    if step > now + 1:  # three log-ins of one account within a minute: wait for the next step
        time.sleep((step - 1) * totp.interval - time.time() + 0.5)
    _last_steps[email] = step
    journey.page.get_by_label("Code de vérification").fill(totp.generate_otp(step))
    journey.page.get_by_role("main").get_by_role("button", name="Valider le code").click()


def log_in(journey: Journey, email: str, password: str = PASSWORD) -> Page:
    """From any page: « Se connecter » in the header (in its menu on a small screen), fill the
    form, submit; for a demo staff account, type the code of its application next."""
    page = journey.page
    header_link(page, "Se connecter").click()
    journey.check("Connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    if page.url.endswith("/connexion/code"):
        type_second_factor(journey, email)
    journey.check("Connecté")
    expect(page.get_by_role("status")).to_contain_text("Connexion réussie")
    return page


def log_in_as_demo(journey: Journey, role: str) -> Page:
    """Log in with one of the demo accounts (`admin`, `trainer`, `monitor`, `learner`,
    `certified`)."""
    return log_in(journey, DEMO_EMAILS[role], DEMO_PASSWORD)


def log_out(journey: Journey) -> Page:
    page = journey.page
    page.get_by_role("banner").get_by_role("button", name="Se déconnecter").click()
    journey.check("Déconnecté")
    expect(page.get_by_role("status")).to_contain_text("Déconnexion réussie")
    return page


def answer_wrongly(page: Page, wrong_choice_ids: set[str]) -> None:
    """Tick one wrong choice in every question of the quiz on the page, as a person would (on
    the label, where the DSFR draws the radio or the box)."""
    for question in page.get_by_role("main").locator("form fieldset").all():
        box = next(
            box
            for box in question.locator("input").all()
            if box.get_attribute("value") in wrong_choice_ids
        )
        page.locator(f"label[for='{box.get_attribute('id')}']").click()


def answer_rightly(page: Page, right_choice_ids: set[str]) -> None:
    """Tick every right choice of every question of the quiz on the page (on the labels)."""
    for question in page.get_by_role("main").locator("form fieldset").all():
        boxes = [
            box
            for box in question.locator("input").all()
            if box.get_attribute("value") in right_choice_ids
        ]
        assert boxes, "a question without a right choice"
        for box in boxes:
            page.locator(f"label[for='{box.get_attribute('id')}']").click()
