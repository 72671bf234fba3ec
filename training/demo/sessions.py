"""A demo training session for the demo trainer: Bordeaux teachers of the demo activity, so that
a visitor logged in as the trainer sees a session table and its quiz statistics at once."""

from datetime import timedelta

import sqlalchemy as sa

from training.accounts.models import Profession, Territory, User
from training.catalog.models import Enrolment
from training.content.services import latest_version
from training.extensions import db
from training.sessions.models import Attendance, SessionMember, TrainingSession
from training.sessions.services import DayPlan, SessionPlan, create_session
from training.timeutils import PARIS, utcnow

NAME = "Enseignants de Bordeaux (démonstration)"
TRAINER_EMAIL = "formateur@demo.example.org"
#: Demo learners taken into the session: the most recent enrolments, a group's size.
MEMBERS = 16


def load_demo_session() -> TrainingSession | None:
    """Create the demo session unless present (or unless its ingredients are missing)."""
    trainer = db.session.scalar(sa.select(User).filter_by(email=TRAINER_EMAIL))
    version = latest_version("enseignants")
    bordeaux = db.session.scalar(sa.select(Territory).filter_by(code="bordeaux"))
    teachers = db.session.scalar(sa.select(Profession).filter_by(code="enseignant"))
    if None in (trainer, version, bordeaux, teachers):
        return None
    if db.session.scalar(sa.select(TrainingSession.id).filter_by(name=NAME)) is not None:
        return None
    enrolments = db.session.execute(
        sa.select(Enrolment.id, Enrolment.user_id, Enrolment.enrolled_at)
        .join(User, User.id == Enrolment.user_id)
        .where(
            Enrolment.course_id == version.course_id,
            Enrolment.territory_id == bordeaux.id,
            Enrolment.profession_id == teachers.id,
            User.email.like("stat-%@demo.example.org"),
        )
        .order_by(Enrolment.enrolled_at.desc())
        .limit(MEMBERS)
    ).all()
    if not enrolments:
        return None
    first = min(enrolled_at for *_, enrolled_at in enrolments).astimezone(PARIS).date()
    today = utcnow().astimezone(PARIS).date()
    day = first + (today - first) / 2
    session = create_session(
        trainer,
        SessionPlan(
            name=NAME,
            course=version.course,
            territory=bordeaux,
            starts_on=first,
            ends_on=today + timedelta(days=60),
            capacity=30,
            days=[
                DayPlan(
                    day, "École nationale de la magistrature, Bordeaux (salle de démonstration)"
                )
            ],
        ),
    )
    members = [
        SessionMember(session=session, user_id=user_id, enrolment_id=enrolment_id, joined_at=at)
        for enrolment_id, user_id, at in enrolments
    ]
    db.session.add_all(members)
    db.session.flush()
    db.session.add_all(
        Attendance(day_id=session.days[0].id, member_id=member.id, present=index % 5 != 3)
        for index, member in enumerate(members)
    )
    return session
