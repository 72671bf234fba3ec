"""Miprof's monitor follows the plan: pilot territories compared, one territory's teachers,
the definitions, a refused filter — never a person's name."""

import re

from playwright.sync_api import expect

from .steps import log_in_as_demo


def test_monitor_compares_pilot_territories_then_follows_marseilles_teachers(journey):
    page = journey.start()
    log_in_as_demo(journey, "monitor")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Suivi du plan"
    ).click()
    journey.check("Suivi du plan", doc_capture="suivi-national")
    expect(page.get_by_role("heading", level=1)).to_have_text("Suivi du plan de formation")
    default_period = page.get_by_label("Période", exact=True).input_value()
    assert re.fullmatch(r"\d{4}-T[1-4]", default_period)

    # The three pilot territories on one chart, each with its bar and its figure.
    page.get_by_label("Territoire", exact=True).select_option(label="Territoires pilotes")
    page.get_by_role("button", name="Afficher").click()
    journey.check("Territoires pilotes")
    chart = page.get_by_role("img", name=re.compile("Taux d'achèvement par territoire"))
    for name in ("Paris", "Marseille", "Bordeaux"):
        expect(chart.get_by_text(name, exact=True)).to_be_visible()
    rows = page.get_by_role("table", name=re.compile("^Indicateurs")).get_by_role("row")
    expect(rows.filter(has_text="Sous-total")).to_have_count(0)
    expect(rows.filter(has_text="Total des territoires pilotes")).to_have_count(1)
    expect(rows.filter(has_text="Autre territoire")).to_have_count(0)

    # Marseille's teachers, in the common core, last quarter: completion and coverage.
    page.get_by_label("Territoire", exact=True).select_option(label="Marseille")
    teachers = "Enseignant ou personnel de l'éducation"
    page.get_by_label("Profession", exact=True).select_option(label=teachers)
    page.get_by_label("Formation", exact=True).select_option(value="socle-commun")
    page.get_by_role("button", name="Afficher").click()
    journey.check("Enseignants de Marseille", doc_capture="suivi-marseille-enseignants")
    assert f"periode={default_period}" in page.url
    assert "territoire=marseille" in page.url
    total = page.get_by_role("row", name=re.compile("^Total Marseille"))
    expect(total.get_by_role("cell").nth(4)).to_have_text(re.compile(r"^\d+,\d\u202f%$"))
    expect(total.get_by_role("cell").nth(11)).to_have_text(re.compile(r"^\d+,\d\u202f%$"))
    expect(page.get_by_text("Chiffres de démonstration — à remplacer (2026)")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("^Module terminé"))).not_to_have_count(0)
    expect(page.get_by_text("Apprenant de démonstration")).to_have_count(0)

    page.get_by_role("link", name="définition des indicateurs").click()
    journey.check("Définition des indicateurs")
    expect(page.get_by_role("heading", name="Secret statistique")).to_be_visible()
    page.get_by_role("link", name="Retour au suivi du plan").click()
    journey.check("Retour au suivi")

    # A range that ends before it starts: refused in French, the filters kept to fix it.
    page.get_by_label("Période", exact=True).select_option(value="plage")
    page.get_by_label("Début de la plage").fill("2026-06")
    page.get_by_label("Fin de la plage").fill("2026-01")
    page.get_by_role("button", name="Afficher").click()
    journey.check("Plage refusée")
    expect(page.get_by_role("alert")).to_contain_text("La fin de la plage précède son début.")
    expect(page.get_by_label("Début de la plage")).to_have_value("2026-06")
