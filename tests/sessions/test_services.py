"""Creating, editing and joining sessions, through the services."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.sessions.conftest import join, plan
from training.accounts.models import Role
from training.catalog.models import Enrolment
from training.certificates.services import paris_today
from training.extensions import db
from training.sessions import services
from training.sessions.models import (
    JOIN_CODE_ALPHABET,
    Attendance,
    SessionMember,
    TrainingSession,
)


def members_of(app, session_id: int) -> list[SessionMember]:
    with app.app_context():
        return db.session.scalars(
            sa.select(SessionMember).where(SessionMember.session_id == session_id)
        ).all()


def test_create_session_with_days_and_a_join_code(app, trainer, example_course):
    today = paris_today()
    with app.app_context():
        session = services.create_session(
            db.session.merge(trainer),
            plan(
                name="  Enseignants   de Bordeaux ",
                capacity=12,
                days=((today + timedelta(days=9), "ENM, salle 2"), (today, " Rectorat ")),
            ),
        )
        db.session.commit()
        assert session.name == "Enseignants de Bordeaux"
        assert session.trainer_id == trainer.id
        assert session.capacity == 12
        assert [(d.held_on, d.place) for d in session.days] == [
            (today, "Rectorat"),
            (today + timedelta(days=9), "ENM, salle 2"),
        ]
        assert len(session.join_code) == 8
        assert set(session.join_code) <= set(JOIN_CODE_ALPHABET)
        assert session.display_code == f"{session.join_code[:4]}-{session.join_code[4:]}"
        assert session.closed_at is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"ends_on": -1}, "La date de fin doit être égale ou postérieure à la date de début."),
        ({"capacity": 0}, "La capacité doit être d'au moins une place."),
        ({"name": "   "}, "Indiquez le nom de la session."),
        ({"days": ((40, "Paris"),)}, "entre le début et la fin de la session"),
        ({"days": ((1, "Paris"), (1, "Lyon"))}, "ne peuvent pas avoir la même date"),
        ({"days": ((1, "  "),)}, "Indiquez le lieu"),
    ],
)
def test_bad_plans_are_refused_in_french_and_write_nothing(
    app, trainer, example_course, changes, message
):
    today = paris_today()
    kwargs = dict(changes)
    if "ends_on" in kwargs:
        kwargs["ends_on"] = today + timedelta(days=kwargs["ends_on"])
    if "days" in kwargs:
        kwargs["days"] = tuple((today + timedelta(days=d), p) for d, p in kwargs["days"])
    with app.app_context():
        with pytest.raises(services.SessionError, match=message):
            services.create_session(db.session.merge(trainer), plan(**kwargs))
        assert db.session.scalar(sa.select(sa.func.count(TrainingSession.id))) == 0


def test_the_database_refuses_reversed_dates_and_zero_capacity(app, trainer, example_course):
    """The invariants hold even for a writer that skips the service."""
    from sqlalchemy.exc import IntegrityError

    today = paris_today()
    for changes in ({"ends_on": today - timedelta(days=1)}, {"capacity": 0}):
        with app.app_context():
            fields = {
                "name": "x",
                "course_id": plan().course.id,
                "territory_id": plan().territory.id,
                "trainer_id": trainer.id,
                "starts_on": today,
                "ends_on": today,
                "join_code": "ABCDEFGH",
            }
            db.session.add(TrainingSession(**{**fields, **changes}))
            with pytest.raises(IntegrityError):
                db.session.flush()
            db.session.rollback()


def test_join_enrols_in_the_course_and_is_idempotent(app, trainer, make_user, make_session):
    session_id = make_session(trainer)
    learner = make_user()
    first = join(app, learner, session_id)
    second = join(app, learner, session_id)
    assert first.id == second.id
    assert len(members_of(app, session_id)) == 1
    with app.app_context():
        enrolment = db.session.get(Enrolment, first.enrolment_id)
        assert enrolment.user_id == learner.id
        assert enrolment.course.slug == "exemple-cours"
        assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 1


def test_joining_keeps_an_existing_enrolment(app, trainer, make_user, make_session):
    from training.catalog.services import enrol
    from training.content.models import Course

    learner = make_user()
    with app.app_context():
        course = db.session.scalar(sa.select(Course).filter_by(slug="exemple-cours"))
        enrolment_id = enrol(db.session.merge(learner), course).id
        db.session.commit()
    member = join(app, learner, make_session(trainer))
    assert member.enrolment_id == enrolment_id


def test_a_learner_may_join_several_sessions(app, trainer, make_user, make_session):
    learner = make_user()
    first, second = make_session(trainer), make_session(trainer, name="Autre session")
    join(app, learner, first)
    join(app, learner, second)
    with app.app_context():
        sessions = services.sessions_of_member(db.session.merge(learner))
        assert {s.id for s in sessions} == {first, second}


def _refused(app, user, session_id, message):
    with app.app_context(), pytest.raises(services.SessionError, match=message):
        services.join_session(db.session.merge(user), db.session.get(TrainingSession, session_id))


def test_closed_ended_and_full_sessions_are_refused_in_french(
    app, trainer, make_user, make_session
):
    today = paris_today()
    closed = make_session(trainer)
    with app.app_context():
        services.close_session(db.session.get(TrainingSession, closed))
        db.session.commit()
    ended = make_session(
        trainer, starts_on=today - timedelta(days=10), ends_on=today - timedelta(days=1)
    )
    full = make_session(trainer, capacity=1)
    join(app, make_user(), full)
    learner = make_user()
    _refused(app, learner, closed, "Cette session est close")
    _refused(app, learner, ended, "Cette session est terminée")
    _refused(app, learner, full, "Cette session est complète")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(SessionMember.id))) == 1
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Enrolment.id)).where(Enrolment.user_id == learner.id)
            )
            == 0
        )


def test_a_session_ending_today_may_still_be_joined(app, trainer, make_user, make_session):
    today = paris_today()
    session_id = make_session(trainer, starts_on=today - timedelta(days=3), ends_on=today)
    assert join(app, make_user(), session_id).session_id == session_id


def test_a_member_keeps_their_place_once_the_session_is_closed_or_full(
    app, trainer, make_user, make_session
):
    session_id = make_session(trainer, capacity=1)
    learner = make_user()
    member = join(app, learner, session_id)
    with app.app_context():
        services.close_session(db.session.get(TrainingSession, session_id))
        db.session.commit()
    assert join(app, learner, session_id).id == member.id


def test_reopening_lets_people_join_again(app, trainer, make_user, make_session):
    session_id = make_session(trainer)
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        services.close_session(session)
        services.reopen_session(session)
        db.session.commit()
    assert join(app, make_user(), session_id)


def test_an_unconfirmed_account_cannot_join(app, trainer, make_user, make_session):
    _refused(app, make_user(confirmed=False), make_session(trainer), "Confirmez d'abord")


def test_capacity_counts_members_of_this_session_only(app, trainer, make_user, make_session):
    small = make_session(trainer, capacity=2)
    other = make_session(trainer)
    for _ in range(3):
        join(app, make_user(), other)
    join(app, make_user(), small)
    join(app, make_user(), small)
    _refused(app, make_user(), small, "complète")
    assert len(members_of(app, small)) == 2


def test_update_keeps_days_by_date_with_their_attendance(app, trainer, make_user, make_session):
    today = paris_today()
    day1, day2 = today + timedelta(days=1), today + timedelta(days=2)
    session_id = make_session(trainer, days=((day1, "Salle A"), (day2, "Salle B")))
    member = join(app, make_user(), session_id)
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        kept = next(d for d in session.days if d.held_on == day1)
        services.record_attendance(session, {member.id}, {(kept.id, member.id)})
        db.session.commit()
        kept_id = kept.id
        services.update_session(
            session, plan(name="Renommée", days=((day1, "Salle A bis"), (today, "Salle C")))
        )
        db.session.commit()
        session = db.session.get(TrainingSession, session_id)
        assert session.name == "Renommée"
        assert [(d.held_on, d.place) for d in session.days] == [
            (today, "Salle C"),
            (day1, "Salle A bis"),
        ]
        assert next(d for d in session.days if d.held_on == day1).id == kept_id
        attendance = db.session.scalars(sa.select(Attendance)).all()
        assert [(a.day_id, a.present) for a in attendance] == [(kept_id, True)]


def test_update_refuses_a_new_course_or_a_capacity_below_the_members(
    app, trainer, make_user, make_session
):
    from tests.learning.conftest import ROOT, import_courses

    import_courses(app, ROOT / "courses" / "socle-commun", ROOT / "courses" / "enseignants")
    session_id = make_session(trainer)
    join(app, make_user(), session_id)
    join(app, make_user(), session_id)
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        with pytest.raises(services.SessionError, match="ne peut plus être changée"):
            services.update_session(session, plan("enseignants"))
        with pytest.raises(services.SessionError, match=r"nombre de participants \(2\)"):
            services.update_session(session, plan(capacity=1))


def test_session_for_gives_a_trainer_only_their_own(app, trainer, make_user, make_session):
    session_id = make_session(trainer)
    other = make_user(role=Role.TRAINER)
    admin = make_user(role=Role.ADMIN)
    learner = make_user()
    with app.app_context():
        assert services.session_for(db.session.merge(trainer), session_id).id == session_id
        assert services.session_for(db.session.merge(admin), session_id).id == session_id
        assert services.session_for(db.session.merge(other), session_id) is None
        assert services.session_for(db.session.merge(learner), session_id) is None
        assert services.session_for(db.session.merge(trainer), session_id + 1000) is None


def test_sessions_of_trainer_lists_own_sessions_and_admins_all(
    app, trainer, make_user, make_session
):
    other = make_user(role=Role.TRAINER)
    mine = make_session(trainer)
    theirs = make_session(other)
    join(app, make_user(), mine)
    admin = make_user(role=Role.ADMIN)
    with app.app_context():
        own = services.sessions_of_trainer(db.session.merge(trainer))
        assert [(s.session.id, s.members) for s in own] == [(mine, 1)]
        assert own[0].course_title == "Cours d'exemple : le format des fichiers"
        every = services.sessions_of_trainer(db.session.merge(admin))
        assert {s.session.id for s in every} == {mine, theirs}


def test_attendance_refuses_another_sessions_ids_and_writes_nothing(
    app, trainer, make_user, make_session
):
    today = paris_today()
    first = make_session(trainer, days=((today, "Salle A"),))
    second = make_session(trainer, days=((today, "Salle B"),))
    mine = join(app, make_user(), first)
    foreign = join(app, make_user(), second)
    with app.app_context():
        session = db.session.get(TrainingSession, first)
        other = db.session.get(TrainingSession, second)
        day, other_day = session.days[0].id, other.days[0].id
        for members, present in (
            ({mine.id, foreign.id}, set()),
            ({mine.id}, {(day, foreign.id)}),
            ({mine.id}, {(other_day, mine.id)}),
        ):
            with pytest.raises(services.SessionError, match="ne correspondent pas"):
                services.record_attendance(session, members, present)
        assert db.session.scalar(sa.select(sa.func.count(Attendance.id))) == 0


def test_attendance_leaves_members_not_shown_alone(app, trainer, make_user, make_session):
    today = paris_today()
    session_id = make_session(trainer, days=((today, "Salle A"),))
    first = join(app, make_user(), session_id)
    second = join(app, make_user(), session_id)
    with app.app_context():
        session = db.session.get(TrainingSession, session_id)
        day = session.days[0].id
        services.record_attendance(session, {first.id, second.id}, {(day, second.id)})
        services.record_attendance(session, {first.id}, {(day, first.id)})
        db.session.commit()
        present = dict(
            db.session.execute(sa.select(Attendance.member_id, Attendance.present)).all()
        )
    assert present == {first.id: True, second.id: True}
