"""`flask privacy purge`: inactive accounts are warned, then erased if still unused; a log-in
keeps them; administrators are never purged; running it again changes nothing."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.certificates.conftest import earn_certificate
from training.accounts.models import Role, User
from training.certificates.models import Certificate
from training.extensions import db
from training.privacy import retention
from training.timeutils import utcnow

YEAR = timedelta(days=365)


def set_user(app, user_id: int, **values) -> None:
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == user_id).values(**values))
        db.session.commit()


def stored(app, user_id: int) -> User:
    with app.app_context():
        return db.session.get(User, user_id)


def run_purge(app, *, days_from_now: int = 0) -> SimpleNamespace:
    """The ids of the accounts warned and erased by a purge run that many days from now."""
    with app.app_context():
        report = retention.purge(dry_run=False, now=utcnow() + timedelta(days=days_from_now))
        db.session.commit()
        return SimpleNamespace(
            warned=[user.id for user in report.warned], erased=[user.id for user in report.erased]
        )


@pytest.fixture
def unused_for_three_years(app, make_user):
    def make(role: Role = Role.LEARNER) -> User:
        user = make_user(role=role)
        set_user(app, user.id, last_login_at=utcnow() - 3 * YEAR - timedelta(days=10))
        return user

    return make


def test_an_account_is_warned_then_erased_a_notice_period_later(app, unused_for_three_years):
    user = unused_for_three_years()
    recent = unused_for_three_years()
    set_user(app, recent.id, last_login_at=utcnow() - YEAR)

    first = run_purge(app)
    again = run_purge(app, days_from_now=1)
    later = run_purge(app, days_from_now=31)

    assert first.warned == [user.id]
    assert first.erased == []
    assert (again.warned, again.erased) == ([], [])
    assert later.erased == [user.id]
    assert stored(app, user.id).erased_at is not None
    assert stored(app, recent.id).erased_at is None
    assert (run_purge(app, days_from_now=32).erased) == []


def test_a_log_in_after_the_warning_keeps_the_account(app, unused_for_three_years):
    user = unused_for_three_years()
    run_purge(app)
    set_user(app, user.id, last_login_at=utcnow() + timedelta(days=2))

    report = run_purge(app, days_from_now=31)

    assert report.erased == []
    assert stored(app, user.id).erased_at is None


def test_administrators_are_never_purged(app, unused_for_three_years):
    admin = unused_for_three_years(Role.ADMIN)

    assert run_purge(app).warned == []
    assert run_purge(app, days_from_now=400).erased == []
    assert stored(app, admin.id).erased_at is None


def test_purged_accounts_keep_their_certificates_verifiable(
    app, login_as, example_course, unused_for_three_years
):
    client = login_as(full_name="Inès Leroy")
    code = earn_certificate(app, client)
    set_user(app, client.user.id, last_login_at=utcnow() - 3 * YEAR - timedelta(days=10))

    run_purge(app)
    run_purge(app, days_from_now=31)

    assert stored(app, client.user.id).erased_at is not None
    with app.app_context():
        certificate = db.session.scalar(sa.select(Certificate).filter_by(code=code))
        assert certificate.revoked_at is None
        assert certificate.holder_name == "Inès Leroy"


def test_the_command_warns_by_e_mail_and_a_dry_run_changes_nothing(
    app, unused_for_three_years, mailbox
):
    user = unused_for_three_years()
    runner = app.test_cli_runner()

    dry = runner.invoke(args=["privacy", "purge", "--dry-run"])

    assert dry.exit_code == 0, dry.output
    assert "1 compte(s) seraient prévenu(s), 0 compte(s) seraient effacé(s)" in dry.output
    assert stored(app, user.id).inactivity_warned_at is None
    assert mailbox.to(user.email) == []

    real = runner.invoke(args=["privacy", "purge"])

    assert real.exit_code == 0, real.output
    assert "1 compte(s) sont prévenu(s)" in real.output
    assert stored(app, user.id).inactivity_warned_at is not None
    [message] = mailbox.to(user.email)
    assert "sera supprimé au plus" in message.get_content()
    assert "/connexion" in message.get_content()


def test_the_privacy_notice_states_the_retention_and_the_erasure(client):
    html = client.get("/donnees-personnelles").get_data(as_text=True)

    assert "Un compte inutilisé depuis\n  3 ans est supprimé" in html
    assert "30 jours avant" in html
    assert "« Supprimer mon compte »" in html
