"""A small population of learners, built through the real services, for the monitoring tests.

Names and organisations are distinctive, so that a test can assert none of them ever reaches
a monitor's page, export or API response.
"""

from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from tests.conftest import ROOT
from training.accounts.models import Role
from training.catalog import services as catalog
from training.content.models import Course, Question, Step
from training.content.services import import_courses
from training.extensions import db
from training.learning import services as learning

#: (territory, profession, how many learners, how far each went).
POPULATION = (
    ("marseille", "enseignant", 5, "completed"),
    ("marseille", "enseignant", 1, "started"),
    ("marseille", "enseignant", 1, "enrolled"),
    ("paris", "sante", 6, "completed"),
    ("bordeaux", "enseignant", 3, "completed"),
    ("bordeaux", "enseignant", 2, "enrolled"),
    ("autre", "magistrat", 2, "enrolled"),
)


@dataclass(frozen=True)
class Population:
    names: list[str]
    emails: list[str]
    organisations: list[str]
    #: Enrolment id of each learner, in POPULATION order.
    enrolment_ids: list[int]

    def private_strings(self) -> list[str]:
        return [*self.names, *self.emails, *self.organisations]


def _finish(enrolment, how_far: str) -> None:
    steps = db.session.scalars(
        sa.select(Step).where(Step.version_id == enrolment.version_id).order_by(Step.id)
    ).all()
    if how_far == "enrolled":
        return
    lessons = [step for step in steps if step.kind == "lesson"]
    learning.mark_lesson_done(enrolment, lessons[0])
    if how_far == "started":
        return
    for lesson in lessons[1:]:
        learning.mark_lesson_done(enrolment, lesson)
    for quiz in (step for step in steps if step.kind == "quiz"):
        attempt = learning.start_attempt(enrolment, quiz)
        answers = {
            question.id: [c.id for c in question.choices if c.is_correct]
            for question in db.session.scalars(sa.select(Question).filter_by(step_id=quiz.id))
        }
        learning.submit_attempt(attempt, answers)


@pytest.fixture
def population(app, make_user) -> Population:
    """20 learners of the example course, enrolled this month, in four territories."""
    with app.app_context():
        import_courses([ROOT / "docs" / "exemple-cours"])
        db.session.commit()
    names, emails, organisations, plans = [], [], [], []
    for territory, profession, count, how_far in POPULATION:
        for _ in range(count):
            number = len(names) + 1
            user = make_user(
                email=f"zephyrine.{number}@papillon.example.org",
                full_name=f"Zéphyrine Quatrevingt{number:02d}",
                territory=territory,
                profession=profession,
                role=Role.LEARNER,
            )
            names.append(user.full_name)
            emails.append(user.email)
            organisations.append(f"Association Papillon-Céleste {number:02d}")
            plans.append((user, how_far))
    enrolment_ids = []
    with app.app_context():
        course = db.session.scalar(sa.select(Course).filter_by(slug="exemple-cours"))
        for (user, how_far), organisation in zip(plans, organisations, strict=True):
            user = db.session.merge(user)
            user.organisation = organisation
            enrolment = catalog.enrol(user, course)
            _finish(enrolment, how_far)
            db.session.commit()
            enrolment_ids.append(enrolment.id)
    return Population(names, emails, organisations, enrolment_ids)


def this_month() -> str:
    from training.certificates.services import paris_today

    return f"{paris_today():%Y-%m}"
