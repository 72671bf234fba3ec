"""An admin's account page: deactivating and reactivating an account, sending its confirmation
link again, and what the account follows (trainings, certificates)."""

import pytest
import sqlalchemy as sa

from tests.certificates.conftest import earn_certificate
from tests.conftest import PASSWORD, csrf_token, log_in
from tests.learning.conftest import LESSON_1, enrol, finish_lesson
from tests.monitoring.test_api import call, new_token
from training.accounts.models import Role, User
from training.audit.models import AuditEvent
from training.catalog.models import Enrolment
from training.extensions import db

DEACTIVATED = "Ce compte est désactivé. Contactez l&#39;équipe de la plateforme."
WRONG = "Adresse électronique ou mot de passe incorrect."


def post_button(admin, url: str):
    return admin.post(url, data={"csrf_token": csrf_token(admin, "/")})


def events(app, action: str) -> list[tuple[int | None, str, dict]]:
    with app.app_context():
        return [
            (e.actor_id, e.target_id, e.details)
            for e in db.session.scalars(sa.select(AuditEvent).filter_by(action=action))
        ]


def test_a_deactivated_account_is_logged_out_and_refused_then_reactivated(
    app, login_as, example_course
):
    admin = login_as(Role.ADMIN)
    learner = login_as(email="camille@exemple.fr")
    assert enrol(learner).status_code == 302
    assert learner.get("/compte").status_code == 200

    response = post_button(admin, f"/admin/comptes/{learner.user.id}/desactivation")
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Le compte de Camille Martin est désactivé" in page
    assert "Compte désactivé le" in page
    assert "Réactiver le compte" in page
    assert events(app, "user.deactivated") == [(admin.user.id, str(learner.user.id), {})]

    # The session already open ends at its next request; the data stays.
    response = learner.get("/compte")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 1
        assert db.session.get(User, learner.user.id) is not None

    # The right password is told why; a wrong one gets the usual answer.
    client = app.test_client()
    refused = log_in(client, "camille@exemple.fr")
    assert refused.status_code == 422
    assert DEACTIVATED in refused.get_data(as_text=True)
    wrong = log_in(client, "camille@exemple.fr", "pas le bon mot de passe du tout")
    assert WRONG in wrong.get_data(as_text=True)
    assert DEACTIVATED not in wrong.get_data(as_text=True)
    assert client.get("/compte").status_code == 302

    response = post_button(admin, f"/admin/comptes/{learner.user.id}/reactivation")
    assert response.status_code == 302
    assert "est réactivé" in admin.get(response.headers["Location"]).get_data(as_text=True)
    assert events(app, "user.reactivated") == [(admin.user.id, str(learner.user.id), {})]
    assert learner.get("/compte").status_code == 302  # the old session stays ended
    assert log_in(client, "camille@exemple.fr").status_code == 302
    assert client.get("/compte").status_code == 200


def test_deactivating_twice_records_one_event(app, login_as, make_user):
    admin = login_as(Role.ADMIN)
    user = make_user()
    for _ in range(2):
        assert post_button(admin, f"/admin/comptes/{user.id}/desactivation").status_code == 302
    assert len(events(app, "user.deactivated")) == 1


def test_an_admin_cannot_deactivate_themself(app, login_as):
    admin = login_as(Role.ADMIN)
    url = f"/admin/comptes/{admin.user.id}"
    assert "Désactiver le compte" not in admin.get(url).get_data(as_text=True)
    response = post_button(admin, f"{url}/desactivation")
    assert response.status_code == 302
    page = admin.get(url).get_data(as_text=True)
    assert "Vous ne pouvez pas désactiver votre propre compte." in page
    assert events(app, "user.deactivated") == []
    with app.app_context():
        assert db.session.get(User, admin.user.id).deactivated_at is None


def test_a_deactivated_monitors_api_token_stops_working(app, login_as, make_user):
    admin = login_as(Role.ADMIN)
    monitor = make_user(role=Role.MONITOR)
    token = new_token(app, monitor)
    assert call(app, token).status_code == 200
    post_button(admin, f"/admin/comptes/{monitor.id}/desactivation")
    assert call(app, token).status_code == 401


def test_the_admin_sends_the_confirmation_link_again(app, login_as, make_user, mailbox):
    admin = login_as(Role.ADMIN)
    user = make_user("nouvelle@exemple.fr", confirmed=False)
    page = admin.get(f"/admin/comptes/{user.id}").get_data(as_text=True)
    assert "Renvoyer le lien de confirmation" in page

    response = post_button(admin, f"/admin/comptes/{user.id}/confirmation")
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "Un nouveau lien de confirmation a été envoyé à nouvelle@exemple.fr." in page
    (message,) = mailbox.to("nouvelle@exemple.fr")
    assert message["Subject"] == "Confirmez votre adresse électronique"
    assert events(app, "user.confirmation_resent") == [(admin.user.id, str(user.id), {})]

    assert app.test_client().get(mailbox.last_link("nouvelle@exemple.fr")).status_code == 302
    with app.app_context():
        assert db.session.get(User, user.id).is_confirmed
    page = admin.get(f"/admin/comptes/{user.id}").get_data(as_text=True)
    assert "Renvoyer le lien de confirmation" not in page


def test_no_confirmation_link_for_a_confirmed_or_deactivated_account(
    app, login_as, make_user, mailbox
):
    admin = login_as(Role.ADMIN)
    confirmed = make_user()
    post_button(admin, f"/admin/comptes/{confirmed.id}/confirmation")
    page = admin.get(f"/admin/comptes/{confirmed.id}").get_data(as_text=True)
    assert "est déjà confirmée" in page

    unconfirmed = make_user(confirmed=False)
    post_button(admin, f"/admin/comptes/{unconfirmed.id}/desactivation")
    assert "Renvoyer le lien" not in admin.get(f"/admin/comptes/{unconfirmed.id}").text
    post_button(admin, f"/admin/comptes/{unconfirmed.id}/confirmation")
    page = admin.get(f"/admin/comptes/{unconfirmed.id}").get_data(as_text=True)
    assert "réactivez-le avant de renvoyer le lien" in page
    assert mailbox.messages == []
    assert events(app, "user.confirmation_resent") == []


def test_a_failed_confirmation_mail_is_said_and_not_audited(
    app, login_as, make_user, mailbox, monkeypatch
):
    admin = login_as(Role.ADMIN)
    user = make_user(confirmed=False)
    monkeypatch.setitem(app.config, "MAIL_PORT", 1)  # nothing listens there
    post_button(admin, f"/admin/comptes/{user.id}/confirmation")
    assert "L&#39;envoi a échoué" in admin.get(f"/admin/comptes/{user.id}").text
    assert events(app, "user.confirmation_resent") == []


def test_the_account_page_lists_trainings_and_certificates(app, login_as, example_course):
    admin = login_as(Role.ADMIN)
    learner = login_as(full_name="Nguyễn Thị Ánh")
    page = admin.get(f"/admin/comptes/{learner.user.id}").get_data(as_text=True)
    assert "Aucune inscription à une formation." in page
    assert "Aucune attestation." in page

    assert enrol(learner).status_code == 302
    assert finish_lesson(learner, LESSON_1).status_code == 302
    page = admin.get(f"/admin/comptes/{learner.user.id}").get_data(as_text=True)
    assert "Cours d&#39;exemple" in page
    assert "En cours" in page
    assert "1 étape sur 3 (33 %)" in page

    code = earn_certificate(app, learner)
    page = admin.get(f"/admin/comptes/{learner.user.id}").get_data(as_text=True)
    assert "Terminée le" in page
    assert "3 étapes sur 3 (100 %)" in page
    assert f'href="/admin/attestations/{code}"' in page
    assert f'href="/verifier/{code}"' in page
    assert "Valide" in page


def test_a_deactivated_account_is_marked_in_the_list(login_as, make_user):
    admin = login_as(Role.ADMIN)
    user = make_user(full_name="Dominique Désactivée")
    post_button(admin, f"/admin/comptes/{user.id}/desactivation")
    html = admin.get("/admin/comptes?q=Dominique").get_data(as_text=True)
    assert "désactivé</span>" in html


def test_deactivation_ends_the_accounts_sessions(app, make_user):
    from training.accounts import login_sessions, services

    user = make_user()
    with app.app_context():
        stored = db.session.get(User, user.id)
        secret = login_sessions.open_session(stored, "Firefox/130.0").secret
        assert login_sessions.resume_session(secret).user is stored
        services.deactivate_user(None, stored)
        assert login_sessions.resume_session(secret).user is None
        assert login_sessions.sessions_of(stored) == []
        db.session.rollback()


def test_password_stays_checked_first(app, make_user):
    """The deactivation is told only to whoever knows the password."""
    from training.accounts import services

    user = make_user("secret@exemple.fr")
    with app.app_context():
        services.deactivate_user(None, db.session.get(User, user.id))
        assert services.authenticate("secret@exemple.fr", "mauvais mot de passe") is None
        with pytest.raises(services.AccountDeactivatedError):
            services.authenticate("secret@exemple.fr", PASSWORD)
        db.session.rollback()
