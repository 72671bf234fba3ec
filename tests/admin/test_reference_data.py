"""Retiring territories and professions: no longer offered in forms and files, kept by the
accounts and statistics that name them, offered again on demand; never deleted."""

import re

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, csrf_token, reference
from training.accounts import services
from training.accounts.models import Profession, Role, Territory, User
from training.audit.models import AuditEvent
from training.extensions import db
from training.monitoring import targets
from training.monitoring.target_csv import TargetImportError
from training.sessions import invitations


def post_button(admin, url: str):
    return admin.post(url, data={"csrf_token": csrf_token(admin, "/")})


def options(html: str, select_id: str) -> list[str]:
    """The labels of a <select>'s options, its empty placeholder left out."""
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [label for value, label in re.findall(r'value="([^"]*)"[^>]*>([^<]*)<', select) if value]


def test_a_retired_territory_leaves_the_forms_and_stays_elsewhere(app, login_as, make_user):
    admin = login_as(Role.ADMIN)
    bordeaux = reference(app, Territory, "bordeaux")
    resident = login_as(territory="bordeaux")
    assert "Bordeaux" in options(app.test_client().get("/inscription").text, "territory_id")

    response = post_button(admin, f"/admin/territoires/{bordeaux.id}/retrait")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/referentiels"
    page = admin.get("/admin/referentiels").get_data(as_text=True)
    assert "Le territoire « Bordeaux » est retiré" in page
    assert re.search(r"Bordeaux</a>.*?retiré le", page, re.S)
    with app.app_context():
        (event,) = db.session.scalars(sa.select(AuditEvent).filter_by(action="territory.retired"))
        assert (event.actor_id, event.target_id) == (admin.user.id, str(bordeaux.id))

    # Hidden where a territory is chosen…
    assert "Bordeaux" not in options(app.test_client().get("/inscription").text, "territory_id")
    assert "Bordeaux" not in options(login_as().get("/compte").text, "territory_id")
    trainer = login_as(Role.TRAINER)
    assert "Bordeaux" not in options(trainer.get("/sessions/nouvelle").text, "territory_id")
    target_form = admin.get("/admin/populations-cibles/nouvelle").text
    assert "Bordeaux" not in options(target_form, "territory_id")
    with app.app_context(), pytest.raises(TargetImportError):
        targets.import_targets_csv(
            "territoire;profession;population;source;annee\nbordeaux;enseignant;100;DEPP;2025\n",
            None,
        )
    # …kept by the account that has it, in statistics and in the admin's filters.
    profile = resident.get("/compte").text
    assert re.search(r'<option selected value="\d+">Bordeaux</option>', profile)
    assert "Bordeaux" in options(admin.get("/admin/comptes").text, "territory")
    monitor = login_as(Role.MONITOR)
    assert ">Bordeaux</option>" in monitor.get("/suivi").text
    with app.app_context():
        assert db.session.get(User, resident.user.id).territory.code == "bordeaux"

    # Its account keeps it when saving the profile unchanged.
    url = "/compte"
    form = {
        "full_name": "Camille Martin",
        "profession_id": str(resident.user.profession_id),
        "territory_id": str(bordeaux.id),
        "csrf_token": csrf_token(resident, url),
    }
    assert resident.post(url, data=form).status_code == 302

    response = post_button(admin, f"/admin/territoires/{bordeaux.id}/reactivation")
    assert response.status_code == 302
    assert "est de nouveau proposé" in admin.get("/admin/referentiels").text
    assert "Bordeaux" in options(app.test_client().get("/inscription").text, "territory_id")
    with app.app_context():
        assert db.session.scalars(
            sa.select(AuditEvent.action).filter_by(target_type="territory")
        ).all() == ["territory.retired", "territory.reactivated"]


def test_signing_up_with_a_retired_profession_is_refused(app, login_as):
    admin = login_as(Role.ADMIN)
    health = reference(app, Profession, "sante")
    assert post_button(admin, f"/admin/professions/{health.id}/retrait").status_code == 302
    client = app.test_client()
    html = client.get("/inscription").get_data(as_text=True)
    assert "Professionnel de santé" not in options(html, "profession_id")
    response = client.post(
        "/inscription",
        data={
            "email": "soignante@exemple.fr",
            "full_name": "Sam Soignante",
            "profession_id": str(health.id),
            "territory_id": str(reference(app, Territory, "paris").id),
            "password": PASSWORD,
            "password_confirmation": PASSWORD,
            "consent": "y",
            "csrf_token": csrf_token(client, "/inscription"),
        },
    )
    assert response.status_code == 422
    with app.app_context():
        assert services.find_user_by_email("soignante@exemple.fr") is None


def test_a_retired_profession_is_unknown_to_invitation_files_and_target_forms(app, login_as):
    admin = login_as(Role.ADMIN)
    health = reference(app, Profession, "sante")
    with app.app_context():
        assert invitations.profession_keys()["sante"] == "sante"
    post_button(admin, f"/admin/professions/{health.id}/retrait")
    with app.app_context():
        keys = invitations.profession_keys()
        assert "sante" not in keys
        assert "Professionnel de santé" not in keys
        assert "magistrat" in keys
    assert "La profession « Professionnel de santé » est retirée" in admin.get(
        "/admin/referentiels"
    ).get_data(as_text=True)
    target_form = admin.get("/admin/populations-cibles/nouvelle").text
    assert "Professionnel de santé" not in options(target_form, "profession_id")
    assert "Professionnel de santé" in options(admin.get("/admin/comptes").text, "profession")
    assert "Proposer de nouveau cette profession" in admin.get(
        f"/admin/professions/{health.id}"
    ).get_data(as_text=True)


def test_the_last_offered_territory_cannot_be_retired(app):
    with app.app_context():
        territories = services.list_territories()
        for territory in territories[:-1]:
            assert services.retire_reference(territory, None)
        with pytest.raises(services.AccountError, match="dernier territoire"):
            services.retire_reference(territories[-1], None)
        assert not services.retire_reference(territories[0], None)  # already retired
        db.session.rollback()


def test_reference_data_cannot_be_deleted(app):
    rules = [rule.rule for rule in app.url_map.iter_rules()]
    assert [r for r in rules if re.search(r"(territoires|professions).*supprim", r)] == []
