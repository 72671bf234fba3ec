"""Issuing a certificate when the journey completes: once, in the same transaction, frozen."""

import io
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from tests.certificates.conftest import earn_certificate, needs_tools, scan_qr_code
from tests.learning.conftest import (
    LESSON_1,
    LESSON_2,
    SLUG,
    enrol,
    finish_lesson,
    quiz_answers,
    start_attempt,
    submit,
)
from training.accounts.models import User
from training.catalog.models import Enrolment
from training.certificates import codes, services, urls
from training.certificates.models import Certificate
from training.extensions import db
from training.timeutils import PARIS, utcnow
from training.urls import site_root


def certificate(app, code: str) -> Certificate:
    with app.app_context():
        found = db.session.scalar(sa.select(Certificate).where(Certificate.code == code))
        found.enrolment_cycle = found.enrolment.cycle
        return found


def enrolment_of(user_id: int) -> Enrolment:
    return db.session.scalar(sa.select(Enrolment).where(Enrolment.user_id == user_id))


def test_completing_the_course_issues_one_certificate_stating_the_course(app, certified):
    issued = certificate(app, certified.code)
    today = utcnow().astimezone(PARIS).date()
    assert issued.holder_name == "Nguyễn Thị Ánh"
    assert issued.course_slug == SLUG
    assert issued.course_title == "Cours d'exemple : le format des fichiers"
    assert (issued.course_version, issued.course_minutes) == (1, 10)
    assert issued.completed_on == today
    assert issued.expires_on == services.add_months(today, 24)  # certificate_validity_months
    assert issued.issuer == app.config["CERTIFICATE_ISSUER"]
    assert issued.revoked_at is None
    assert codes.normalise_code(issued.code) == issued.code
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 1


def test_no_certificate_before_the_last_step(app, login_as, example_course):
    client = login_as()
    enrol(client)
    finish_lesson(client, LESSON_1)
    finish_lesson(client, LESSON_2)  # the quiz is still to pass
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 0
    assert "Mes attestations" in client.get("/mon-parcours").get_data(as_text=True)
    assert "pas encore d'attestation" in client.get("/mon-parcours").get_data(as_text=True)


def test_the_pdf_states_the_holder_the_course_and_the_code(app, certified):
    response = certified.get(f"/attestations/{certified.code}.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="attestation-{certified.code}.pdf"'
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    compact = "".join(text.split())
    for expected in (
        "Nguyễn Thị Ánh",
        "Cours d'exemple : le format des fichiers",
        certified.code,
        f"http://formation.test/verifier/{certified.code}",  # the QR code's caption
    ):
        assert "".join(expected.split()) in compact, expected


@needs_tools("pdftoppm", "zbarimg")
def test_the_downloaded_qr_code_scans_to_the_verification_page(certified, tmp_path):
    pdf = certified.get(f"/attestations/{certified.code}.pdf").data
    scanned = scan_qr_code(pdf, tmp_path)
    assert scanned == f"http://formation.test/verifier/{certified.code}"
    assert certified.get(scanned).status_code == 200


def test_the_verification_url_uses_site_url_when_set(app, certified, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", "https://formation.exemple.gouv.fr")
    pdf = certified.get(f"/attestations/{certified.code}.pdf").data
    text = "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert f"https://formation.exemple.gouv.fr/verifier/{certified.code}" in text
    with app.app_context():  # outside any request too
        assert urls.verification_url("TEH-0000-0000-0000") == (
            "https://formation.exemple.gouv.fr/verifier/TEH-0000-0000-0000"
        )
        assert site_root() == "https://formation.exemple.gouv.fr"


def test_the_certificate_keeps_the_name_it_was_issued_with(app, certified):
    with app.app_context():
        user = db.session.get(User, certified.user.id)
        user.full_name = "Ánh Nguyễn-Martin"
        db.session.commit()
    assert certificate(app, certified.code).holder_name == "Nguyễn Thị Ánh"
    text = PdfReader(io.BytesIO(certified.get(f"/attestations/{certified.code}.pdf").data))
    assert "Nguyễn Thị Ánh" in text.pages[0].extract_text()


def test_the_course_page_and_my_journey_show_the_certificate(certified):
    for url in (f"/formations/{SLUG}/", "/mon-parcours"):
        html = certified.get(url).get_data(as_text=True)
        assert certified.code in html
        assert f'href="/attestations/{certified.code}.pdf"' in html
        assert f'href="/attestations/{certified.code}/open-badge.jwt"' in html
        assert f'href="/verifier/{certified.code}"' in html
        assert "Valide" in html


def test_issuing_twice_returns_the_same_certificate(app, certified):
    with app.app_context():
        enrolment = enrolment_of(certified.user.id)
        assert services.issue_certificate(enrolment).code == certified.code
        assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 1


def test_a_code_collision_is_retried_with_a_new_code(app, login_as, certified, monkeypatch):
    fresh = codes.generate_code()
    draws = iter([certified.code, certified.code, fresh])
    monkeypatch.setattr(codes, "generate_code", lambda: next(draws))
    other = login_as(email="autre@exemple.fr")
    assert earn_certificate(app, other) == fresh
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 2


def test_an_unfinished_enrolment_gets_no_certificate(app, login_as, example_course):
    client = login_as()
    enrol(client)
    with app.app_context():
        enrolment = enrolment_of(client.user.id)
        with pytest.raises(services.CertificateError):
            services.issue_certificate(enrolment)


def test_the_certificate_is_part_of_the_completions_transaction(
    app, login_as, example_course, monkeypatch
):
    """If issuing fails, the completion is not recorded either: they commit together."""
    client = login_as()
    enrol(client)
    finish_lesson(client, LESSON_1)
    finish_lesson(client, LESSON_2)
    attempt = start_attempt(client)

    def broken(_enrolment):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "issue_certificate", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    assert submit(client, attempt, quiz_answers(app, True)).status_code == 500
    with app.app_context():
        enrolment = enrolment_of(client.user.id)
        assert enrolment.completed_at is None
        assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 0


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 11, 28), 24, date(2028, 11, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2027, 12, 31), 2, date(2028, 2, 29)),
        (date(2026, 11, 28), 36, date(2029, 11, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
    ],
)
def test_add_months(day, months, expected):
    assert services.add_months(day, months) == expected


def test_no_validity_means_no_expiry():
    assert services.expiry_for(date(2026, 11, 28), None) is None


def test_status_on_a_given_day():
    """Valid through the expiry date, expired from the next day; revocation wins."""
    certificate = Certificate(completed_on=date(2026, 11, 28), expires_on=date(2028, 11, 28))
    assert services.status_of(certificate, date(2028, 11, 28)) == services.Status("valid")
    assert services.status_of(certificate, date(2028, 11, 29)) == services.Status(
        "expired", date(2028, 11, 29)
    )
    # 23:30 UTC on 1 December is already 2 December in Paris.
    certificate.revoked_at = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    assert services.status_of(certificate, date(2030, 1, 1)) == services.Status(
        "revoked", date(2026, 12, 2)
    )
    never = Certificate(completed_on=date(2026, 11, 28), expires_on=None)
    assert services.status_of(never, date(2099, 1, 1)).is_valid
