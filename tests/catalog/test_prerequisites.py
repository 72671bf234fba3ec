"""Prerequisites: a track is open from the catalogue once the common core is completed; the course
page says where the learner stands; a session's trainer may still take anyone in."""

import re

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token
from tests.learning.conftest import ROOT, complete_course, enrol, import_courses
from training.accounts.models import Role
from training.catalog import services as catalog
from training.catalog.models import Enrolment
from training.content.models import Course
from training.extensions import db
from training.sessions import services as sessions
from training.sessions.models import SessionMember

TRACK = "enseignants"
CORE_TITLE = "Repérer et signaler la traite des êtres humains : le socle commun"


@pytest.fixture
def track(app):
    import_courses(app, ROOT / "courses" / "socle-commun", ROOT / "courses" / TRACK)


def enrolments_of(app, user) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Course.slug)
                .join(Enrolment, Enrolment.course_id == Course.id)
                .where(Enrolment.user_id == user.id)
            )
        )


def prerequisite_line(page: str) -> str:
    return re.sub(r"\s+", " ", re.search(r'<p [^>]*id="prerequis">(.*?)</p>', page, re.S).group(1))


def test_the_track_page_names_the_common_core_as_not_completed(login_as, track):
    client = login_as()
    page = client.get(f"/formations/{TRACK}/").get_data(as_text=True)

    line = prerequisite_line(page)
    assert line.startswith("<strong>Prérequis :</strong>")
    assert f'<a href="/formations/socle-commun/">{CORE_TITLE}</a>' in line
    assert "non terminée" in line
    assert "terminez d'abord la formation" in page
    assert "S'inscrire</button>" not in page


def test_enrolling_before_the_common_core_is_refused_with_a_link_to_it(app, login_as, track):
    client = login_as()
    response = enrol(client, TRACK)
    page = response.get_data(as_text=True)

    assert response.status_code == 403
    assert (
        "Pour vous inscrire à cette formation, terminez d&#39;abord la formation"
        f" « {CORE_TITLE} »." in page
    )
    assert f'<a href="/formations/socle-commun/">Voir la formation « {CORE_TITLE} »</a>' in page
    assert enrolments_of(app, client.user) == []


def test_the_common_core_completed_opens_the_track(app, login_as, track):
    client = login_as()
    complete_course(app, client.user, "socle-commun")
    page = client.get(f"/formations/{TRACK}/").get_data(as_text=True)

    line = prerequisite_line(page)
    assert "fr-badge--success" in line
    assert "terminée" in line
    assert "non terminée" not in line
    assert "S'inscrire</button>" in page
    assert enrol(client, TRACK).status_code == 302
    assert sorted(enrolments_of(app, client.user)) == ["enseignants", "socle-commun"]


def test_a_visitor_sees_the_prerequisite_without_a_status(client, track):
    line = prerequisite_line(client.get(f"/formations/{TRACK}/").get_data(as_text=True))
    assert CORE_TITLE in line
    assert "terminée" not in line


def test_the_common_core_itself_has_no_prerequisite(login_as, track):
    page = login_as().get("/formations/socle-commun/").get_data(as_text=True)
    assert 'id="prerequis"' not in page
    assert "S'inscrire</button>" in page


def test_a_learner_already_enrolled_keeps_the_track(app, login_as, track):
    """Enrolled before the rule (or by a session): enrolling again is still harmless."""
    client = login_as()
    with app.app_context():
        course = db.session.scalar(sa.select(Course).filter_by(slug=TRACK))
        catalog.enrol(db.session.merge(client.user), course)
        db.session.commit()
    assert enrol(client, TRACK).status_code == 302
    page = client.get(f"/formations/{TRACK}/").get_data(as_text=True)
    assert "Commencer</a>" in page


def test_joining_a_session_on_the_track_is_not_refused_but_advised(app, login_as, make_user, track):
    from tests.sessions.conftest import plan

    trainer = make_user(role=Role.TRAINER)
    with app.app_context():
        session = sessions.create_session(db.session.merge(trainer), plan(TRACK))
        db.session.commit()
        code = session.join_code
    client = login_as()
    page = client.get(f"/sessions/rejoindre/{code}").get_data(as_text=True)
    assert "Conseil avant de commencer" in page
    assert f'<a href="/formations/socle-commun/">« {CORE_TITLE} »</a>' in page

    response = client.post(
        f"/sessions/rejoindre/{code}",
        data={"csrf_token": csrf_token(client, f"/sessions/rejoindre/{code}")},
    )
    assert response.status_code == 302
    assert enrolments_of(app, client.user) == [TRACK]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SessionMember.id))) == 1


def test_no_advice_once_the_common_core_is_completed(app, login_as, make_user, track):
    from tests.sessions.conftest import plan

    trainer = make_user(role=Role.TRAINER)
    with app.app_context():
        session = sessions.create_session(db.session.merge(trainer), plan(TRACK))
        db.session.commit()
        code = session.join_code
    client = login_as()
    complete_course(app, client.user, "socle-commun")
    page = client.get(f"/sessions/rejoindre/{code}").get_data(as_text=True)
    assert "Conseil avant de commencer" not in page
    assert "Rejoindre la session</button>" in page


def certify(app, user, slug: str) -> str:
    """Record `user` as having completed `slug`, with its certificate; returns its code."""
    from training.certificates.services import issue_certificate

    complete_course(app, user, slug)
    with app.app_context():
        enrolment = catalog.current_enrolment(db.session.merge(user), catalog.course_by_slug(slug))
        code = issue_certificate(enrolment).code
        db.session.commit()
        return code


def test_a_revoked_certificate_no_longer_opens_the_track(app, login_as, track):
    """Revoking says the course no longer counts: the learner takes it again first."""
    from training.certificates.services import find_by_code, revoke_certificate

    client = login_as()
    code = certify(app, client.user, "socle-commun")
    with app.app_context():
        revoke_certificate(find_by_code(code), None, "Attestation obtenue par erreur.")
        db.session.commit()

    page = client.get(f"/formations/{TRACK}/").get_data(as_text=True)
    assert "non terminée" in prerequisite_line(page)
    assert "S'inscrire</button>" not in page
    assert enrol(client, TRACK).status_code == 403
    assert enrolments_of(app, client.user) == ["socle-commun"]

    # Taken again (a new cycle) and completed, it counts once more.
    enrol(client, "socle-commun")
    with app.app_context():
        enrolment = catalog.current_enrolment(
            db.session.merge(client.user), catalog.course_by_slug("socle-commun")
        )
        assert enrolment.cycle == 2
        enrolment.completed_at = enrolment.enrolled_at
        db.session.commit()
    assert enrol(client, TRACK).status_code == 302


def test_an_expired_certificate_still_opens_the_track(app, login_as, track):
    """Expiry asks for recertification, but the course was completed: it still counts."""
    from training.certificates.models import Certificate

    client = login_as()
    code = certify(app, client.user, "socle-commun")
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).filter_by(code=code))
        certificate.completed_on = certificate.completed_on.replace(year=2020)
        certificate.expires_on = certificate.completed_on.replace(year=2021)
        db.session.commit()
    assert enrol(client, TRACK).status_code == 302
