"""Fixtures of the drafts and authorship tests: the example course, its owner and other people."""

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from training.accounts.models import Role, User
from training.authoring.authors import add_co_author
from training.authoring.models import CourseDraft
from training.content.models import Course
from training.extensions import db

SLUG = "exemple-cours"
LESSON = "01-decouvrir/01-les-trois-elements.md"
OTHER_LESSON = "01-decouvrir/02-a-qui-signaler.md"
QUIZ = "02-verifier/01-quiz.md"
#: The review note of the example course's first lesson, as its file holds it.
NOTE_BLOCK = (
    "::: a-valider\nExemple de passage à faire vérifier par un expert avant publication.\n:::\n\n"
)


@dataclass
class Team:
    """The example course and the people around it, loaded in the test's session."""

    course: Course
    owner: User
    admin: User
    #: A trainer who is no author of the course.
    other: User
    learner: User


@pytest.fixture
def team(app, make_user, example_course) -> Iterator[Team]:
    """Inside an app context: the example course imported, owned by a trainer."""
    ids = {
        "owner": make_user(role=Role.TRAINER, full_name="Alice Propriétaire").id,
        "admin": make_user(role=Role.ADMIN, full_name="Bruno Admin").id,
        "other": make_user(role=Role.TRAINER, full_name="Chloé Autre").id,
        "learner": make_user(role=Role.LEARNER, full_name="Denis Apprenant").id,
    }
    with app.app_context():
        people = {name: db.session.get(User, user_id) for name, user_id in ids.items()}
        course = db.session.scalar(sa.select(Course).where(Course.slug == SLUG))
        add_co_author(course, people["owner"], people["admin"], as_owner=True)
        yield Team(course=course, **people)


def without_note(text: str) -> str:
    assert NOTE_BLOCK in text
    return text.replace(NOTE_BLOCK, "")


def stored_draft(slug: str = SLUG) -> CourseDraft | None:
    """The draft as the database holds it, not as the session remembers it."""
    db.session.expire_all()
    return db.session.scalar(sa.select(CourseDraft).where(CourseDraft.slug == slug))
