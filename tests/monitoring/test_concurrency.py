"""Simultaneous changes on PostgreSQL, from separate connections: no count is lost.

Every enrolment of the same month, territory, profession and course adds to the same summary
row; `INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n` makes each transaction wait for
the row and add to what the previous one committed.
"""

import pytest
import sqlalchemy as sa

from tests.learning.conftest import EXAMPLE
from tests.learning.test_concurrency import THREADS, run_together
from training.catalog import services as catalog
from training.catalog.models import Enrolment
from training.content import services as content
from training.content.models import Course, Step
from training.extensions import db
from training.learning import services as learning
from training.monitoring import summary
from training.monitoring.models import CohortCount

pytestmark = pytest.mark.postgresql_only


def test_simultaneous_enrolments_and_first_steps_are_all_counted(app, make_user):
    users = [make_user(territory="bordeaux", profession="sante") for _ in range(THREADS)]
    with app.app_context():
        content.import_courses([EXAMPLE])
        db.session.commit()
    queue = list(users)

    def enrol():
        course = db.session.scalar(sa.select(Course).filter_by(slug="exemple-cours"))
        return catalog.enrol(db.session.merge(queue.pop()), course).id

    enrolment_ids = run_together(app, enrol)
    assert all(isinstance(result, int) for result in enrolment_ids), enrolment_ids
    pending = list(enrolment_ids)

    def first_lesson():
        enrolment = db.session.get(Enrolment, pending.pop())
        lesson = db.session.scalar(
            sa.select(Step)
            .where(Step.version_id == enrolment.version_id, Step.kind == "lesson")
            .order_by(Step.id)
        )
        return learning.mark_lesson_done(enrolment, lesson)

    results = run_together(app, first_lesson)
    assert results == [False] * THREADS, results
    with app.app_context():
        row = db.session.scalar(sa.select(CohortCount))
        assert (row.enrolled, row.started, row.completed) == (THREADS, THREADS, 0)
        assert summary.stored_summary() == summary.recomputed_summary()
