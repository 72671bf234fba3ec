"""« Supprimer mon compte » (GDPR art. 17): personal data erased for good, statistics unchanged,
certificates withdrawn (the default) or kept verifiable, as the holder chooses."""

import sqlalchemy as sa

from tests.certificates.conftest import earn_certificate
from tests.conftest import PASSWORD, csrf_token, log_in
from training.accounts.models import Role, User
from training.audit.models import AuditEvent
from training.authoring import authors
from training.catalog.models import Enrolment
from training.certificates.models import Certificate
from training.content.models import Course
from training.extensions import db
from training.monitoring.models import RegistrationCount
from training.privacy.erasure import ERASED_NAME, WITHDRAWN_REASON, erased_email

URL = "/compte/suppression"


def erase(client, certificates: str | None = "retirer", password: str = PASSWORD):
    data = {"password": password, "csrf_token": csrf_token(client, URL)}
    if certificates is not None:
        data["certificates"] = certificates
    return client.post(URL, data=data)


def registered(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.sum(RegistrationCount.registered))) or 0


def stored(app, user_id: int) -> User:
    with app.app_context():
        return db.session.get(User, user_id)


def test_the_page_says_what_goes_and_what_stays(login_as):
    client = login_as(full_name="Inès Leroy")

    html = client.get(URL).get_data(as_text=True)

    assert "La suppression est définitive" in html
    assert "Ce qui reste, sans votre nom" in html
    assert '<input checked id="certificates-0" name="certificates"' in html
    assert 'value="retirer"' in html
    assert "Vous n&#39;en avez aucune" in html or "Vous n'en avez aucune" in html


def test_erasing_withdraws_certificates_erases_the_person_and_keeps_the_statistics(
    app, login_as, example_course, mailbox
):
    client = login_as(full_name="Inès Leroy", profession="sante", territory="bordeaux")
    code = earn_certificate(app, client)
    before = registered(app)

    response = erase(client)

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/compte").status_code == 302  # signed out
    user = stored(app, client.user.id)
    assert user.email == erased_email(user.id)
    assert user.full_name == ERASED_NAME
    assert user.organisation is None
    assert user.erased_at is not None
    assert user.deactivated_at is not None
    assert log_in(app.test_client(), client.user.email).status_code != 302
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).filter_by(code=code))
        assert certificate.revoked_at is not None
        assert certificate.revocation_reason == WITHDRAWN_REASON
        assert certificate.holder_name == ""
        enrolment = db.session.scalar(sa.select(Enrolment).filter_by(user_id=user.id))
        assert enrolment.completed_at is not None
        assert enrolment.profession.code == "sante"
        event = db.session.scalar(sa.select(AuditEvent).filter_by(action="user.erased"))
        assert event.details == {"certificates": "retirées", "certificate_count": 1}
    assert registered(app) == before
    page = app.test_client().get(f"/verifier/{code}").get_data(as_text=True)
    assert "Inès Leroy" not in page
    assert "nom effacé à la demande du titulaire" in page
    assert WITHDRAWN_REASON in page


def test_a_holder_may_keep_their_certificates_verifiable(app, login_as, example_course):
    client = login_as(full_name="Inès Leroy")
    code = earn_certificate(app, client)

    assert erase(client, certificates="garder").status_code == 302

    page = app.test_client().get(f"/verifier/{code}").get_data(as_text=True)
    assert "Inès Leroy" in page
    assert "révoquée" not in page


def test_a_wrong_password_erases_nothing(app, login_as):
    client = login_as(full_name="Inès Leroy")

    response = erase(client, password="pas mon mot de passe")

    assert response.status_code == 422
    assert "Le mot de passe est incorrect." in response.get_data(as_text=True)
    assert stored(app, client.user.id).erased_at is None
    assert client.get("/compte").status_code == 200


def test_a_missing_choice_is_refused_in_french(app, login_as):
    client = login_as()

    response = erase(client, certificates="n'importe quoi")

    assert response.status_code == 422
    assert stored(app, client.user.id).erased_at is None


def test_the_last_owner_of_a_course_must_hand_it_over_first(app, login_as, example_course):
    client = login_as(Role.TRAINER)
    with app.app_context():
        course = db.session.scalar(sa.select(Course).filter_by(slug=example_course))
        assert authors.make_first_owner(course, client.user.id)
        db.session.commit()

    response = erase(client)

    assert response.status_code == 422
    assert "seule personne responsable d&#39;un cours" in response.get_data(as_text=True)
    assert stored(app, client.user.id).erased_at is None


def test_an_erased_account_cannot_be_reactivated(app, login_as):
    client = login_as()
    assert erase(client).status_code == 302
    admin = login_as(Role.ADMIN)

    response = admin.post(
        f"/admin/comptes/{client.user.id}/reactivation",
        data={"csrf_token": csrf_token(admin, f"/admin/comptes/{client.user.id}")},
        follow_redirects=True,
    )

    assert "ne peut pas être réactivé" in response.get_data(as_text=True)
    assert stored(app, client.user.id).deactivated_at is not None


def test_only_a_signed_in_person_reaches_the_page(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion?next=/compte/suppression")
