"""Administration: accounts, roles, reference data, audit log."""

import sqlalchemy as sa

from tests.conftest import csrf_token
from training.accounts.models import Role, Territory, User
from training.audit.models import AuditEvent
from training.extensions import db


def test_admin_changes_a_role_and_it_is_audited(app, login_as, make_user):
    admin = login_as(Role.ADMIN)
    learner = make_user("apprenant@exemple.fr")
    url = f"/admin/comptes/{learner.id}"
    response = admin.post(url, data={"role": "trainer", "csrf_token": csrf_token(admin, url)})
    assert response.status_code == 302
    assert "Formateur" in admin.get(url).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, learner.id).role == "trainer"
        event = db.session.scalar(sa.select(AuditEvent).filter_by(action="user.role_changed"))
        assert (event.actor_id, event.target_id) == (admin.user.id, str(learner.id))
        assert event.details == {"previous": "learner", "new": "trainer"}
    journal = admin.get("/admin/journal?action=user.role_changed").get_data(as_text=True)
    assert "<td>Rôle modifié</td>" in journal
    assert "Ancien rôle : Apprenant<br>Nouveau rôle : Formateur" in journal


def test_unknown_role_is_refused(app, login_as, make_user):
    admin = login_as(Role.ADMIN)
    learner = make_user()
    url = f"/admin/comptes/{learner.id}"
    response = admin.post(url, data={"role": "superuser", "csrf_token": csrf_token(admin, url)})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, learner.id).role == "learner"


def test_admin_cannot_demote_themself(app, login_as):
    admin = login_as(Role.ADMIN)
    url = f"/admin/comptes/{admin.user.id}"
    response = admin.post(url, data={"role": "learner", "csrf_token": csrf_token(admin, url)})
    assert response.status_code == 422
    assert "votre propre rôle" in response.get_data(as_text=True)


def test_unknown_account_is_a_404(login_as):
    assert login_as(Role.ADMIN).get("/admin/comptes/999999").status_code == 404


def test_accounts_list_searches_filters_and_pages(app, login_as, make_user):
    admin = login_as(Role.ADMIN, full_name="Alice Admin")
    for i in range(30):
        make_user(f"prof{i:02d}@exemple.fr", full_name=f"Professeur {i:02d}", territory="paris")
    make_user(
        "inspectrice@exemple.fr",
        full_name="Inès Inspectrice",
        profession="inspection-travail",
        territory="bordeaux",
    )
    html = admin.get("/admin/comptes?q=INSPECTRICE").get_data(as_text=True)
    assert "Inès Inspectrice" in html
    assert "Professeur" not in html

    with app.app_context():
        paris = db.session.scalar(sa.select(Territory).filter_by(code="paris"))
    page1 = admin.get(f"/admin/comptes?territory={paris.id}").get_data(as_text=True)
    assert "30 comptes" in page1
    assert page1.count("Professeur ") == 25
    page2 = admin.get(f"/admin/comptes?territory={paris.id}&page=2").get_data(as_text=True)
    assert page2.count("Professeur ") == 5

    admins = admin.get("/admin/comptes?role=admin").get_data(as_text=True)
    assert "Alice Admin" in admins
    assert "Professeur" not in admins


def test_accounts_list_ignores_a_malformed_filter(login_as):
    response = login_as(Role.ADMIN).get("/admin/comptes?territory=abc&page=xyz")
    assert response.status_code == 200


def test_admin_adds_renames_and_marks_a_territory_pilot(app, login_as):
    admin = login_as(Role.ADMIN)
    url = "/admin/territoires/nouveau"
    response = admin.post(
        url, data={"name": "Lyon", "code": "lyon", "csrf_token": csrf_token(admin, url)}
    )
    assert response.status_code == 302
    with app.app_context():
        lyon = db.session.scalar(sa.select(Territory).filter_by(code="lyon"))
        assert not lyon.is_pilot
    url = f"/admin/territoires/{lyon.id}"
    admin.post(
        url,
        data={
            "name": "Lyon Métropole",
            "code": "ignored",
            "is_pilot": "y",
            "csrf_token": csrf_token(admin, url),
        },
    )
    with app.app_context():
        lyon = db.session.get(Territory, lyon.id)
        assert (lyon.name, lyon.code, lyon.is_pilot) == ("Lyon Métropole", "lyon", True)
    assert "Lyon Métropole" in admin.get("/admin/referentiels").get_data(as_text=True)


def test_territory_name_must_be_unique_and_code_well_formed(login_as):
    admin = login_as(Role.ADMIN)
    url = "/admin/territoires/nouveau"
    duplicate = admin.post(
        url, data={"name": "Paris", "code": "paris-2", "csrf_token": csrf_token(admin, url)}
    )
    assert duplicate.status_code == 422
    assert "déjà ce nom" in duplicate.get_data(as_text=True)
    bad_code = admin.post(
        url, data={"name": "Nice", "code": "Nice Côte", "csrf_token": csrf_token(admin, url)}
    )
    assert bad_code.status_code == 422
    assert "minuscules sans accent" in bad_code.get_data(as_text=True)


def test_admin_adds_a_profession_offered_at_sign_up(app, login_as):
    admin = login_as(Role.ADMIN)
    url = "/admin/professions/nouvelle"
    admin.post(
        url,
        data={
            "name": "Agent consulaire",
            "code": "consulaire",
            "csrf_token": csrf_token(admin, url),
        },
    )
    assert "Agent consulaire" in app.test_client().get("/inscription").get_data(as_text=True)
