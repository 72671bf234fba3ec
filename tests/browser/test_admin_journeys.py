"""Administration journeys: roles, reference data, certificate revocation, audit log."""

import pyotp
from playwright.sync_api import expect

from .steps import confirm_email, log_in, log_in_as_demo, new_email, sign_up
from .test_learning_journeys import RIGHT, answer, enrol_in_example


def test_admin_changes_a_users_role(new_journey, mailbox):
    # A teacher signs up in her own browser...
    learner = new_journey("apprenante")
    learner.start()
    email = new_email("Nadia")
    sign_up(learner, email=email, full_name="Nadia Benali")
    confirm_email(learner, mailbox, email)
    log_in(learner, email)

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

    # Her next page behind the log-in asks her to turn on the second factor, mandatory for
    # trainers; then she sees her new role in « Mon compte ».
    page = learner.page
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mon compte"
    ).click()
    learner.check("Double authentification exigée")
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    expect(page.get_by_text("Obligatoire pour votre rôle")).to_be_visible()
    key = page.locator("code.secret-key").inner_text().replace(" ", "")
    page.get_by_label("Code à 6 chiffres affiché par l'application").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Activer la double authentification").click()
    learner.check("Codes de secours", screenshot=False)
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    learner.check("Accueil", screenshot=False)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mon compte"
    ).click()
    learner.check("Mon compte")
    expect(page.get_by_text("Rôle : Formateur")).to_be_visible()


def test_admin_adds_a_territory_and_a_profession(journey):
    page = journey.start()
    log_in_as_demo(journey, "admin")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Référentiels"
    ).click()
    journey.check("Référentiels")

    page.get_by_role("link", name="Ajouter un territoire").click()
    journey.check("Nouveau territoire")
    page.get_by_label("Nom").fill("Lyon")
    page.get_by_label("Code").fill("Lyon Métropole")
    page.get_by_role("button", name="Enregistrer").click()
    journey.check("Territoire refusé")
    expect(page.get_by_role("alert").filter(has_text="Le formulaire contient")).to_contain_text(
        "Le code ne contient que des minuscules"
    )
    page.get_by_label("Code").fill("lyon")
    page.locator("form").get_by_text("Territoire pilote du plan national").click()
    page.get_by_role("button", name="Enregistrer").click()
    journey.check("Territoire ajouté")
    expect(page.get_by_role("status")).to_contain_text("Le territoire est enregistré.")
    expect(page.get_by_role("row", name="Lyon lyon oui")).to_be_visible()

    # New reference data only: other journeys keep the seeded names they rely on.
    page.get_by_role("link", name="Ajouter une profession").click()
    journey.check("Nouvelle profession")
    page.get_by_label("Nom").fill("Agent des douanes")
    page.get_by_label("Code").fill("douane")
    page.get_by_role("button", name="Enregistrer").click()
    journey.check("Profession ajoutée")
    page.get_by_role("link", name="Agent des douanes").click()
    journey.check("Profession")
    page.get_by_label("Nom").fill("Agent des douanes et droits indirects")
    page.get_by_role("button", name="Enregistrer").click()
    journey.check("Profession renommée")
    expect(page.get_by_role("link", name="Agent des douanes et droits indirects")).to_be_visible()


def test_admin_revokes_a_certificate_after_confirming(new_journey, mailbox):
    # A learner earns the certificate of the example course in her own browser...
    learner = new_journey("apprenante")
    page = enrol_in_example(learner, mailbox, "Yasmine")
    for name in ("Deuxième étape", "Présentation du quiz"):
        page.get_by_role("button", name="J'ai terminé cette étape").click()
        learner.check(name)
    page.get_by_role("button", name="Commencer le quiz").click()
    learner.check("Quiz")
    answer(page, RIGHT)
    page.get_by_role("button", name="Valider mes réponses").click()
    learner.check("Quiz réussi")
    expect(page.get_by_role("status")).to_contain_text("vous avez terminé cette formation")

    # ...which the administrator revokes, once the confirmation page has said what follows.
    admin = new_journey("admin")
    admin_page = admin.start()
    log_in_as_demo(admin, "admin")
    admin_page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Attestations"
    ).click()
    admin.check("Attestations")
    admin_page.get_by_role("searchbox").fill("Yasmine Martin")
    admin_page.get_by_role("main").get_by_role("button", name="Rechercher").click()
    admin.check("Attestations trouvées")
    admin_page.get_by_role("row").filter(has_text="Yasmine Martin").first.get_by_role(
        "link"
    ).click()
    admin.check("Attestation")
    admin_page.get_by_role("link", name="Révoquer l'attestation…").click()
    admin.check("Confirmation de la révocation")
    expect(admin_page.get_by_role("heading", level=1)).to_contain_text("Révoquer l'attestation")
    expect(admin_page.get_by_role("main")).to_contain_text("Elle recevra un courriel")
    admin_page.get_by_role("button", name="Confirmer la révocation").click()
    admin.check("Révocation sans motif")
    expect(
        admin_page.get_by_role("alert").filter(has_text="Le formulaire contient")
    ).to_contain_text("Indiquez le motif de la révocation.")
    admin_page.get_by_label("Motif de la révocation").fill(
        "Attestation obtenue sous l'identité d'une autre personne."
    )
    admin_page.get_by_role("button", name="Confirmer la révocation").click()
    admin.check("Attestation révoquée")
    expect(admin_page.get_by_role("status")).to_contain_text("est révoquée")

    # She is told by e-mail, and may follow the course again for a new certificate.
    (notice,) = [
        message
        for message in mailbox.messages
        if message["Subject"] == "Votre attestation a été révoquée"
        and message["To"].startswith("yasmine.")
    ]
    assert "identité d'une autre personne" in notice.get_content()
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Mon parcours"
    ).click()
    learner.check("Mon parcours, attestation révoquée")
    expect(page.get_by_role("main")).to_contain_text("Révoquée depuis le")
    page.get_by_role("button", name="Suivre à nouveau la formation").click()
    learner.check("Formation reprise")
    expect(page.get_by_role("status")).to_contain_text("inscription à cette formation")

    # The audit log names the action and the certificate in words, filtered by action.
    admin_page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Journal d'audit"
    ).click()
    admin.check("Journal d'audit")
    admin_page.get_by_label("Action").select_option(label="Attestation révoquée")
    admin_page.get_by_role("button", name="Filtrer").click()
    admin.check("Journal filtré")
    expect(admin_page.get_by_role("row").filter(has_text="Yasmine Martin").first).to_contain_text(
        "Attestation révoquée"
    )
