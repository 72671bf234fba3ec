"""Journeys done with the keyboard alone: the focus is visible after every key, and lands where
a person expects after each action."""

import re

from playwright.sync_api import expect

from .keyboard import assert_focus_visible, is_focused, press, tab_to
from .steps import PASSWORD, new_email


def test_keyboard_only_sign_up_then_log_in_and_edit_profile(journey, mailbox):
    page = journey.start()
    main = page.get_by_role("main")

    # The first Tab reaches the skip links; « Contenu » moves the focus to the main content.
    press(page, "Tab")
    assert is_focused(page.get_by_role("link", name="Contenu"))
    press(page, "Enter")
    assert is_focused(main)
    press(page, "Tab")
    assert is_focused(main.get_by_role("link", name="Créer un compte"))
    page.keyboard.press("Enter")
    journey.check("Inscription")

    # A new page starts from the top: skip links first.
    press(page, "Tab")
    assert is_focused(page.get_by_role("link", name="Contenu"))
    email = page.get_by_label("Adresse électronique")
    tab_to(page, email)
    page.keyboard.type("camille.exemple.fr")
    tab_to(page, page.get_by_label("Nom et prénom"))
    page.keyboard.type("Camille Bernard")
    tab_to(page, page.get_by_role("button", name="Créer mon compte"))
    page.keyboard.press("Enter")
    journey.check("Inscription avec erreurs")

    # After a failed form: on the error summary, whose first link leads to the field.
    summary = page.get_by_role("alert").filter(has_text="Le formulaire contient")
    assert is_focused(summary)
    assert_focus_visible(page)
    press(page, "Tab")
    assert is_focused(summary.get_by_role("link").first)
    press(page, "Enter")
    assert is_focused(email)

    address = new_email("Camille")
    page.keyboard.press("Control+A")
    page.keyboard.type(address)
    tab_to(page, page.get_by_label("Profession"))
    page.keyboard.type("Ens")  # a closed list selects the option that starts with the letters
    expect(page.get_by_label("Profession")).to_have_value(
        page.get_by_role("option", name="Enseignant ou personnel de l'éducation").get_attribute(
            "value"
        )
    )
    tab_to(page, page.get_by_label("Territoire d'exercice"))
    page.keyboard.type("Bor")
    password = page.get_by_label(re.compile(r"^Mot de passe"))
    tab_to(page, password)
    # One field too far: back with Shift+Tab to the optional one.
    organisation = page.get_by_label("Structure ou service")
    tab_to(page, organisation, backwards=True)
    page.keyboard.type("Collège Victor Hugo")
    tab_to(page, password)
    page.keyboard.type(PASSWORD)
    tab_to(page, page.get_by_label("Confirmez le mot de passe"))
    page.keyboard.type(PASSWORD)
    consent = page.get_by_label("J'ai lu la politique de confidentialité")
    tab_to(page, consent)
    press(page, "Space")
    expect(consent).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Créer mon compte"))
    page.keyboard.press("Enter")
    journey.check("Message envoyé")
    expect(page.get_by_role("status")).to_contain_text(
        f"Un message vient d'être envoyé à {address}"
    )
    press(page, "Tab")
    assert is_focused(page.get_by_role("link", name="Contenu"))

    page.goto(mailbox.last_link(address))  # the link of the e-mail, opened from the mail client
    journey.check("Adresse confirmée")
    expect(page.get_by_role("status")).to_contain_text("vous pouvez vous connecter")

    tab_to(page, page.get_by_role("banner").get_by_role("link", name="Se connecter"))
    page.keyboard.press("Enter")
    journey.check("Connexion")
    tab_to(page, page.get_by_label("Adresse électronique"))
    page.keyboard.type(address)
    tab_to(page, page.get_by_label("Mot de passe"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")  # Enter in a field submits its form
    journey.check("Connecté")
    expect(page.get_by_role("status")).to_contain_text("Bonjour Camille Bernard")

    tab_to(
        page,
        page.get_by_role("navigation", name="Menu principal").get_by_role(
            "link", name="Mon compte"
        ),
    )
    page.keyboard.press("Enter")
    journey.check("Mon compte")
    tab_to(page, organisation)
    page.keyboard.press("Control+A")
    page.keyboard.type("Lycée Victor Hugo")
    tab_to(page, page.get_by_role("button", name="Enregistrer mon profil"))
    page.keyboard.press("Space")  # buttons answer to Space as well as Enter
    journey.check("Profil enregistré")
    expect(page.get_by_role("status")).to_contain_text("Votre profil est enregistré.")
    expect(organisation).to_have_value("Lycée Victor Hugo")
