"""Simultaneous joins on PostgreSQL, from separate connections: capacity and one membership
per person hold (the session row lock and the unique constraint in services.join_session)."""

import pytest
import sqlalchemy as sa

from tests.learning.conftest import EXAMPLE
from tests.learning.test_concurrency import THREADS, run_together
from tests.sessions.conftest import plan
from training.catalog.models import Enrolment
from training.content import services as content
from training.extensions import db
from training.sessions import services
from training.sessions.models import SessionMember, TrainingSession

pytestmark = pytest.mark.postgresql_only


def committed_session(app, trainer, capacity: int | None) -> int:
    with app.app_context():
        content.import_courses([EXAMPLE])
        session = services.create_session(db.session.merge(trainer), plan(capacity=capacity))
        db.session.commit()
        return session.id


def test_twenty_learners_joining_a_session_of_five_make_five_members(app, trainer, make_user):
    session_id = committed_session(app, trainer, capacity=5)
    learners = [make_user() for _ in range(THREADS)]
    queue = list(learners)

    def join():
        user = queue.pop()
        session = db.session.get(TrainingSession, session_id)
        return services.join_session(db.session.merge(user), session).id

    results = run_together(app, join)
    joined = [result for result in results if isinstance(result, int)]
    refused = [result for result in results if isinstance(result, services.SessionError)]
    assert len(joined) == 5, results
    assert len(refused) == THREADS - 5, results
    assert all("complète" in str(error) for error in refused)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SessionMember.id))) == 5
        # Refused learners were not enrolled either: enrolment happens under the lock.
        assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 5


def test_one_learner_joining_twenty_times_at_once_makes_one_membership(app, trainer, make_user):
    session_id = committed_session(app, trainer, capacity=None)
    learner = make_user()

    def join():
        session = db.session.get(TrainingSession, session_id)
        return services.join_session(db.session.merge(learner), session).id

    results = run_together(app, join)
    assert all(isinstance(result, int) for result in results), results
    assert len(set(results)) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SessionMember.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 1


def test_twenty_reminders_at_once_make_one_per_member(app, trainer, make_user):
    """The unique (member, day) constraint: concurrent sends claim each member once."""
    from training.certificates.services import paris_today
    from training.sessions import follow_up
    from training.sessions.models import Reminder

    session_id = committed_session(app, trainer, capacity=None)
    for _ in range(3):
        with app.app_context():
            session = db.session.get(TrainingSession, session_id)
            services.join_session(db.session.merge(make_user()), session)
            db.session.commit()

    def remind():
        session = db.session.get(TrainingSession, session_id)
        claimed = follow_up.record_reminders(db.session.merge(trainer), session, paris_today())
        return len(claimed)

    results = run_together(app, remind)
    assert all(isinstance(result, int) for result in results), results
    assert sum(results) == 3
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Reminder.id))) == 3


def test_twenty_grants_at_once_make_one_extra_attempt(app, trainer, make_user):
    """The unique (enrolment, quiz, attempts used) constraint: one grant per used-up quiz."""
    from tests.sessions.conftest import QUIZ, take_quiz
    from training.learning.grants import ExtraAttempt
    from training.sessions import follow_up

    session_id = committed_session(app, trainer, capacity=None)
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        member = services.join_session(db.session.merge(make_user()), session)
        db.session.commit()
        member_id, enrolment_id = member.id, member.enrolment_id
    for _ in range(3):
        take_quiz(app, enrolment_id, [False, False, False])

    def grant():
        session = db.session.get(TrainingSession, session_id)
        return follow_up.grant_extra_attempt(db.session.merge(trainer), session, member_id, QUIZ).id

    results = run_together(app, grant)
    assert len([result for result in results if isinstance(result, int)]) == 1, results
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ExtraAttempt.id))) == 1
