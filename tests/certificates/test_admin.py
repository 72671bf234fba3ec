"""Admins list, search and revoke certificates: a confirmation page first; the revocation is then
public at once, audited, mailed to the holder, who may follow the course again."""

import re

import pytest
import sqlalchemy as sa

from tests.certificates.conftest import earn_certificate
from tests.conftest import csrf_token
from training.accounts.models import Role
from training.audit.models import AuditEvent
from training.certificates.models import Certificate
from training.extensions import db


def revoke(client, code: str, reason: str):
    """Confirm the revocation on its confirmation page, as the admin's button does."""
    url = f"/admin/attestations/{code}/revocation"
    return client.post(url, data={"reason": reason, "csrf_token": csrf_token(client, "/")})


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.MONITOR])
def test_only_admins_reach_the_certificate_pages(login_as, certified, role):
    client = login_as(role)
    assert client.get("/admin/attestations").status_code == 403
    assert client.get(f"/admin/attestations/{certified.code}").status_code == 403
    assert client.get(f"/admin/attestations/{certified.code}/revocation").status_code == 403
    assert revoke(client, certified.code, "Fraude.").status_code == 403


def test_revocation_is_public_at_once_and_audited(app, login_as, certified):
    admin = login_as(Role.ADMIN, full_name="Alice Administratrice")
    assert "Attestation valide" in app.test_client().get(f"/verifier/{certified.code}").text

    reason = "Attestation obtenue sous l'identité d'une autre personne."
    response = revoke(admin, certified.code, reason)
    assert response.status_code == 302
    page = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "est révoquée" in page
    assert "par Alice Administratrice" in page

    public = app.test_client().get(f"/verifier/{certified.code}").get_data(as_text=True)
    assert "Attestation révoquée depuis le" in public
    assert "Attestation obtenue sous l&#39;identité d&#39;une autre personne." in public

    with app.app_context():
        stored = db.session.scalar(sa.select(Certificate).filter_by(code=certified.code))
        assert stored.revoked_by_id == admin.user.id
        assert stored.revocation_reason == reason
        (event,) = db.session.scalars(
            sa.select(AuditEvent).filter_by(action="certificate.revoked")
        ).all()
        assert (event.actor_id, event.target_type, event.target_id) == (
            admin.user.id,
            "certificate",
            certified.code,
        )
        assert event.details["reason"] == reason
    journal = admin.get("/admin/journal").get_data(as_text=True)
    assert "<td>Attestation révoquée</td>" in journal
    assert f"<td>Attestation {certified.code} de Nguyễn Thị Ánh</td>" in journal


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_a_revocation_needs_a_reason(app, login_as, certified, reason):
    admin = login_as(Role.ADMIN)
    response = revoke(admin, certified.code, reason)
    assert response.status_code == 422
    assert "Indiquez le motif de la révocation." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Certificate.revoked_at)) is None
        assert (
            db.session.scalar(
                sa.select(sa.func.count(AuditEvent.id)).filter_by(action="certificate.revoked")
            )
            == 0
        )


def test_a_revocation_happens_once(app, login_as, certified):
    admin = login_as(Role.ADMIN)
    url = f"/admin/attestations/{certified.code}/revocation"
    token = csrf_token(admin, url)
    assert admin.post(url, data={"reason": "Erreur.", "csrf_token": token}).status_code == 302
    again = admin.post(url, data={"reason": "Autre motif.", "csrf_token": token})
    assert again.status_code == 422
    assert "déjà révoquée" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Certificate.revocation_reason)) == "Erreur."


def test_the_list_searches_by_code_or_holder(app, login_as, certified):
    other = login_as(full_name="Jean Dupont")
    other_code = earn_certificate(app, other)
    admin = login_as(Role.ADMIN)

    def listed(query: str) -> set[str]:
        html = admin.get("/admin/attestations", query_string={"q": query}).get_data(as_text=True)
        return set(re.findall(r"TEH-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", html))

    assert listed("") == {certified.code, other_code}
    assert listed("dupont") == {other_code}
    assert listed("Nguyễn") == {certified.code}
    assert listed(certified.code.lower().replace("-", " ")) == {certified.code}
    assert listed(other_code[4:9]) == {other_code}
    assert listed("personne") == set()
    assert listed("50%_") == set()


def test_an_unknown_code_is_404_for_admins_too(login_as):
    admin = login_as(Role.ADMIN)
    assert admin.get("/admin/attestations/TEH-0000-0000-0000").status_code == 404
    assert admin.get("/admin/attestations/n-importe-quoi").status_code == 404


def test_admins_see_the_certificates_link_in_the_menu(login_as):
    assert 'href="/admin/attestations"' in login_as(Role.ADMIN).get("/").get_data(as_text=True)
    assert 'href="/admin/attestations"' not in login_as().get("/").get_data(as_text=True)
