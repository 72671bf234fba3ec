"""Target populations: entered by an admin or imported from a CSV file, all or nothing, audited."""

import dataclasses
import io

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import csrf_token
from training.accounts.models import Profession, Role, Territory, User
from training.audit.models import AuditEvent
from training.extensions import db
from training.monitoring import target_csv, targets
from training.monitoring.models import TargetPopulation
from training.monitoring.target_csv import (
    MAX_CSV_BYTES,
    MAX_CSV_ROWS,
    TargetImportError,
    decode_csv,
    example_csv,
    parse_targets_csv,
)

TERRITORIES = {"paris", "marseille", "bordeaux", "autre"}
PROFESSIONS = {"magistrat", "enseignant", "sante", "inspection-travail", "travail-social"}
HEADER = "territoire;profession;population;source;annee"
GOOD = "paris;enseignant;12500;DEPP, bilan social 2025;2025"


def csv_text(*lines: str, header: str = HEADER) -> str:
    return "\n".join((header, *lines)) + "\n"


def problems_of(text: str) -> list[str]:
    with pytest.raises(TargetImportError) as refused:
        parse_targets_csv(text, TERRITORIES, PROFESSIONS)
    return [str(problem) for problem in refused.value.problems]


def cells(rows) -> list[tuple]:
    return [(r.territory, r.profession, r.population, r.source, r.year) for r in rows]


# Reading a file, without the database.


@pytest.mark.parametrize(
    "text",
    [
        csv_text(GOOD),
        "\ufeff" + csv_text(GOOD),
        csv_text(GOOD, header="Territoire;PROFESSION;Population;Source;Année"),
        csv_text(
            'paris,enseignant,12500,"DEPP, bilan social 2025",2025', header=HEADER.replace(";", ",")
        ),
        csv_text(GOOD + ";;", header=HEADER + ";;").replace("\n", "\r\n"),
        "\n\n" + csv_text(GOOD),
    ],
    ids=["semicolons", "bom", "header-case-and-accent", "commas", "crlf-trailing-cells", "blank"],
)
def test_a_file_is_read_whatever_its_separator_bom_or_header_spelling(text):
    assert cells(parse_targets_csv(text, TERRITORIES, PROFESSIONS)) == [
        ("paris", "enseignant", 12500, "DEPP, bilan social 2025", 2025)
    ]


@pytest.mark.parametrize("population", ["12 500", "12\u00a0500", "12\u202f500", '"12 500"'])
def test_population_accepts_spaces_between_thousands(population):
    text = csv_text(f"Paris;Enseignant;{population};DEPP;2025")
    (row,) = parse_targets_csv(text, TERRITORIES, PROFESSIONS)
    assert (row.territory, row.profession, row.population) == ("paris", "enseignant", 12500)


def test_columns_are_found_by_name_in_any_order():
    text = csv_text(
        "2024;DEPP;300;sante;bordeaux", header="annee;source;population;profession;territoire"
    )
    assert cells(parse_targets_csv(text, TERRITORIES, PROFESSIONS)) == [
        ("bordeaux", "sante", 300, "DEPP", 2024)
    ]


BAD_LINES = {
    "unknown-territory": ("lyon;enseignant;100;DEPP;2025", "territoire « lyon » inconnu."),
    "unknown-profession": ("paris;pompier;100;DEPP;2025", "profession « pompier » inconnue."),
    "no-territory": (";enseignant;100;DEPP;2025", "territoire manquant."),
    "zero": ("paris;sante;0;DEPP;2025", "population « 0 » invalide"),
    "negative": ("paris;sante;-5;DEPP;2025", "population « -5 » invalide"),
    "decimal": ("paris;sante;12,5;DEPP;2025", "population « 12,5 » invalide"),
    "word": ("paris;sante;beaucoup;DEPP;2025", "population « beaucoup » invalide"),
    "huge": ("paris;sante;" + "9" * 5000 + ";DEPP;2025", "population « 999"),
    "no-population": ("paris;sante;;DEPP;2025", "population manquante."),
    "short-year": ("paris;sante;100;DEPP;25", "année « 25 » invalide"),
    "old-year": ("paris;sante;100;DEPP;1989", "année « 1989 » invalide"),
    "far-year": ("paris;sante;100;DEPP;2101", "année « 2101 » invalide"),
    "no-source": ("paris;sante;100;  ;2025", "source manquante"),
    "long-source": ("paris;sante;100;" + "s" * 201 + ";2025", "source trop longue (201 caractères"),
    "example-line": (
        "paris;sante;100;Exemple — à remplacer;2025",
        "source « Exemple — à remplacer » : remplacez cette ligne",
    ),
    "too-many-columns": ("paris;sante;100;DEPP;2025;en trop", "6 colonnes au lieu de 5."),
}


@pytest.mark.parametrize(("line", "message"), BAD_LINES.values(), ids=BAD_LINES)
def test_a_bad_line_is_reported_with_its_number(line, message):
    text = csv_text(GOOD, "", "bordeaux;magistrat;300;ENM;2025", line)
    (problem,) = problems_of(text)
    assert problem.startswith(f"Ligne 5 : {message}")


def test_a_duplicate_cell_names_the_first_line():
    text = csv_text(GOOD, "marseille;sante;100;ARS;2025", "PARIS;enseignant;13000;DEPP;2026")
    assert problems_of(text) == [
        "Ligne 4 : territoire « paris » et profession « enseignant » déjà présents ligne 2."
    ]


def test_every_problem_of_the_file_is_reported_at_once_in_line_order():
    text = csv_text(
        "lyon;enseignant;0;DEPP;2025",
        GOOD,
        '"paris";"sante";"100";"une source\nsur deux lignes";"2025"',
        "paris;pompier;100;;2025",
        GOOD,
    )
    assert problems_of(text) == [
        "Ligne 2 : territoire « lyon » inconnu.",
        "Ligne 2 : population « 0 » invalide : un nombre entier de 1 à 10\u202f000\u202f000 "
        "est attendu, par exemple 12 500.",
        "Ligne 6 : profession « pompier » inconnue.",
        "Ligne 6 : source manquante : indiquez d'où vient le chiffre.",
        "Ligne 7 : territoire « paris » et profession « enseignant » déjà présents ligne 3.",
    ]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            "territoire;profession;population;source",
            "Ligne 1 : colonne manquante : « année ». La première ligne doit nommer les colonnes",
        ),
        (
            "territoire;profession;nombre;source;année",
            "Ligne 1 : colonne « nombre » inconnue.",
        ),
        (
            "territoire;profession;population;source;année;Année",
            "Ligne 1 : colonne « année » en double.",
        ),
    ],
)
def test_a_bad_header_is_reported_before_any_line(header, message):
    problems = problems_of(csv_text("lyon;pompier;0;;1", header=header))
    assert problems[0].startswith(message)
    assert not any(problem.startswith("Ligne 2") for problem in problems)


def test_a_file_of_data_without_header_is_refused():
    (*_unknown, missing) = problems_of(GOOD + "\n")
    assert missing.startswith("Ligne 1 : colonnes manquantes : « territoire », « profession »")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Le fichier est vide."),
        ("\ufeff \n\n", "Le fichier est vide."),
        (csv_text(), "Le fichier ne contient que la ligne des noms de colonnes"),
        (
            csv_text(*[GOOD] * (MAX_CSV_ROWS + 1)),
            "Le fichier compte 5\u202f001 lignes de données, pour un maximum de 5\u202f000",
        ),
        (csv_text("x" * MAX_CSV_BYTES), "Le fichier dépasse 1 Mo"),
        (csv_text('paris;sante;100;"' + "x" * 200_000), "Ligne 2 : cellule illisible"),
    ],
    ids=["empty", "blank", "header-only", "too-many-lines", "too-big", "unclosed-quote"],
)
def test_a_file_that_cannot_be_read_is_refused(text, message):
    (problem,) = problems_of(text)
    assert problem.startswith(message)


def test_the_line_limit_counts_data_lines(monkeypatch):
    monkeypatch.setattr(target_csv, "RULES", dataclasses.replace(target_csv.RULES, max_rows=2))
    two = csv_text(GOOD, "marseille;sante;100;ARS;2025")
    assert len(parse_targets_csv(two, TERRITORIES, PROFESSIONS)) == 2
    assert problems_of(two + "bordeaux;sante;100;ARS;2025\n")[0].startswith(
        "Le fichier compte 3 lignes de données, pour un maximum de 2"
    )


def test_an_upload_must_be_utf8_and_at_most_1_mb():
    assert decode_csv(csv_text(GOOD).encode()) == csv_text(GOOD)
    with pytest.raises(TargetImportError, match="Ligne 2 : caractère illisible.*UTF-8"):
        decode_csv(csv_text("paris;sante;100;Santé publique France;2025").encode("cp1252"))
    with pytest.raises(TargetImportError, match="dépasse 1 Mo"):
        decode_csv(b"x" * (MAX_CSV_BYTES + 1))


def test_the_model_file_has_the_header_and_example_lines_that_an_import_refuses():
    model = example_csv()
    assert model.startswith("\ufeffterritoire;profession;population;source;année\r\n")
    assert model.count("\r\n") == 3
    assert problems_of(model) == [
        "Ligne 2 : source « exemple — à remplacer » : remplacez cette ligne d'exemple par un "
        "chiffre réel et sa source.",
        "Ligne 3 : source « exemple — à remplacer » : remplacez cette ligne d'exemple par un "
        "chiffre réel et sa source.",
    ]
    assert "paris;enseignant" in model
    assert "marseille;sante" in model


@pytest.mark.parametrize(
    ("result", "message"),
    [
        (targets.ImportResult(3, 2), "3 populations cibles créées, 2 mises à jour."),
        (targets.ImportResult(1, 1), "1 population cible créée, 1 mise à jour."),
        (targets.ImportResult(0, 0, 4), "0 population cible créée, 0 mise à jour, 4 inchangées."),
        (targets.ImportResult(1200, 0), "1\u202f200 populations cibles créées, 0 mise à jour."),
    ],
)
def test_the_result_of_an_import_is_told_in_french(result, message):
    assert result.describe() == message


# Services, with the database.


def reference(model, code: str):
    return db.session.scalar(sa.select(model).filter_by(code=code))


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(sa.select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id))
    )


def stored_targets() -> dict[tuple[str, str], tuple[int, str, int]]:
    return {
        (t.territory.code, t.profession.code): (t.population, t.source, t.year)
        for t in db.session.scalars(sa.select(TargetPopulation))
    }


@pytest.fixture
def admin(app, make_user) -> User:
    return make_user(role=Role.ADMIN)


def save(target, territory: str, profession: str, population: int = 100, actor=None):
    return targets.save_target(
        target,
        territory=reference(Territory, territory),
        profession=reference(Profession, profession),
        population=population,
        source="  DEPP, bilan social 2025 ",
        year=2025,
        actor=actor,
    )


def test_save_target_creates_then_updates_and_audits(app, admin):
    with app.app_context():
        target = save(None, "paris", "magistrat", 400, actor=admin)
        save(target, "paris", "magistrat", 450, actor=admin)
        assert stored_targets() == {("paris", "magistrat"): (450, "DEPP, bilan social 2025", 2025)}
        first, second = events("target.saved")
        assert (second.actor_id, second.target_type, second.target_id) == (
            admin.id,
            "target_population",
            str(target.id),
        )
        assert (first.details["population"], second.details["population"]) == (400, 450)
        assert second.details["territory"] == "paris"


def test_a_second_target_for_the_same_cell_is_refused(app):
    with app.app_context():
        save(None, "paris", "magistrat")
        other = save(None, "paris", "sante")
        with pytest.raises(targets.TargetError, match="existe déjà pour « Magistrat »"):
            save(None, "paris", "magistrat")
        with pytest.raises(targets.TargetError, match="existe déjà"):
            save(other, "paris", "magistrat")
        assert set(stored_targets()) == {("paris", "magistrat"), ("paris", "sante")}


def test_delete_target_is_audited(app, admin):
    with app.app_context():
        target = save(None, "bordeaux", "sante", 3000)
        target_id = target.id
        targets.delete_target(target, admin)
        assert stored_targets() == {}
        (event,) = events("target.deleted")
        assert (event.actor_id, event.target_id) == (admin.id, str(target_id))
        assert event.details == {"territory": "bordeaux", "profession": "sante", "population": 3000}


def test_targets_are_listed_pilot_territories_first_then_by_position(app):
    with app.app_context():
        for territory, profession in [
            ("autre", "magistrat"),
            ("bordeaux", "sante"),
            ("paris", "sante"),
            ("paris", "magistrat"),
        ]:
            save(None, territory, profession)
        listed = [(t.territory.code, t.profession.code) for t in targets.list_targets()]
        assert listed == [
            ("paris", "magistrat"),
            ("paris", "sante"),
            ("bordeaux", "sante"),
            ("autre", "magistrat"),
        ]
        paris, sante = reference(Territory, "paris"), reference(Profession, "sante")
        assert targets.targets_by_cell()[paris.id, sante.id].population == 100


def test_import_creates_updates_and_audits(app, admin):
    with app.app_context():
        save(None, "paris", "magistrat", 400)
        save(None, "paris", "sante", 100)
        text = csv_text(
            "paris;magistrat;450;ENM 2025;2025",
            "paris;sante;100;DEPP, bilan social 2025;2025",
            "marseille;enseignant;12 500;Rectorat;2025",
            "bordeaux;travail-social;900;DREETS;2024",
        )
        result = targets.import_targets_csv(text, admin)
        assert result == targets.ImportResult(created=2, updated=1, unchanged=1)
        assert stored_targets() == {
            ("paris", "magistrat"): (450, "ENM 2025", 2025),
            ("paris", "sante"): (100, "DEPP, bilan social 2025", 2025),
            ("marseille", "enseignant"): (12500, "Rectorat", 2025),
            ("bordeaux", "travail-social"): (900, "DREETS", 2024),
        }
        (event,) = events("targets.imported")
        assert (event.actor_id, event.target_type, event.target_id) == (
            admin.id,
            "target_population",
            "csv",
        )
        assert event.details == {"created": 2, "updated": 1, "unchanged": 1}


def test_an_import_with_one_bad_line_writes_nothing(app, admin):
    with app.app_context():
        save(None, "paris", "magistrat", 400)
        before = stored_targets()
        text = csv_text(
            "paris;magistrat;450;ENM 2025;2025",
            "marseille;enseignant;12500;Rectorat;2025",
            "bordeaux;sante;3000;ARS;2025",
            "lyon;sante;3000;ARS;2025",
        )
        with pytest.raises(TargetImportError) as refused:
            targets.import_targets_csv(text, admin)
        assert [str(p) for p in refused.value.problems] == [
            "Ligne 5 : territoire « lyon » inconnu."
        ]
        assert stored_targets() == before
        assert events("targets.imported") == []


# Pages.


@pytest.fixture
def paris_magistrat(app) -> int:
    with app.app_context():
        target = save(None, "paris", "magistrat", 400)
        db.session.commit()
        return target.id


ROUTES = [
    ("GET", "/admin/populations-cibles", 200),
    ("GET", "/admin/populations-cibles/nouvelle", 200),
    ("POST", "/admin/populations-cibles/nouvelle", 422),
    ("GET", "/admin/populations-cibles/{id}", 200),
    ("POST", "/admin/populations-cibles/{id}", 422),
    ("POST", "/admin/populations-cibles/{id}/supprimer", 302),
    ("GET", "/admin/populations-cibles/import", 200),
    ("POST", "/admin/populations-cibles/import", 422),
    ("GET", "/admin/populations-cibles/modele.csv", 200),
]


def test_the_access_table_lists_every_target_page(app):
    rules = {
        (method, rule.rule.replace("<int:target_id>", "{id}"))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/admin/populations-cibles")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert rules == {(method, path) for method, path, _status in ROUTES}


@pytest.mark.parametrize(("method", "path", "admin_status"), ROUTES)
@pytest.mark.parametrize("role", [Role.ADMIN, Role.LEARNER, Role.TRAINER, Role.MONITOR, None])
def test_only_admins_reach_the_target_pages(
    app, login_as, paris_magistrat, role, method, path, admin_status
):
    client = login_as(role) if role else app.test_client()
    url = path.format(id=paris_magistrat)
    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, data={"csrf_token": csrf_token(client)})
    if role is Role.ADMIN:
        assert response.status_code == admin_status
    elif role is None:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/connexion")
    else:
        assert response.status_code == 403
    with app.app_context():
        deleted = db.session.get(TargetPopulation, paris_magistrat) is None
    assert deleted == (role is Role.ADMIN and path.endswith("/supprimer"))


def test_admins_find_the_page_in_the_main_menu(login_as):
    assert 'href="/admin/populations-cibles"' in login_as(Role.ADMIN).get("/").text
    assert 'href="/admin/populations-cibles"' not in login_as(Role.MONITOR).get("/").text


def form_data(client, url: str, **fields) -> dict:
    with client.application.app_context():
        data = {
            "territory_id": reference(Territory, "marseille").id,
            "profession_id": reference(Profession, "enseignant").id,
            "population": "12500",
            "source": "Rectorat d'Aix-Marseille, 2025",
            "year": "2025",
        }
    return {**data, **fields, "csrf_token": csrf_token(client, url)}


def test_admin_adds_edits_and_deletes_a_target(app, login_as):
    admin = login_as(Role.ADMIN)
    url = "/admin/populations-cibles/nouvelle"
    response = admin.post(url, data=form_data(admin, url))
    assert response.headers["Location"] == "/admin/populations-cibles"
    page = admin.get("/admin/populations-cibles").text
    assert "La population cible est enregistrée." in page
    assert "<td>12\u202f500</td>" in page
    assert "Rectorat d&#39;Aix-Marseille, 2025" in page
    with app.app_context():
        (target,) = db.session.scalars(sa.select(TargetPopulation)).all()

    url = f"/admin/populations-cibles/{target.id}"
    assert "Marseille, Enseignant ou personnel de l&#39;éducation" in admin.get(url).text
    admin.post(url, data=form_data(admin, url, population="13000"))
    with app.app_context():
        assert db.session.get(TargetPopulation, target.id).population == 13000

    response = admin.post(f"{url}/supprimer", data={"csrf_token": csrf_token(admin, url)})
    assert response.status_code == 302
    assert "est supprimée" in admin.get("/admin/populations-cibles").text
    with app.app_context():
        assert db.session.scalars(sa.select(TargetPopulation)).all() == []
        actions = db.session.scalars(
            sa.select(AuditEvent.action).filter(AuditEvent.action.like("target.%"))
        ).all()
        assert sorted(actions) == ["target.deleted", "target.saved", "target.saved"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("population", "0", "Indiquez un nombre entier de 1 à 10\u202f000\u202f000."),
        ("population", "douze", "N&#39;est pas un entier valide."),
        ("year", "1850", "Indiquez une année de 1990 à 2100."),
        ("source", "   ", "Ce champ est obligatoire."),
        ("territory_id", "", "Ce champ est obligatoire."),
    ],
)
def test_a_refused_form_says_why_and_keeps_what_was_typed(app, login_as, field, value, message):
    admin = login_as(Role.ADMIN)
    url = "/admin/populations-cibles/nouvelle"
    data = form_data(admin, url, **{field: value})
    response = admin.post(url, data=data)
    assert response.status_code == 422
    assert message in response.text
    assert 'id="resume-erreurs"' in response.text
    assert f'<option selected value="{data["profession_id"]}">' in response.text
    assert f'value="{data["population"]}"' in response.text
    assert f'value="{data["year"]}"' in response.text
    with app.app_context():
        assert db.session.scalars(sa.select(TargetPopulation)).all() == []


def test_a_second_target_for_the_same_cell_is_refused_by_the_form(app, login_as, paris_magistrat):
    admin = login_as(Role.ADMIN)
    url = "/admin/populations-cibles/nouvelle"
    with app.app_context():
        paris, magistrat = reference(Territory, "paris"), reference(Profession, "magistrat")
    data = form_data(admin, url, territory_id=paris.id, profession_id=magistrat.id)
    response = admin.post(url, data=data)
    assert response.status_code == 422
    assert "Une population cible existe déjà pour « Magistrat » sur le territoire « Paris »" in (
        response.text
    )
    with app.app_context():
        assert db.session.get(TargetPopulation, paris_magistrat).population == 400


def test_an_unknown_target_is_a_404(login_as):
    assert login_as(Role.ADMIN).get("/admin/populations-cibles/999999").status_code == 404


def upload(client, content: bytes, filename: str = "populations.csv", token: bool = True):
    """Post a file as a browser does; the body is built in memory (the test client would
    leave a temporary file open for a big one)."""
    url = "/admin/populations-cibles/import"
    fields = {"file": FileStorage(io.BytesIO(content), filename)}
    if token:
        fields["csrf_token"] = csrf_token(client, url)
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_admin_imports_a_file_and_sees_what_it_did(app, login_as):
    admin = login_as(Role.ADMIN)
    with app.app_context():
        save(None, "paris", "magistrat", 400)
        save(None, "paris", "sante", 3000)
        db.session.commit()
    text = csv_text(
        "paris;magistrat;450;ENM 2025;2025",
        "paris;sante;3100;ARS;2025",
        "marseille;magistrat;300;ENM 2025;2025",
        "marseille;sante;2 800;ARS;2025",
        "bordeaux;sante;2 000;ARS;2025",
    )
    response = upload(admin, ("\ufeff" + text).encode())
    assert response.headers["Location"] == "/admin/populations-cibles"
    page = admin.get("/admin/populations-cibles").text
    assert "3 populations cibles créées, 2 mises à jour." in page
    assert "<td>2\u202f800</td>" in page
    assert "<td>Populations cibles importées</td>" in admin.get("/admin/journal").text


def test_a_refused_import_lists_its_problems_and_writes_nothing(app, login_as):
    admin = login_as(Role.ADMIN)
    text = csv_text(
        "paris;magistrat;450;ENM 2025;2025",
        "marseille;sante;2800;ARS;2025",
        "lyon;sante;100;ARS;2025",
        "bordeaux;sante;0;ARS;2025",
    )
    response = upload(admin, text.encode())
    assert response.status_code == 422
    html = response.text
    assert "Le fichier n'est pas importé : 2 erreurs" in html
    assert "<li>Ligne 4 : territoire « lyon » inconnu.</li>" in html
    assert "Ligne 5 : population « 0 » invalide" in html
    assert 'id="resume-erreurs"' in html
    with app.app_context():
        assert db.session.scalars(sa.select(TargetPopulation)).all() == []
        assert events("targets.imported") == []


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        ("paris;sante;100;Santé publique;2025\n".encode("cp1252"), "p.csv", "pas encodé en UTF-8"),
        (b"", "vide.csv", "Le fichier est vide."),
        (csv_text(GOOD).encode(), "populations.xlsx", "Choisissez un fichier au format CSV"),
        (b"x" * (MAX_CSV_BYTES + 1), "gros.csv", "Le fichier dépasse 1 Mo"),
    ],
    ids=["not-utf8", "empty", "not-csv", "too-big"],
)
def test_an_unreadable_upload_is_refused_in_french(login_as, content, filename, message):
    response = upload(login_as(Role.ADMIN), content, filename)
    assert response.status_code == 422
    assert message in response.text


def test_an_import_without_a_file_is_refused(login_as):
    admin = login_as(Role.ADMIN)
    url = "/admin/populations-cibles/import"
    response = admin.post(url, data={"csrf_token": csrf_token(admin, url)})
    assert response.status_code == 422
    assert "Choisissez un fichier CSV." in response.text


def test_every_form_needs_its_csrf_token(app, login_as, paris_magistrat):
    admin = login_as(Role.ADMIN)
    base = "/admin/populations-cibles"
    assert (
        upload(admin, csv_text("marseille;sante;100;ARS;2025").encode(), token=False).status_code
        == 400
    )
    data = form_data(admin, f"{base}/nouvelle")
    del data["csrf_token"]
    assert admin.post(f"{base}/nouvelle", data=data).status_code == 400
    assert admin.post(f"{base}/{paris_magistrat}", data=data).status_code == 400
    assert admin.post(f"{base}/{paris_magistrat}/supprimer").status_code == 400
    with app.app_context():
        assert stored_targets() == {("paris", "magistrat"): (400, "DEPP, bilan social 2025", 2025)}


def test_the_model_file_is_a_csv_download_with_a_bom(login_as):
    response = login_as(Role.ADMIN).get("/admin/populations-cibles/modele.csv")
    assert response.mimetype == "text/csv"
    assert response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data.startswith("\ufeffterritoire;profession;".encode())
    assert "exemple — à remplacer" in response.data.decode()


def test_the_import_page_explains_the_columns_and_lists_the_codes(login_as):
    html = login_as(Role.ADMIN).get("/admin/populations-cibles/import").text
    assert "<td>inspection-travail</td>" in html
    assert "<td>bordeaux</td>" in html
    assert 'href="/admin/populations-cibles/modele.csv"' in html
