"""Administration journeys: roles, reference data, audit log."""

from playwright.sync_api import expect

from .steps import log_in_as_demo, new_email, sign_up


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
