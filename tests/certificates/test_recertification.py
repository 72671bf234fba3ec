"""Expiry and recertification: a new cycle on the newest version, and a new certificate."""

import shutil
from datetime import timedelta

import sqlalchemy as sa

from tests.certificates.conftest import earn_certificate, expire
from tests.learning.conftest import EXAMPLE, LESSON_1, SLUG, enrol, import_courses
from training.catalog.models import Enrolment
from training.certificates import services
from training.certificates.models import Certificate
from training.extensions import db


def publish_version_2(app, tmp_path) -> None:
    """Publish a second version of the example course, one lesson reworded."""
    course = tmp_path / SLUG
    shutil.copytree(EXAMPLE, course)
    lesson = course / f"{LESSON_1}.md"
    lesson.write_text(lesson.read_text() + "\nUn paragraphe ajouté dans la version 2.\n")
    import_courses(app, course)


def enrolments_of(app, user_id: int) -> list[tuple[int, int, bool]]:
    """(cycle, version number, has a certificate) of each of the learner's enrolments."""
    with app.app_context():
        enrolments = db.session.scalars(
            sa.select(Enrolment).where(Enrolment.user_id == user_id).order_by(Enrolment.cycle)
        ).all()
        return [
            (e.cycle, e.version.number, services.certificate_of(e) is not None) for e in enrolments
        ]


def test_enrolling_again_before_expiry_changes_nothing(app, certified, tmp_path):
    publish_version_2(app, tmp_path)
    assert enrol(certified).status_code == 302
    assert enrolments_of(app, certified.user.id) == [(1, 1, True)]
    assert "Me recertifier" not in certified.get(f"/formations/{SLUG}/").get_data(as_text=True)


def test_an_expired_certificate_offers_and_gives_a_new_cycle_on_the_newest_version(
    app, certified, tmp_path
):
    publish_version_2(app, tmp_path)
    expire(app, certified.code)

    course_page = certified.get(f"/formations/{SLUG}/").get_data(as_text=True)
    assert "Expirée depuis le" in course_page
    assert "Me recertifier (version 2)" in course_page
    assert "Passer à la version 2" not in course_page  # a completed enrolment does not switch
    dashboard = certified.get("/mon-parcours").get_data(as_text=True)
    assert "Expirée depuis le" in dashboard
    assert "Me recertifier" in dashboard

    assert enrol(certified).status_code == 302
    assert enrol(certified).status_code == 302  # twice: still one new cycle
    assert enrolments_of(app, certified.user.id) == [(1, 1, True), (2, 2, False)]
    dashboard = certified.get("/mon-parcours").get_data(as_text=True)
    assert "Me recertifier" not in dashboard  # already enrolled again
    assert certified.code in dashboard  # the expired certificate stays listed

    new_code = earn_certificate(app, certified)
    assert new_code != certified.code
    assert enrolments_of(app, certified.user.id) == [(1, 1, True), (2, 2, True)]
    with app.app_context():
        renewed = db.session.scalar(sa.select(Certificate).filter_by(code=new_code))
        assert (renewed.course_version, renewed.enrolment.cycle) == (2, 2)
        assert services.status_of(renewed).is_valid
    visitor = app.test_client()
    assert "Attestation valide" in visitor.get(f"/verifier/{new_code}").text
    assert "Attestation expirée" in visitor.get(f"/verifier/{certified.code}").text


def test_a_revoked_certificate_gives_a_new_cycle_on_the_newest_version(app, certified, tmp_path):
    publish_version_2(app, tmp_path)
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).filter_by(code=certified.code))
        services.revoke_certificate(certificate, None, "Fraude.")
        db.session.commit()
    enrol(certified)
    assert enrolments_of(app, certified.user.id) == [(1, 1, True), (2, 2, False)]


def test_recertification_is_due_only_once_expired(app, certified):
    with app.app_context():
        enrolment = db.session.scalar(
            sa.select(Enrolment).where(Enrolment.user_id == certified.user.id)
        )
        certificate = services.certificate_of(enrolment)
        assert not services.recertification_due(enrolment)
        assert not services.recertification_due(enrolment, today=certificate.expires_on)
        day_after = certificate.expires_on + timedelta(days=1)
        assert services.recertification_due(enrolment, today=day_after)
        services.revoke_certificate(certificate, None, "Fraude.")
        assert services.recertification_due(enrolment)
