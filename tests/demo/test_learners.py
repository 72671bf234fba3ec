"""The demo learners' courses: « Reprendre » after logging in as the demo learner, a finished
common core with a valid certificate for the certified one; loading twice changes nothing.

The common core alone is imported here: `flask demo` as a whole is run by tests/accounts."""

import sqlalchemy as sa

from tests.conftest import log_in
from tests.learning.conftest import ROOT, import_courses
from training.accounts.models import User
from training.catalog.models import Enrolment
from training.certificates import services as certificates
from training.certificates.models import Certificate
from training.demo.cli import DEMO_PASSWORD, load_demo_accounts
from training.demo.learners import (
    CERTIFIED_LEARNER_EMAIL,
    LEARNER_EMAIL,
    STEPS_DONE,
    load_demo_learners,
)
from training.extensions import db
from training.learning.models import StepCompletion


def load_twice(app) -> tuple[int, int]:
    """Load the accounts and learners twice; how many enrolments each run made."""
    import_courses(app, ROOT / "courses" / "socle-commun")
    made = []
    for _ in range(2):
        with app.app_context():
            load_demo_accounts()
            made.append(len(load_demo_learners()))
            db.session.commit()
    return made[0], made[1]


def enrolments_of(email: str) -> list[Enrolment]:
    return db.session.scalars(
        sa.select(Enrolment).join(Enrolment.user).where(User.email == email)
    ).all()


def test_demo_learners_get_their_courses_once(app):
    assert load_twice(app) == (2, 0)
    with app.app_context():
        (in_progress,) = enrolments_of(LEARNER_EMAIL)
        assert in_progress.completed_at is None
        done = db.session.scalar(
            sa.select(sa.func.count(StepCompletion.id)).filter_by(enrolment_id=in_progress.id)
        )
        assert done == STEPS_DONE
        assert certificates.certificate_of(in_progress) is None

        (finished,) = enrolments_of(CERTIFIED_LEARNER_EMAIL)
        assert finished.completed_at is not None
        certificate = certificates.certificate_of(finished)
        assert certificates.status_of(certificate).is_valid
        assert certificate.holder_name == "Théo Certifié"
        assert db.session.scalar(sa.select(sa.func.count(Certificate.id))) == 1


def test_the_demo_learner_is_offered_to_resume_after_logging_in(app):
    load_twice(app)
    learner = app.test_client()
    assert log_in(learner, LEARNER_EMAIL, DEMO_PASSWORD).status_code == 302
    home = learner.get("/").get_data(as_text=True)
    assert "Reprendre votre formation" in home
    assert 'href="/formations/socle-commun/reprendre"' in home

    certified = app.test_client()
    assert log_in(certified, CERTIFIED_LEARNER_EMAIL, DEMO_PASSWORD).status_code == 302
    assert "Reprendre votre formation" not in certified.get("/").get_data(as_text=True)
    course = certified.get("/formations/socle-commun/").get_data(as_text=True)
    assert "Terminée le" in course
    assert "Revoir la formation" in course
