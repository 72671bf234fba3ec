"""Session fixtures: sessions made through the services, learners who join them and learn."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.learning.conftest import LESSON_1, LESSON_2, QUIZ, SLUG
from training.accounts.models import Role, Territory, User
from training.catalog.models import Enrolment
from training.certificates.services import paris_today
from training.content.models import Course, Question
from training.extensions import db
from training.learning import services as learning
from training.sessions import services
from training.sessions.models import SessionMember, TrainingSession

__all__ = ["LESSON_1", "LESSON_2", "QUIZ", "SLUG"]


def plan(
    slug: str = SLUG,
    *,
    name: str = "Enseignants de Bordeaux",
    territory: str = "bordeaux",
    starts_on: date | None = None,
    ends_on: date | None = None,
    capacity: int | None = None,
    days: tuple[tuple[date, str], ...] = (),
) -> services.SessionPlan:
    """A session plan (inside an app context): today to in a month, by default."""
    starts_on = starts_on or paris_today()
    return services.SessionPlan(
        name=name,
        course=db.session.scalar(sa.select(Course).filter_by(slug=slug)),
        territory=db.session.scalar(sa.select(Territory).filter_by(code=territory)),
        starts_on=starts_on,
        ends_on=ends_on or starts_on + timedelta(days=30),
        capacity=capacity,
        days=[services.DayPlan(held_on, place) for held_on, place in days],
    )


@pytest.fixture
def make_session(app, example_course):
    """Create and commit a session owned by `trainer`; returns its id."""

    def make(trainer: User, **kwargs) -> int:
        with app.app_context():
            session = services.create_session(db.session.merge(trainer), plan(**kwargs))
            db.session.commit()
            return session.id

    return make


@pytest.fixture
def trainer(make_user) -> User:
    return make_user(role=Role.TRAINER, full_name="Fabienne Formatrice", territory="bordeaux")


def join(app, user: User, session_id: int) -> SessionMember:
    with app.app_context():
        member = services.join_session(
            db.session.merge(user), db.session.get(TrainingSession, session_id)
        )
        db.session.commit()
        db.session.refresh(member)
        return member


def enrolment_of(app, member: SessionMember) -> Enrolment:
    with app.app_context():
        return db.session.get(Enrolment, member.enrolment_id)


def finish_lesson(app, enrolment_id: int, key: str) -> None:
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        learning.mark_lesson_done(enrolment, learning.step_of(enrolment, key))
        db.session.commit()


def take_quiz(app, enrolment_id: int, right: list[bool]) -> int:
    """Start and submit an attempt of the example quiz, answering each question right or
    wrong; returns its score."""
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        step = learning.step_of(enrolment, QUIZ)
        attempt = learning.start_attempt(enrolment, step)
        questions = db.session.scalars(
            sa.select(Question).where(Question.step_id == step.id).order_by(Question.position)
        ).all()
        answers = {
            question.id: [c.id for c in question.choices if c.is_correct == wanted][
                : None if wanted else 1
            ]
            for question, wanted in zip(questions, right, strict=True)
        }
        submission = learning.submit_attempt(attempt, answers)
        db.session.commit()
        return submission.attempt.score
