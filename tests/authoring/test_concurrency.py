"""Simultaneous saves, opens and publications of one draft, on PostgreSQL from separate
connections: one wins, the others are refused without writing."""

import pytest
import sqlalchemy as sa

from tests.learning.test_concurrency import run_together
from training.accounts.models import Role, User
from training.authoring import drafts, publishing
from training.authoring.authors import add_co_author
from training.authoring.models import CourseDraft
from training.content import services as content
from training.content.models import Course, CourseVersion
from training.extensions import db

from .conftest import LESSON, OTHER_LESSON, SLUG, without_note

pytestmark = pytest.mark.postgresql_only


@pytest.fixture
def owner_id(app, make_user, example_course) -> int:
    owner = make_user(role=Role.TRAINER)
    admin = make_user(role=Role.ADMIN)
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == SLUG))
        add_co_author(
            course, db.session.get(User, owner.id), db.session.get(User, admin.id), as_owner=True
        )
        db.session.commit()
    return owner.id


def test_twenty_simultaneous_opens_make_one_draft(app, owner_id):
    results = run_together(app, lambda: drafts.open_draft(SLUG, db.session.get(User, owner_id)).id)

    assert len(set(results)) == 1, results
    assert isinstance(results[0], int)


def test_of_twenty_saves_on_one_revision_exactly_one_is_kept(app, owner_id):
    with app.app_context():
        draft_id = drafts.open_draft(SLUG, db.session.get(User, owner_id)).id
        db.session.commit()

    def save():
        draft = db.session.get(CourseDraft, draft_id)
        text = f"save {id(draft)}"
        drafts.save_file(draft, OTHER_LESSON, text, 1, db.session.get(User, owner_id))
        return text

    results = run_together(app, save)

    kept = [result for result in results if isinstance(result, str)]
    assert len(kept) == 1, results
    assert all(isinstance(r, drafts.StaleDraftError) for r in results if r not in kept), results
    with app.app_context():
        draft = db.session.get(CourseDraft, draft_id)
        assert (draft.revision, draft.files[OTHER_LESSON]) == (2, kept[0])


def test_twenty_simultaneous_publications_make_one_version(app, owner_id):
    with app.app_context():
        owner = db.session.get(User, owner_id)
        draft = drafts.open_draft(SLUG, owner)
        drafts.save_file(draft, LESSON, without_note(draft.files[LESSON]), 1, owner)
        db.session.commit()
        draft_id = draft.id

    def publish():
        draft = db.session.get(CourseDraft, draft_id)
        if draft is None:
            return "already published"
        return publishing.publish_draft(draft, db.session.get(User, owner_id), "Note.").number

    results = run_together(app, publish)

    assert results.count(2) == 1, results
    assert all(
        result == "already published" or isinstance(result, drafts.DraftError)
        for result in results
        if result != 2
    ), results
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(CourseVersion.id))) == 2
        assert content.latest_version(SLUG).number == 2
        assert db.session.scalar(sa.select(sa.func.count(CourseDraft.id))) == 0
