"""Account journeys: sign up, log out and in, edit one's profile; an admin changes a role."""

import re

from playwright.sync_api import expect

from .steps import (
    confirm_email,
    fill_sign_up_form,
    log_in,
    log_in_as_demo,
    log_out,
    new_email,
    sign_up,
)


def test_visitor_signs_up_logs_out_logs_in_and_edits_profile(journey, mailbox):
    page = journey.start(doc_capture="accueil")
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
    journey.check("Compte créé")
    expect(page.get_by_role("status")).to_contain_text(
        f"Un lien de confirmation a été envoyé à {email}"
    )
    expect(page.get_by_role("heading", name="Adresse électronique à confirmer")).to_be_visible()
    confirm_email(journey, mailbox, email)
    expect(page.get_by_role("heading", name="Adresse électronique à confirmer")).to_have_count(0)

    log_out(journey)
    expect(page.get_by_role("banner").get_by_role("link", name="Se connecter")).to_be_visible()

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


def test_admin_changes_a_users_role(new_journey, mailbox):
    # A teacher signs up in her own browser...
    learner = new_journey("apprenante")
    learner.start()
    email = new_email("Nadia")
    sign_up(learner, email=email, full_name="Nadia Benali")

    # ...and the administrator makes her a trainer.
    admin = new_journey("admin")
    page = admin.start()
    log_in_as_demo(admin, "admin")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Comptes"
    ).click()
    admin.check("Comptes", doc_capture="admin-comptes")
    page.get_by_label("Rechercher").fill("Nadia Benali")
    page.get_by_role("button", name="Filtrer").click()
    admin.check("Comptes filtrés")
    expect(page.get_by_role("status")).to_have_text("1 compte")
    page.get_by_role("link", name="Nadia Benali").click()
    admin.check("Compte")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nadia Benali")
    page.get_by_label("Rôle").select_option(label="Formateur")
    page.get_by_role("button", name="Changer le rôle").click()
    admin.check("Rôle changé")
    expect(page.get_by_role("status")).to_contain_text(
        "Le rôle de Nadia Benali est maintenant « Formateur »."
    )
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Journal d'audit"
    ).click()
    admin.check("Journal d'audit")
    expect(page.get_by_role("row").filter(has_text="Alice Administratrice").first).to_be_visible()

    # The teacher sees her new role on her next visit to « Mon compte ».
    learner.page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mon compte"
    ).click()
    learner.check("Mon compte")
    expect(learner.page.get_by_text("Rôle : Formateur")).to_be_visible()
