"""Miprof's monitor creates an API token from « Mon compte », reads with it, outside the
browser, the figure the dashboard shows, then revokes it."""

import json
import re
import urllib.error
import urllib.request

from playwright.sync_api import expect

from training.certificates.services import paris_today
from training.monitoring.indicators import COLUMN_CODES
from training.monitoring.periods import last_full_quarter

from .steps import log_in_as_demo

TOKEN_NAME = "Tableau de bord de la Miprof"
CUT = "territoire=marseille&profession=enseignant&formation=socle-commun"


def call_api(base_url: str, path: str, token: str) -> tuple[int, dict]:
    """GET with the token, as a monitor's script would: the status and the JSON body."""
    request = urllib.request.Request(  # noqa: S310 (the test server's http URL)
        base_url + path, headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.load(error)


def open_menu_link(page, name: str) -> None:
    page.get_by_role("navigation", name="Menu principal").get_by_role("link", name=name).click()


def test_monitor_reads_the_dashboards_figure_with_a_token_then_revokes_it(journey):
    page = journey.start()
    log_in_as_demo(journey, "monitor")
    open_menu_link(page, "Mon compte")
    journey.check("Mon compte")
    page.get_by_role("link", name="Jetons d'accès à l'API").click()
    journey.check("Jetons d'accès à l'API")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jetons d'accès à l'API")
    expect(page.get_by_text("Vous n'avez aucun jeton actif.")).to_be_visible()

    # A token needs a name.
    page.get_by_role("button", name="Créer le jeton").click()
    journey.check("Jeton refusé")
    expect(page.get_by_role("alert").filter(has_text="Le formulaire contient")).to_contain_text(
        "Nom du jeton : Ce champ est obligatoire."
    )
    page.get_by_label("Nom du jeton").fill(TOKEN_NAME)
    page.get_by_role("button", name="Créer le jeton").click()
    journey.check("Jeton créé")
    expect(page.get_by_role("status")).to_contain_text("il ne sera plus jamais affiché")
    token = page.get_by_label("Votre nouveau jeton").input_value()
    assert re.fullmatch(r"teh_[A-Za-z0-9_-]{43}", token)

    # The guide, then the list again: the token is not shown any more.
    page.get_by_role("link", name="Documentation de l'API").click()
    journey.check("Documentation de l'API")
    expect(page.get_by_role("heading", level=1)).to_have_text("API des indicateurs")
    page.get_by_role("link", name="Retour aux jetons d'accès à l'API").click()
    journey.check("Jetons, après la création")
    expect(page.get_by_role("row").filter(has_text=TOKEN_NAME)).to_contain_text(token[:10])
    assert token not in page.content()

    # The dashboard for Marseille's teachers in the common core, last full quarter.
    open_menu_link(page, "Suivi du plan")
    journey.check("Suivi du plan")
    period = page.get_by_label("Période", exact=True).input_value()
    assert period == last_full_quarter(paris_today()).value
    page.get_by_label("Territoire", exact=True).select_option(label="Marseille")
    page.get_by_label("Profession", exact=True).select_option(
        label="Enseignant ou personnel de l'éducation"
    )
    page.get_by_label("Formation", exact=True).select_option(value="socle-commun")
    page.get_by_role("button", name="Afficher").click()
    journey.check("Enseignants de Marseille")
    total = page.get_by_role("row", name=re.compile("^Total Marseille"))
    shown = total.get_by_role("cell").nth(COLUMN_CODES.index("enrolled")).inner_text()

    # The same cut through the API, outside the browser.
    status, data = call_api(journey.base_url, f"/api/v1/indicators?periode={period}&{CUT}", token)
    assert status == 200
    api_total = next(row for row in data["rows"] if row["kind"] == "total")
    enrolled = api_total["cells"]["enrolled"]
    assert enrolled["text"] == shown
    assert enrolled["value"] == int(shown.replace("\u202f", "")) > 0

    # Revoked: the API refuses it at once.
    open_menu_link(page, "Mon compte")
    journey.check("Mon compte, de retour")
    page.get_by_role("link", name="Jetons d'accès à l'API").click()
    journey.check("Jetons, avant la révocation")
    page.get_by_role("button", name=f"Révoquer le jeton « {TOKEN_NAME} »").click()
    journey.check("Jeton révoqué")
    expect(page.get_by_role("status")).to_contain_text(f"Le jeton « {TOKEN_NAME} » est révoqué")
    expect(page.get_by_text("Vous n'avez aucun jeton actif.")).to_be_visible()
    status, data = call_api(journey.base_url, f"/api/v1/indicators?periode={period}&{CUT}", token)
    assert status == 401
    assert data["error"]["code"] == "unauthorized"
