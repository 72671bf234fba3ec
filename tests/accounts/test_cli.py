"""Command-line account tools: `flask users create-admin` and `flask demo`."""

import sqlalchemy as sa

from training.accounts.models import User
from training.extensions import db


def test_create_admin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create-admin", "Chef@Exemple.fr", "--password", "une phrase bien longue"]
    )
    assert result.exit_code == 0, result.output
    assert "chef@exemple.fr" in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).filter_by(email="chef@exemple.fr"))
        assert user.role == "admin"
        assert user.is_confirmed


def test_create_admin_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", "chef@exemple.fr", "--password", "court"]
    )
    assert result.exit_code != 0
    assert "au moins 12 caractères" in result.output


def test_create_admin_promotes_an_existing_account(app, make_user):
    make_user("agent@exemple.fr")
    result = app.test_cli_runner().invoke(
        args=["users", "create-admin", "agent@exemple.fr", "--password", "peu importe ici"]
    )
    assert result.exit_code == 0
    with app.app_context():
        assert (
            db.session.scalar(sa.select(User.role).filter_by(email="agent@exemple.fr")) == "admin"
        )


def test_demo_creates_one_account_per_role_and_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == second.exit_code == 0
    assert "demonstration-traite-2026" in first.output
    assert "déjà présent" in second.output
    with app.app_context():
        roles = db.session.scalars(
            sa.select(User.role).where(
                User.email.like("%@demo.example.org"), User.email.not_like("stat-%")
            )
        ).all()
    assert sorted(roles) == ["admin", "learner", "learner", "monitor", "trainer"]
    assert "Activité de démonstration pour le suivi" in first.output
    assert "Activité de démonstration" not in second.output
    assert "apprenant@demo.example.org : en cours" in first.output
    assert "apprenant.certifie@demo.example.org : terminé, attestation valide" in first.output
    assert "apprenants de démonstration" not in second.output


def test_every_demo_account_can_log_in_through_the_form(app):
    from tests.conftest import log_in
    from training.demo.cli import DEMO_ACCOUNTS, DEMO_PASSWORD

    app.test_cli_runner().invoke(args=["demo"])
    for email, *_ in DEMO_ACCOUNTS:
        assert log_in(app.test_client(), email, DEMO_PASSWORD).status_code == 302, email


def test_demo_gives_the_trainer_a_session_and_statistics_to_read(app):
    """A session, quiz statistics with figures to read, and scenario plays: every demo
    completion of a scenario comes with its plays, and the first stage's choice counts show
    harmful choices taken as well as best ones."""
    from training.catalog.services import latest_versions
    from training.content.models import Step
    from training.learning.models import ScenarioAttempt, StepCompletion
    from training.sessions.models import SessionMember, TrainingSession
    from training.sessions.statistics import quiz_report, scenario_report

    runner = app.test_cli_runner()
    assert "Session de démonstration du formateur" in runner.invoke(args=["demo"]).output
    assert "Session de démonstration" not in runner.invoke(args=["demo"]).output
    with app.app_context():
        session = db.session.scalars(sa.select(TrainingSession)).one()
        assert session.trainer.email == "formateur@demo.example.org"
        members = db.session.scalars(sa.select(SessionMember).filter_by(session=session)).all()
        assert len(members) == 16
        assert {m.enrolment.course_id for m in members} == {session.course_id}
        teachers = next(v for v in latest_versions() if v.course.slug == "enseignants")
        final = db.session.scalar(
            sa.select(Step).filter_by(
                version_id=teachers.id, key="04-evaluation-et-ressources/01-quiz-final"
            )
        )
        report = quiz_report(final)
        in_session = quiz_report(final, session)
        scenario = db.session.scalar(
            sa.select(Step).filter_by(version_id=teachers.id, kind="scenario")
        )
        plays = scenario_report(scenario)
        passed = db.session.scalar(
            sa.select(sa.func.count(sa.distinct(ScenarioAttempt.enrolment_id))).where(
                ScenarioAttempt.step_id == scenario.id, ScenarioAttempt.passed
            )
        )
        done = db.session.scalar(
            sa.select(sa.func.count(StepCompletion.id)).where(StepCompletion.step_id == scenario.id)
        )
    assert plays.plays >= 50
    assert plays.stages[0].choices is not None
    assert {c.rating for c, count in plays.stages[0].choices if count} >= {"best", "harmful"}
    assert passed == done
    assert in_session.statistics is not None
    assert 5 <= in_session.attempts < report.attempts
    assert report.statistics is not None
    assert report.attempts == report.statistics.attempts >= 100
    facilities = [question.facility for question in report.statistics.questions]
    assert min(facilities) < 70 < max(facilities)
    assert all(q.discrimination and q.discrimination > 0 for q in report.statistics.questions)
