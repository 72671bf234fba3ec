"""Revoking a certificate: a confirmation page says what will happen, the holder is told by
e-mail, and may follow the course again for a new certificate."""

import re
from urllib.parse import urlsplit

import sqlalchemy as sa

from tests.certificates.conftest import earn_certificate
from tests.certificates.test_admin import revoke
from tests.certificates.test_recertification import enrolments_of
from tests.learning.conftest import SLUG, enrol
from training.accounts.models import Role
from training.catalog.models import Enrolment
from training.certificates.models import Certificate
from training.extensions import db

REASON = "Attestation obtenue sous l'identité d'une autre personne."


def test_the_detail_page_leads_to_a_confirmation_page_without_revoking(app, login_as, certified):
    admin = login_as(Role.ADMIN)
    detail = admin.get(f"/admin/attestations/{certified.code}").get_data(as_text=True)
    confirmation_url = f"/admin/attestations/{certified.code}/revocation"
    assert f'href="{confirmation_url}"' in detail
    assert 'method="post"' not in detail.split("<main", 1)[1]  # nothing to submit there
    assert admin.post(f"/admin/attestations/{certified.code}").status_code == 405

    page = admin.get(confirmation_url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"Révoquer l'attestation {certified.code}</h1>" in html
    assert "Nguyễn Thị Ánh" in html
    assert certified.user.email in html  # where the e-mail goes
    assert "La page de vérification publique indiquera dès maintenant" in html
    assert "ne pourra plus télécharger" in html
    assert "pourra suivre à nouveau la formation" in html
    assert "définitive" in html
    assert 'name="reason"' in html
    assert "Confirmer la révocation" in html
    assert "confirm(" not in html  # a page, not a JavaScript dialog
    with app.app_context():
        assert db.session.scalar(sa.select(Certificate.revoked_at)) is None


def test_confirming_revokes_and_mails_the_holder(app, login_as, certified, mailbox):
    admin = login_as(Role.ADMIN)
    response = revoke(admin, certified.code, REASON)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/attestations/{certified.code}"
    assert "est révoquée" in admin.get(response.headers["Location"]).get_data(as_text=True)

    (message,) = mailbox.to(certified.user.email)
    assert message["Subject"] == "Votre attestation a été révoquée"
    body = message.get_content()
    assert "Bonjour Nguyễn Thị Ánh," in body
    assert certified.code in body
    assert "Cours d'exemple" in body
    assert f"Motif : {REASON}" in body
    links = [urlsplit(link).path for link in re.findall(r"https?://\S+", body)]
    assert links == [f"/verifier/{certified.code}", f"/formations/{SLUG}/"]
    assert mailbox.to(admin.user.email) == []


def test_a_refused_confirmation_sends_nothing(login_as, certified, mailbox):
    admin = login_as(Role.ADMIN)
    response = revoke(admin, certified.code, "  ")
    assert response.status_code == 422
    assert "Indiquez le motif de la révocation." in response.get_data(as_text=True)
    assert mailbox.messages == []


def test_an_already_revoked_certificate_shows_no_form_and_mails_once(login_as, certified, mailbox):
    admin = login_as(Role.ADMIN)
    assert revoke(admin, certified.code, REASON).status_code == 302
    page = admin.get(f"/admin/attestations/{certified.code}/revocation").get_data(as_text=True)
    assert "Cette attestation est déjà révoquée." in page
    assert "Confirmer la révocation" not in page
    assert revoke(admin, certified.code, "Autre motif.").status_code == 422
    assert len(mailbox.to(certified.user.email)) == 1


def test_a_mail_that_cannot_leave_is_said_and_the_revocation_stays(
    app, login_as, certified, mailbox, monkeypatch
):
    admin = login_as(Role.ADMIN)
    monkeypatch.setitem(app.config, "MAIL_PORT", 1)  # nothing listens there
    response = revoke(admin, certified.code, REASON)
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "n&#39;a pas pu être envoyé" in page
    with app.app_context():
        assert db.session.scalar(sa.select(Certificate.revoked_at)) is not None


def test_a_deleted_holder_is_not_mailed(app, login_as, certified, mailbox):
    with app.app_context():
        db.session.execute(sa.update(Enrolment).values(user_id=None))
        db.session.commit()
    admin = login_as(Role.ADMIN)
    page = admin.get(f"/admin/attestations/{certified.code}/revocation").get_data(as_text=True)
    assert "personne ne sera prévenu" in page
    assert revoke(admin, certified.code, REASON).status_code == 302
    assert mailbox.messages == []


def test_the_holder_of_a_revoked_certificate_may_follow_the_course_again(app, login_as, certified):
    assert "Suivre à nouveau" not in certified.get(f"/formations/{SLUG}/").get_data(as_text=True)
    assert revoke(login_as(Role.ADMIN), certified.code, REASON).status_code == 302

    course_page = certified.get(f"/formations/{SLUG}/").get_data(as_text=True)
    assert "Votre attestation a été révoquée" in course_page
    assert "Suivre à nouveau la formation (version 1)" in course_page
    dashboard = certified.get("/mon-parcours").get_data(as_text=True)
    assert "Révoquée depuis le" in dashboard
    assert "Suivre à nouveau la formation" in dashboard

    assert enrol(certified).status_code == 302
    assert enrol(certified).status_code == 302  # twice: still one new cycle
    assert enrolments_of(app, certified.user.id) == [(1, 1, True), (2, 1, False)]
    dashboard = certified.get("/mon-parcours").get_data(as_text=True)
    assert "Suivre à nouveau la formation" not in dashboard  # enrolled again already
    assert certified.code in dashboard  # the revoked certificate stays listed

    new_code = earn_certificate(app, certified)
    assert new_code != certified.code
    visitor = app.test_client()
    assert "Attestation valide" in visitor.get(f"/verifier/{new_code}").text
    assert "Attestation révoquée" in visitor.get(f"/verifier/{certified.code}").text
