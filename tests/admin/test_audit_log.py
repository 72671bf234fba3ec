"""The audit log page: French words for every action, the names of the people and things,
filters read from the query string, pages, and a CSV export of what the filters select."""

import ast
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from training.accounts.models import Role, Territory, User
from training.audit import labels
from training.audit.models import AppendOnlyError, AuditEvent
from training.audit.services import record_event
from training.extensions import db

TRAINING = Path(__file__).resolve().parents[2] / "training"


def record_event_calls() -> list[tuple[str, ast.Call]]:
    """Every call of record_event in the application's code, with where it is."""
    calls = []
    for path in sorted(TRAINING.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                function = node.func
                name = (
                    function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
                )
                if name == "record_event":
                    calls.append((f"{path.relative_to(TRAINING)}:{node.lineno}", node))
    return calls


def test_every_recorded_action_has_a_french_label():
    calls = record_event_calls()
    assert len(calls) >= 20
    not_literal = [
        where
        for where, call in calls
        if len(call.args) < 2
        or not (isinstance(call.args[1], ast.Constant) and isinstance(call.args[1].value, str))
    ]
    assert not_literal == [], "name the action as a literal string, so that it gets a label"
    actions = {call.args[1].value for _, call in calls}
    assert sorted(actions - set(labels.ACTION_LABELS)) == []
    assert sorted(set(labels.ACTION_LABELS) - actions) == []  # no label left for a gone action


def test_every_recorded_detail_and_target_kind_has_a_french_label():
    keys = {
        keyword.arg
        for _, call in record_event_calls()
        for keyword in call.keywords
        if keyword.arg is not None
    }
    assert sorted(keys - set(labels.DETAIL_LABELS)) == []
    kinds = {
        call.args[2].value
        for _, call in record_event_calls()
        if isinstance(call.args[2], ast.Constant)
    }
    assert sorted(kinds - set(labels.TARGET_LABELS)) == []


def test_values_in_words():
    assert labels.plain_value(True) == "oui"
    assert labels.plain_value(False) == "non"
    assert labels.plain_value(None) == "—"
    assert labels.plain_value(["a", "b"]) == "a, b"
    assert labels.action_label("inconnu.fait") == "inconnu.fait"


def add_event(
    app, actor: User | None, action: str, target_type: str, target_id, when=None, **details
):
    """An event recorded by `actor`; `when` dates it in the past (the log is append-only: the
    date is given when the event is added, never changed afterwards)."""
    with app.app_context():
        if when is None:
            actor_row = db.session.get(User, actor.id) if actor else None
            record_event(actor_row, action, target_type, target_id, **details)
        else:
            db.session.add(
                AuditEvent(
                    actor_id=actor.id if actor else None,
                    action=action,
                    target_type=target_type,
                    target_id=str(target_id),
                    details=details,
                    created_at=when,
                )
            )
        db.session.commit()


def rows(html: str, *, log_ins: bool = False) -> list[str]:
    """The events' rows of the log's table (not the one saying there is none), without the
    log-ins of the test's own clients unless `log_ins`."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        row.split("</tr>")[0]
        for row in body.split("<tr>")[1:]
        if "colspan" not in row and (log_ins or "<td>Connexion</td>" not in row)
    ]


def test_the_log_names_people_and_things_in_french(app, login_as, make_user):
    admin = login_as(Role.ADMIN, full_name="Alice Administratrice", email="alice@exemple.fr")
    learner = make_user("camille@exemple.fr", full_name="Camille Martin")
    with app.app_context():
        paris = db.session.scalar(sa.select(Territory).filter_by(code="paris"))
    add_event(
        app, admin.user, "user.role_changed", "user", learner.id, previous="learner", new="trainer"
    )
    add_event(app, admin.user, "territory.saved", "territory", paris.id, name="Paris", pilot=False)
    add_event(app, None, "user.deactivated", "user", 999999)

    html = admin.get("/admin/journal").get_data(as_text=True)
    deleted, territory, role = rows(html)
    assert "<td>Rôle modifié</td>" in role
    assert "<td>Alice Administratrice (alice@exemple.fr)</td>" in role
    assert "<td>Camille Martin (camille@exemple.fr)</td>" in role
    assert "Ancien rôle : Apprenant<br>Nouveau rôle : Formateur" in role
    assert "<td>Territoire enregistré</td>" in territory
    assert "<td>Territoire « Paris »</td>" in territory
    assert "Territoire pilote : non" in territory
    assert "ligne de commande ou compte supprimé" in deleted
    assert "compte supprimé (n° 999999)" in deleted
    for raw in ("user.role_changed</td>", "user 6", "pilot :", "False", "learner"):
        assert raw not in html.split("<tbody>", 1)[1]


def test_filters_by_action_person_and_dates(app, login_as, make_user):
    admin = login_as(Role.ADMIN, full_name="Alice Administratrice", email="alice@exemple.fr")
    other = make_user("bob@exemple.fr", role=Role.ADMIN, full_name="Bob Gestionnaire")
    target = make_user()
    november = datetime(2026, 11, 10, 12, tzinfo=UTC)
    december = datetime(2026, 12, 1, 12, tzinfo=UTC)
    add_event(app, admin.user, "user.deactivated", "user", target.id, when=november)
    add_event(app, other, "user.reactivated", "user", target.id, when=december)
    # 23:30 in Paris on 30 November, still 30 November for the admin.
    add_event(
        app,
        other,
        "user.deactivated",
        "user",
        target.id,
        when=datetime(2026, 11, 30, 22, 30, tzinfo=UTC),
    )

    def listed(**query) -> list[str]:
        response = admin.get("/admin/journal", query_string=query)
        assert response.status_code == 200
        return [
            "désactivé" if "Compte désactivé" in row else "réactivé" for row in rows(response.text)
        ]

    assert listed() == ["réactivé", "désactivé", "désactivé"]
    assert listed(action="user.reactivated") == ["réactivé"]
    assert listed(person="BOB") == ["réactivé", "désactivé"]
    assert listed(person="alice@exemple") == ["désactivé"]
    assert listed(person="personne") == []
    assert listed(person="50%_") == []
    assert listed(date_from="2026-11-30") == ["réactivé", "désactivé"]
    assert listed(date_to="2026-11-30") == ["désactivé", "désactivé"]
    assert listed(date_from="2026-11-01", date_to="2026-11-29") == ["désactivé"]
    assert listed(date_from="2026-12-01", date_to="2026-12-01", person="bob") == ["réactivé"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "31/02/2026"}, "Du : "),
        ({"date_to": "demain"}, "Au : "),
        ({"date_from": "0002-01-01"}, "Saisissez une date entre 2000 et 2099"),
        ({"date_to": "9999-12-31"}, "Saisissez une date entre 2000 et 2099"),
        (
            {"date_from": "2026-12-02", "date_to": "2026-12-01"},
            "La date de fin précède la date de début.",
        ),
        ({"action": "user.hacked"}, "Action : "),
    ],
)
def test_unreadable_filters_are_a_400_with_a_french_message(login_as, query, message):
    admin = login_as(Role.ADMIN)
    for url in ("/admin/journal", "/admin/journal.csv"):
        response = admin.get(url, query_string=query)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert message in html
        assert "Corrigez les filtres pour afficher le journal." in html
        assert "Not a valid" not in html


def test_the_log_is_paged(app, login_as, make_user):
    admin = login_as(Role.ADMIN)
    target = make_user()
    with app.app_context():
        actor = db.session.get(User, admin.user.id)
        for _ in range(55):
            record_event(actor, "user.deactivated", "user", target.id)
        db.session.commit()
    first = admin.get("/admin/journal").get_data(as_text=True)
    assert "56 actions" in first  # and the admin's log-in, the oldest
    assert len(rows(first, log_ins=True)) == 50
    assert 'href="/admin/journal?page=2"' in first
    second = admin.get("/admin/journal?page=2").get_data(as_text=True)
    assert len(rows(second, log_ins=True)) == 6
    assert len(rows(admin.get("/admin/journal?page=abc").text)) == 50


def test_the_csv_export_follows_the_filters_neutralises_formulas_and_is_audited(
    app, login_as, make_user
):
    admin = login_as(Role.ADMIN, full_name="Alice Administratrice")
    target = make_user(full_name='=HYPERLINK("http://evil.example")')
    add_event(app, admin.user, "user.deactivated", "user", target.id)
    add_event(app, admin.user, "user.reactivated", "user", target.id)
    html = admin.get("/admin/journal?action=user.deactivated").get_data(as_text=True)
    assert 'href="/admin/journal.csv?action=user.deactivated"' in html

    response = admin.get("/admin/journal.csv?action=user.deactivated")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="journal-audit-' in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header == ["Date", "Auteur ou autrice", "Action", "Objet", "Détails", "Code de l'action"]
    assert len(lines) == 1
    (line,) = lines
    assert line[1].startswith("Alice Administratrice (")
    assert line[2] == "Compte désactivé"
    assert line[3].startswith("'=HYPERLINK")  # made inert for spreadsheets
    assert line[5] == "user.deactivated"

    with app.app_context():
        (event,) = db.session.scalars(sa.select(AuditEvent).filter_by(action="audit.exported"))
        assert event.actor_id == admin.user.id
        assert event.details == {"rows": 1, "filtered_action": "user.deactivated"}
    journal = admin.get("/admin/journal").get_data(as_text=True)
    assert "<td>Journal d&#39;audit exporté</td>" in journal
    assert "Lignes : 1<br>Action filtrée : Compte désactivé" in journal


def test_each_kind_of_thing_is_named(app, login_as, make_user, example_course):
    admin = login_as(Role.ADMIN)
    author = make_user("auteur@exemple.fr", full_name="Claude Auteur")
    with app.app_context():
        from training.content.services import latest_version

        course_id = latest_version(example_course).course_id
    add_event(
        app, admin.user, "course.published", "course", course_id, slug=example_course, version=2
    )
    add_event(
        app, admin.user, "course.author_added", "course", course_id, user_id=author.id, owner=True
    )
    add_event(app, admin.user, "course.draft_discarded", "course_draft", 77, slug="jamais-publie")
    add_event(
        app, admin.user, "monitoring.exported", "monitoring", "xlsx",
        periode="2026", par="formation", territoire="pilotes", profession="sante",
        formation=example_course,
    )  # fmt: skip
    add_event(
        app, admin.user, "session.attempt_granted", "user", author.id,
        session=999999, quiz="02-verifier/01-quiz", after_attempts=3,
    )  # fmt: skip
    add_event(
        app, admin.user, "target.saved", "target_population", 5,
        territory="paris", profession="sante", population=10, source="ARS", year=2025,
    )  # fmt: skip
    add_event(app, admin.user, "targets.imported", "target_population", "csv", created=1)
    add_event(app, admin.user, "api_token.created", "api_token", 888888, name="Tableur")

    html = admin.get("/admin/journal").get_data(as_text=True)
    title = "Cours d&#39;exemple : le format des fichiers"
    for expected in (
        f"<td>Cours « {title} »</td>",
        "Version : 2",
        "Compte : Claude Auteur (auteur@exemple.fr)<br>Propriétaire : oui",
        "<td>Brouillon du cours « jamais-publie »</td>",
        "<td>Indicateurs de suivi (fichier XLSX)</td>",
        "Regroupement : par formation<br>Territoire : territoires pilotes<br>"
        "Profession : Professionnel de santé<br>Formation : " + title,
        "<td>Claude Auteur (auteur@exemple.fr)</td>",
        "Session : session supprimée (n° 999999)",
        "<td>Population cible : Professionnel de santé, Paris</td>",
        "<td>Populations cibles (fichier CSV)</td>",
        "Créées : 1",
        "<td>Jeton « Tableur »</td>",
    ):
        assert expected in html


def test_the_application_can_neither_change_nor_delete_an_audit_event(app):
    """ASVS 7.3.3: the log is append-only for the application, through the ORM in every way."""
    with app.app_context():
        event = record_event(None, "audit.exported", "audit", "tout")
        db.session.commit()
        event_id = event.id
        attempts = [
            lambda: setattr(event, "action", "user.deactivated") or db.session.flush(),
            lambda: db.session.delete(event) or db.session.flush(),
            lambda: db.session.execute(sa.delete(AuditEvent)),
            lambda: db.session.execute(
                sa.update(AuditEvent).where(AuditEvent.id == event_id).values(action="x")
            ),
        ]
        for attempt in attempts:
            with pytest.raises(AppendOnlyError):
                attempt()
            db.session.rollback()

        assert db.session.get(AuditEvent, event_id).action == "audit.exported"
