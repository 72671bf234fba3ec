"""Account journeys: sign up, log out and in, edit the profile, forgotten and changed passwords,
a course page before the address is confirmed."""

import re

import pyotp
from playwright.sync_api import expect

from .steps import (
    PASSWORD,
    confirm_email,
    fill_sign_up_form,
    header_link,
    log_in,
    log_out,
    new_email,
    sign_up,
)
from .test_learning_journeys import COURSE


def test_visitor_signs_up_logs_out_logs_in_and_edits_profile(journey, mailbox, new_journey):
    page = journey.start(doc_capture="accueil", doc_capture_320px=True)
    email = new_email("Claire")

    # A first attempt with a mistyped address and no consent: the errors are listed on top.
    page.get_by_role("main").get_by_role("link", name="Créer un compte").click()
    journey.check("Inscription")
    page.get_by_label("Adresse électronique").fill("claire.exemple.fr")
    page.get_by_label("Nom et prénom").fill("Claire Martin")
    page.get_by_role("button", name="Créer mon compte").click()
    journey.check("Inscription avec erreurs", doc_capture="inscription-erreurs")
    expect(page).to_have_title(re.compile(r"^Erreur : Créer un compte"))
    summary = page.get_by_role("alert").filter(has_text="Le formulaire contient")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Adresse électronique")).to_be_visible()
    expect(
        summary.get_by_role("link", name="Profession : Ce champ est obligatoire.")
    ).to_be_visible()
    expect(page.get_by_label("Adresse électronique")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Nom et prénom")).to_have_value("Claire Martin")

    # She corrects the form and creates her account.
    fill_sign_up_form(page, email=email, full_name="Claire Martin", organisation="Collège Moulin")
    page.get_by_role("button", name="Créer mon compte").click()
    journey.check("Message envoyé")
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultez votre messagerie")
    expect(page.get_by_role("status")).to_contain_text(f"Un message vient d'être envoyé à {email}")
    # Not logged in before the address is confirmed: an address that already had an account
    # gets this very page, so that it tells nobody which addresses have one.
    expect(page.get_by_role("banner").get_by_role("link", name="Se connecter")).to_be_visible()
    confirm_email(journey, mailbox, email)
    expect(page.get_by_role("status")).to_contain_text("vous pouvez vous connecter")

    # A wrong password first: one message, whatever was wrong.
    page.get_by_role("banner").get_by_role("link", name="Se connecter").click()
    journey.check("Connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill("pas le bon mot de passe")
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    journey.check("Connexion refusée")
    expect(page.get_by_role("alert")).to_contain_text(
        "Adresse électronique ou mot de passe incorrect."
    )
    log_in(journey, email)

    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mon compte"
    ).click()
    journey.check("Mon compte", doc_capture="profil")
    expect(page.get_by_role("heading", name="Adresse électronique à confirmer")).to_have_count(0)
    expect(page.get_by_label("Nom et prénom")).to_have_value("Claire Martin")
    page.get_by_label("Territoire d'exercice").select_option(label="Bordeaux")
    page.get_by_label("Structure ou service").fill("Lycée Montaigne")
    page.get_by_role("button", name="Enregistrer mon profil").click()
    journey.check("Profil enregistré")
    expect(page.get_by_role("status")).to_contain_text("Votre profil est enregistré.")
    expect(page.get_by_label("Territoire d'exercice")).to_have_value(
        page.get_by_role("option", name="Bordeaux").get_attribute("value")
    )
    expect(page.get_by_label("Structure ou service")).to_have_value("Lycée Montaigne")

    # She is logged in on another computer too: she ends that session from « Mes sessions
    # actives », and the other browser, reloading its page, is signed out.
    elsewhere = new_journey("autre-navigateur")
    elsewhere.start()
    log_in(elsewhere, email)
    elsewhere.page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mon compte"
    ).click()
    elsewhere.check("Mon compte, sur l'autre navigateur")
    page.get_by_role("link", name="Mes sessions actives").click()
    journey.check("Mes sessions actives")
    sessions = page.get_by_role("table", name="Mes sessions actives")
    expect(sessions.locator("tbody tr")).to_have_count(2)
    expect(sessions.get_by_text("Cette session")).to_have_count(1)
    sessions.get_by_role("button", name=re.compile(r"^Terminer la session")).click()
    journey.check("Session terminée")
    expect(page.get_by_role("status")).to_contain_text(
        "La session « Chrome sur Linux » est terminée."
    )
    expect(sessions.locator("tbody tr")).to_have_count(1)
    expect(
        page.get_by_text("Votre compte n'est ouvert sur aucun autre navigateur.")
    ).to_be_visible()
    elsewhere.page.reload()
    elsewhere.check("Connexion, sur l'autre navigateur")
    expect(elsewhere.page.get_by_role("heading", level=1)).to_have_text("Se connecter")
    expect(
        elsewhere.page.get_by_role("banner").get_by_role("link", name="Se connecter")
    ).to_be_visible()

    log_out(journey)
    expect(page.get_by_role("banner").get_by_role("link", name="Se connecter")).to_be_visible()


def test_learner_turns_on_two_factor_then_logs_in_with_a_recovery_code(journey, mailbox):
    """The learner adds the key to an application (here: pyotp, reading the key typed by hand
    as a person without a camera would), keeps the recovery codes, then uses one to log in."""
    page = journey.start()
    email = new_email("Sabine")
    sign_up(journey, email=email, full_name="Sabine Lefort")
    confirm_email(journey, mailbox, email)
    log_in(journey, email)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mon compte"
    ).click()
    journey.check("Mon compte", screenshot=False)
    page.get_by_role("link", name="Double authentification").click()
    journey.check("Activer la double authentification")
    expect(page.get_by_role("img", name="QR code à scanner")).to_be_visible()
    key = page.locator("code.secret-key").inner_text().replace(" ", "")

    page.get_by_label("Code à 6 chiffres affiché par l'application").fill("000000")
    page.get_by_role("button", name="Activer la double authentification").click()
    journey.check("Activation refusée", screenshot=False)
    expect(page.get_by_role("alert")).to_contain_text("ne correspond pas à la clé affichée")
    page.get_by_label("Code à 6 chiffres affiché par l'application").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Activer la double authentification").click()
    journey.check("Codes de secours")
    codes = page.get_by_role("list", name="Codes de secours").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    journey.check("Accueil", screenshot=False)

    log_out(journey)
    header_link(page, "Se connecter").click()
    journey.check("Connexion", screenshot=False)
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Se connecter").click()
    journey.check("Code de vérification")
    page.get_by_label("Code de vérification").fill(codes[0])
    page.get_by_role("button", name="Valider le code").click()
    journey.check("Connecté avec un code de secours", screenshot=False)
    expect(page.get_by_role("status")).to_contain_text("Connexion réussie")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mon compte"
    ).click()
    journey.check("Mon compte", screenshot=False)
    page.get_by_role("link", name="Double authentification").click()
    journey.check("Double authentification activée", screenshot=False)
    expect(page.get_by_text("Il vous reste 9 codes de secours")).to_be_visible()


def test_learner_resets_a_forgotten_password_then_changes_it(journey, mailbox):
    page = journey.start()
    email = new_email("Lucas")
    sign_up(journey, email=email, full_name="Lucas Petit")

    page.get_by_role("banner").get_by_role("link", name="Se connecter").click()
    journey.check("Connexion")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    journey.check("Mot de passe oublié")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_role("button", name="Recevoir le lien").click()
    journey.check("Lien envoyé")
    expect(page.get_by_role("status")).to_contain_text("un lien valable une heure")
    assert mailbox.to(email)[-1]["Subject"] == "Réinitialisation de votre mot de passe"
    reset_link = mailbox.last_link(email)

    page.goto(reset_link)
    journey.check("Nouveau mot de passe")
    page.get_by_label(re.compile(r"^Nouveau mot de passe")).fill("trop court")
    page.get_by_label("Confirmez le nouveau mot de passe").fill("autre chose")
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    journey.check("Nouveau mot de passe refusé")
    expect(page.get_by_role("alert").filter(has_text="Le formulaire contient")).to_be_focused()
    new_password = "le soleil se lève sur la garonne"
    page.get_by_label(re.compile(r"^Nouveau mot de passe")).fill(new_password)
    page.get_by_label("Confirmez le nouveau mot de passe").fill(new_password)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    journey.check("Mot de passe modifié")
    expect(page.get_by_role("status")).to_contain_text("Votre mot de passe est modifié.")

    # The link served once: opening it again explains why it no longer works.
    page.goto(reset_link)
    journey.check("Lien déjà utilisé")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lien non valide")

    log_in(journey, email, new_password)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mon compte"
    ).click()
    journey.check("Mon compte")
    page.get_by_role("link", name="Changer de mot de passe").click()
    journey.check("Changer de mot de passe")
    page.get_by_label("Mot de passe actuel").fill(new_password)
    final_password = "la pluie tombe sur le vieux port"
    page.get_by_label(re.compile(r"^Nouveau mot de passe")).fill(final_password)
    page.get_by_label("Confirmez le nouveau mot de passe").fill(final_password)
    page.get_by_role("button", name="Changer le mot de passe").click()
    journey.check("Mot de passe changé")
    expect(page.get_by_role("status")).to_contain_text("Votre mot de passe est modifié.")


def test_learner_not_confirmed_yet_is_asked_to_confirm_on_a_course_page(journey, mailbox):
    """Logged in before opening the confirmation e-mail: a course page asks for the address
    to be confirmed instead of offering « S'inscrire », and sends the link again."""
    page = journey.start()
    email = new_email("Inès")
    sign_up(journey, email=email, full_name="Inès Moreau")
    log_in(journey, email)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Formations"
    ).click()
    journey.check("Catalogue")
    page.get_by_role("link", name=COURSE).click()
    journey.check("Fiche de la formation, adresse à confirmer")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Confirmez votre adresse électronique pour vous inscrire.")
    expect(main.get_by_role("button", name="S'inscrire")).to_have_count(0)

    main.get_by_role("button", name="Renvoyer le lien").click()
    journey.check("Lien de confirmation renvoyé")
    expect(page.get_by_role("status")).to_contain_text(f"Un nouveau lien a été envoyé à {email}")
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    assert [m["Subject"] for m in mailbox.to(email)] == ["Confirmez votre adresse électronique"] * 2
