"""The legal notice, privacy notice, accessibility statement and help page say who answers for
the platform from the operator's settings, and promise nothing the platform does not do."""

import pytest

from training.sessions.quiz_statistics import MIN_ATTEMPTS

PAGES = ("/mentions-legales", "/donnees-personnelles", "/accessibilite", "/aide")
SETTINGS = {
    "DATA_CONTROLLER": "Ministère de l'exemple, direction des essais",
    "DPO_CONTACT": "dpd@exemple.gouv.fr",
    "SUPPORT_EMAIL": "plateforme@exemple.gouv.fr",
    "HOSTING_PROVIDER": "Hébergeur d'exemple, 1 rue de l'Essai, 75000 Paris, 01 23 45 67 89",
}


@pytest.fixture
def configured(app, monkeypatch):
    for name, value in SETTINGS.items():
        monkeypatch.setitem(app.config, name, value)


@pytest.mark.parametrize("url", PAGES)
def test_no_page_is_left_to_complete(client, url):
    html = client.get(url).get_data(as_text=True)
    assert "compléter" not in html.lower()
    assert "écrivez à l'équipe de la plateforme." not in html


def test_unset_settings_are_named_on_the_pages(client, monkeypatch, app):
    monkeypatch.setitem(app.config, "SUPPORT_EMAIL", None)
    monkeypatch.setitem(app.config, "HOSTING_PROVIDER", None)
    assert "réglage <code>HOSTING_PROVIDER</code>" in client.get("/mentions-legales").text
    for url in PAGES:
        assert "réglage <code>SUPPORT_EMAIL</code>" in client.get(url).text, url


@pytest.mark.usefixtures("configured")
def test_the_operator_settings_are_shown(client):
    legal = client.get("/mentions-legales").text
    assert "Hébergeur d&#39;exemple, 1 rue de l&#39;Essai" in legal
    privacy = client.get("/donnees-personnelles").text
    assert "Ministère de l&#39;exemple, direction des essais" in privacy
    assert 'href="mailto:dpd@exemple.gouv.fr"' in privacy
    for url in PAGES:
        assert 'href="mailto:plateforme@exemple.gouv.fr"' in client.get(url).text, url


def test_the_privacy_notice_describes_what_the_platform_does(client, app, monkeypatch):
    """Each feature that shows someone's data to another person has its sentence."""
    monkeypatch.setitem(app.config, "MONITORING_SMALL_COUNT_THRESHOLD", 7)
    text = client.get("/donnees-personnelles").text
    assert "La personne qui anime une session que vous avez rejointe voit" in text
    assert "invite par fichier" in text
    assert f"seulement à partir de {MIN_ATTEMPTS} tentatives" in text
    assert "effectifs inférieurs à 7 sont masqués" in text
