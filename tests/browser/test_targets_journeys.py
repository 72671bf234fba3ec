"""Target populations: the admin enters one, then imports a CSV file, refused and then accepted.

Only the « Autre territoire » cells are used: the demo gives the pilot territories theirs.
"""

from playwright.sync_api import expect

from .steps import log_in_as_demo

HEADER = "territoire;profession;population;source;année\n"


def test_admin_enters_and_imports_target_populations(journey, tmp_path):
    page = journey.start()
    log_in_as_demo(journey, "admin")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Populations cibles"
    ).click()
    journey.check("Populations cibles")

    page.get_by_role("link", name="Ajouter une population cible").click()
    journey.check("Nouvelle population cible")
    page.get_by_label("Territoire", exact=True).select_option(label="Autre territoire")
    page.get_by_label("Profession", exact=True).select_option(label="Magistrat")
    page.get_by_label("Population cible").fill("0")
    page.get_by_label("Source").fill("Annuaire de la magistrature, 2025")
    page.get_by_label("Année").fill("2025")
    page.get_by_role("button", name="Enregistrer").click()
    journey.check("Population cible refusée")
    expect(page.get_by_role("alert").filter(has_text="Le formulaire contient")).to_contain_text(
        "Indiquez un nombre entier de 1 à 10 000 000."
    )
    expect(page.get_by_label("Source")).to_have_value("Annuaire de la magistrature, 2025")
    page.get_by_label("Population cible").fill("350")
    page.get_by_role("button", name="Enregistrer").click()
    journey.check("Population cible ajoutée")
    expect(page.get_by_role("status")).to_contain_text("La population cible est enregistrée.")
    expect(
        page.get_by_role("row").filter(has_text="Autre territoire").filter(has_text="Magistrat")
    ).to_contain_text("350")

    page.get_by_role("link", name="Importer un fichier CSV").click()
    journey.check("Importer des populations cibles")
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le modèle").click()
    assert download.value.suggested_filename == "populations-cibles-modele.csv"

    refused = tmp_path / "populations-refusees.csv"
    refused.write_text(
        HEADER + "autre;enseignant;9 800;Rectorat, 2025;2025\natlantide;sante;100;ARS;2025\n",
        encoding="utf-8",
    )
    page.get_by_label("Fichier CSV").set_input_files(refused)
    page.get_by_role("button", name="Importer").click()
    journey.check("Import refusé")
    expect(page.get_by_role("alert")).to_contain_text("Le fichier n'est pas importé")
    expect(page.get_by_role("alert")).to_contain_text("Ligne 3 : territoire « atlantide » inconnu.")

    accepted = tmp_path / "populations.csv"
    accepted.write_text(
        HEADER
        + "autre;enseignant;9 800;Rectorat, 2025;2025\n"
        + "autre;sante;15 000;ARS, 2025;2025\n"
        + "autre;magistrat;360;Annuaire de la magistrature, 2026;2026\n",
        encoding="utf-8-sig",
    )
    page.get_by_label("Fichier CSV").set_input_files(accepted)
    page.get_by_role("button", name="Importer").click()
    journey.check("Import réussi")
    expect(page.get_by_role("status")).to_contain_text(
        "2 populations cibles créées, 1 mise à jour."
    )
    others = page.get_by_role("row").filter(has_text="Autre territoire")
    expect(others.filter(has_text="Enseignant")).to_contain_text("9 800")
    expect(others.filter(has_text="Professionnel de santé")).to_contain_text("15 000")
    expect(others.filter(has_text="Magistrat")).to_contain_text("360")

    page.get_by_role("link", name="Modifier : Autre territoire, Magistrat").click()
    journey.check("Population cible")
    expect(page.get_by_role("heading", level=1)).to_have_text("Autre territoire, Magistrat")
    page.get_by_role("button", name="Supprimer la population cible").click()
    journey.check("Population cible supprimée")
    expect(page.get_by_role("status")).to_contain_text(
        "La population cible « Autre territoire, Magistrat » est supprimée."
    )
    expect(others.filter(has_text="Magistrat")).to_have_count(0)
