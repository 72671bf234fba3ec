"""The catalogue: every profession finds the common core, then its own track, first."""

import re

import pytest

from tests.learning.conftest import ROOT, complete_course, enrol, import_courses

TRACKS = {
    "magistrat": "magistrats",
    "enseignant": "enseignants",
    "sante": "sante",
    "inspection-travail": "inspection-travail",
    "travail-social": "travail-social",
    "securite": "forces-securite",
}


@pytest.fixture
def catalogue(app):
    import_courses(app, ROOT / "courses")


def card_slugs(html: str) -> list[str]:
    return re.findall(r'class="fr-card__title"><a href="/formations/([^/]+)/"', html)


@pytest.mark.parametrize(("profession", "track"), TRACKS.items())
def test_each_profession_sees_the_common_core_then_its_track_first(
    app, login_as, catalogue, profession, track
):
    client = login_as(profession=profession)
    html = client.get("/formations").get_data(as_text=True)
    recommended = html[html.index("Pour votre profession") : html.index("Autres formations")]
    assert card_slugs(recommended) == ["socle-commun", track]
    assert len(card_slugs(html)) == 7
    complete_course(app, client.user, "socle-commun")  # the tracks' prerequisite
    assert enrol(client, track).status_code == 302
    assert "En cours : 0 %" in client.get("/formations").get_data(as_text=True)


def test_other_professions_see_the_common_core_first(login_as, catalogue):
    html = login_as(profession="autre").get("/formations").get_data(as_text=True)
    recommended = html[html.index("Pour votre profession") : html.index("Autres formations")]
    assert card_slugs(recommended) == ["socle-commun"]


def test_a_visitor_sees_every_course_and_is_invited_to_log_in(client, catalogue):
    html = client.get("/formations").get_data(as_text=True)
    assert len(card_slugs(html)) == 7
    assert "Connectez-vous" in html
    page = client.get("/formations/socle-commun/").get_data(as_text=True)
    assert "Se connecter" in page
    assert "Où trouver de l" in page


def test_course_cards_show_duration_modules_and_audiences(login_as, catalogue):
    html = login_as(profession="enseignant").get("/formations").get_data(as_text=True)
    assert "106 min · 4 modules" in html
    assert "Pour : Enseignant ou personnel de l&#39;éducation" in html


def test_unknown_course_is_a_404(client, catalogue):
    assert client.get("/formations/inconnu/").status_code == 404
