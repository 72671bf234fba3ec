"""The dashboard's figures, read from the summary, against what the learners did."""

import re
from datetime import timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from tests.monitoring.conftest import this_month
from training.accounts.models import Profession, Role, Territory
from training.certificates import services as certificates
from training.certificates.models import Certificate
from training.events import enrolment_changed
from training.extensions import db
from training.monitoring import indicators
from training.monitoring.models import TargetPopulation


def table(html: str) -> dict[str, list[str]]:
    """The indicators table of the page: row label -> cell texts, in column order."""
    section = html[html.index('id="titre-tableau"') : html.index('id="titre-graphiques"')]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", section, re.S):
        cells = [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(
            r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]  # fmt: skip
        rows[cells[0]] = cells[1:]
    return rows


COLUMNS = [column.code for column in indicators.COLUMNS]


def cells(html: str, row: str) -> dict[str, str]:
    return dict(zip(COLUMNS, table(html)[row], strict=True))


@pytest.fixture
def monitor(login_as):
    return login_as(Role.MONITOR)


def test_national_table_counts_what_learners_did_and_protects_small_cells(monitor, population):
    html = monitor.get(f"/suivi?periode={this_month()}").get_data(as_text=True)
    marseille, paris = cells(html, "Marseille"), cells(html, "Paris")
    assert (marseille["enrolled"], marseille["started"]) == ("7", "6")
    assert (paris["enrolled"], paris["completed"], paris["completion_rate"]) == (
        "6", "6", "100,0\u202f%",
    )  # fmt: skip
    assert cells(html, "Total national")["enrolled"] == "20"
    # « Autre territoire » has 2 enrolments: hidden, and so that total minus the rest does
    # not give it back, the pilot subtotal and then the smallest pilot territory go too.
    assert cells(html, "Autre territoire")["enrolled"] == "< 5"
    assert cells(html, "Sous-total des territoires pilotes")["enrolled"] == "s"
    assert cells(html, "Bordeaux")["enrolled"] == "s"
    # Bordeaux finished 3: hidden, Marseille's 5 hidden with it, and their rates.
    assert cells(html, "Bordeaux")["completed"] == "< 5"
    assert cells(html, "Marseille")["completed"] == "s"
    assert cells(html, "Marseille")["completion_rate"] == "—"
    # The pilots' 14 certificates are shown; their rate would give away the hidden 18
    # enrolments (and « Autre territoire » as 20 - 18), so it is hidden.
    assert cells(html, "Sous-total des territoires pilotes")["certified"] == "14"
    assert cells(html, "Sous-total des territoires pilotes")["certification_rate"] == "—"
    assert "Secret statistique : un effectif de 1 à 4 est affiché « < 5 »" in unescape(html)


def test_every_visible_figure_is_consistent_with_the_totals(monitor, population):
    """What a reader can add up never reveals a hidden cell: each column's hidden cells are
    zero or at least two per sum."""
    html = monitor.get(f"/suivi?periode={this_month()}").get_data(as_text=True)
    rows = table(html)
    territories = ["Paris", "Marseille", "Bordeaux", "Autre territoire"]
    for index in range(1, 5):
        column = [rows[name][index] for name in territories]
        hidden = [text for text in column if text in {"< 5", "s"}]
        assert len(hidden) != 1, (COLUMNS[index], column)


def test_registered_professionals_count_confirmed_learner_accounts(monitor, population, make_user):
    make_user(territory="marseille", profession="enseignant", confirmed=False)
    make_user(territory="marseille", profession="enseignant", role=Role.TRAINER)
    html = monitor.get(f"/suivi?periode={this_month()}&par=profession").get_data(as_text=True)
    # 7 teachers in Marseille and 5 in Bordeaux; the unconfirmed one and the trainer do not count.
    teachers = cells(html, "Enseignant ou personnel de l'éducation")
    assert teachers["registered"] == "12"
    assert teachers["enrolled"] == "12"


def test_certified_counts_valid_certificates_on_the_last_day(app, monitor, population):
    url = f"/suivi?periode={this_month()}&territoire=paris"
    assert cells(monitor.get(url).get_data(as_text=True), "Paris")["certified"] == "6"
    with app.app_context():
        first, second = db.session.scalars(
            sa.select(Certificate)
            .join(Certificate.enrolment)
            .where(Certificate.enrolment_id.in_(population.enrolment_ids[7:9]))
        ).all()
        certificates.revoke_certificate(first, None, "Attestation délivrée par erreur.")
        # Completed 40 days ago with a one-day validity: expired since.
        second.completed_on -= timedelta(days=40)
        second.issued_at -= timedelta(days=40)
        second.expires_on = second.completed_on + timedelta(days=1)
        enrolment_changed(second.enrolment_id)
        db.session.commit()
    paris = cells(monitor.get(url).get_data(as_text=True), "Paris")
    # 4 left: a small count now, but it also moved by 2 since it was shown as 6.
    assert paris["certified"] == "< 5"
    assert paris["certification_rate"] == "—"


def test_coverage_needs_a_course_and_a_target(app, monitor, population):
    base = f"/suivi?periode={this_month()}&territoire=paris&profession=sante"
    assert cells(monitor.get(base).get_data(as_text=True), "Paris")["coverage"] == "—"
    with app.app_context():
        db.session.add(
            TargetPopulation(
                territory=db.session.scalar(sa.select(Territory).filter_by(code="paris")),
                profession=db.session.scalar(sa.select(Profession).filter_by(code="sante")),
                population=240,
                source="ARS Île-de-France",
                year=2025,
            )
        )
        db.session.commit()
    html = monitor.get(base + "&formation=exemple-cours").get_data(as_text=True)
    paris = cells(html, "Paris")
    assert (paris["target"], paris["certified"], paris["coverage"]) == ("240", "6", "2,5\u202f%")
    assert "ARS Île-de-France (2025)" in html


def test_the_funnel_follows_the_enrolments_of_the_period(monitor, population):
    html = monitor.get(
        f"/suivi?periode={this_month()}&formation=exemple-cours&territoire=marseille"
    ).get_data(as_text=True)
    funnel = html[html.index('id="titre-entonnoir"') :]
    stages = re.findall(r'<th scope="row">(.*?)</th>\s*<td>(.*?)</td>', funnel)
    assert [(unescape(label), count) for label, count in stages] == [
        ("Inscription", "7"),
        ("Formation commencée", "6"),
        ("Module terminé : Découvrir la définition", "5"),
        ("Module terminé : Vérifier ses acquis", "5"),
        ("Quiz final réussi", "5"),
        ("Formation terminée", "5"),
    ]


def test_periods_before_the_first_data_are_refused(monitor, population):
    year = int(this_month()[:4]) - 1
    response = monitor.get(f"/suivi?periode={year}")
    assert response.status_code == 400
    assert "La plateforme n&#39;avait encore aucune donnée" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("periode=2026-T9", "Cette période n&#39;existe pas"),
        ("periode=plage&du=2026-05&au=2026-01", "La fin de la plage précède son début"),
        ("territoire=atlantide", "Territoire inconnu : « atlantide »"),
        ("profession=astronaute", "Profession inconnue"),
        ("formation=inconnue", "Formation inconnue"),
        ("par=age", "Regroupement inconnu"),
    ],
)
def test_bad_filters_answer_400_in_french_and_keep_the_form(monitor, query, message):
    response = monitor.get(f"/suivi?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert 'id="periode"' in html  # the filters are still there to fix the request


@pytest.mark.parametrize("url", ["/suivi", "/suivi/definitions"])
@pytest.mark.parametrize(
    ("role", "status"),
    [(None, 302), (Role.LEARNER, 403), (Role.TRAINER, 403), (Role.MONITOR, 200),
     (Role.ADMIN, 200)],
)  # fmt: skip
def test_who_may_see_the_monitoring_pages(app, login_as, url, role, status):
    client = login_as(role) if role else app.test_client()
    response = client.get(url)
    assert response.status_code == status
    if status == 302:
        assert "/connexion" in response.headers["Location"]


def test_definitions_page_shows_the_documented_definitions(monitor):
    html = monitor.get("/suivi/definitions").get_data(as_text=True)
    assert "<h1>Définition des indicateurs du suivi du plan</h1>" in html
    assert '<div class="fr-table"><table tabindex="0">' in html
    assert "Secret statistique" in html


def test_monitor_pages_never_show_a_person(monitor, population):
    month = this_month()
    urls = [
        f"/suivi?periode={month}",
        f"/suivi?periode={month}&par=profession",
        f"/suivi?periode={month}&par=formation&territoire=pilotes",
        f"/suivi?periode={month}&territoire=marseille&profession=enseignant"
        "&formation=exemple-cours",
        "/suivi/definitions",
    ]
    for url in urls:
        html = unescape(monitor.get(url).get_data(as_text=True))
        for private in population.private_strings():
            assert private not in html, (url, private)
